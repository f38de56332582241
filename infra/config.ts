// Runtime settings, read once from the environment. Every process (API, worker, scripts) uses
// the same names so one `.enclave/dev.env` or deployment manifest configures them all.

import { databaseUrlFrom } from '../prisma/database-url.mjs';

export interface VSphereSettings {
  url: string;
  username: string;
  password: string;
  insecure: boolean;
  thumbprintSha256?: string;
  caPemPath?: string;
}

export interface Settings {
  databaseUrl: string;
  /** PostgreSQL connections per process (DATABASE_POOL_SIZE); unset, pg's default of 10. */
  databasePoolSize?: number;
  temporal: { address: string; namespace: string; taskQueue: string };
  vsphere: VSphereSettings;
  /** base64 of 32 random bytes; encrypts RDP passwords at rest. */
  secretKey: string;
  /** How long provisioning waits for the guest to report an IP before giving up. */
  guestWaitTimeoutMs: number;
  /** How often the inventory sync refreshes machines, networks, templates and capacity. */
  inventorySyncSeconds: number;
  api: { host: string; port: number };
  exposure: ApiExposure;
}

/** What the API shows about itself. With NODE_ENV=production both are off unless switched on. */
export interface ApiExposure {
  /** GraphiQL at GET /graphql (ENCLAVE_GRAPHIQL). */
  graphiql: boolean;
  /** Introspection queries (ENCLAVE_INTROSPECTION); GraphiQL's docs and completion need it. */
  introspection: boolean;
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`${name} must be set (see README: Configuration)`);
  return value;
}

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

function flag(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw === '1' || raw === 'true') return true;
  if (raw === '0' || raw === 'false') return false;
  throw new Error(`${name} must be 1 or 0, got "${raw}"`);
}

export function loadApiExposure(env: NodeJS.ProcessEnv = process.env): ApiExposure {
  const development = env.NODE_ENV !== 'production';
  return { graphiql: flag(env, 'ENCLAVE_GRAPHIQL', development), introspection: flag(env, 'ENCLAVE_INTROSPECTION', development) };
}

/** What the `enclave` command needs: the database alone (no Temporal, vSphere or secret key). */
export function loadCommandSettings(env: NodeJS.ProcessEnv = process.env): Pick<Settings, 'databaseUrl'> {
  return { databaseUrl: databaseUrlFrom(env) };
}

export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  return {
    databaseUrl: databaseUrlFrom(env),
    ...(env.DATABASE_POOL_SIZE ? { databasePoolSize: positiveInt(env, 'DATABASE_POOL_SIZE', 10) } : {}),
    temporal: {
      address: env.TEMPORAL_ADDRESS || '127.0.0.1:7233',
      namespace: env.TEMPORAL_NAMESPACE || 'default',
      taskQueue: env.TEMPORAL_TASK_QUEUE || 'enclave',
    },
    vsphere: {
      url: required(env, 'VSPHERE_URL'),
      username: required(env, 'VSPHERE_USERNAME'),
      password: required(env, 'VSPHERE_PASSWORD'),
      insecure: env.VSPHERE_INSECURE === 'true',
      ...(env.VSPHERE_THUMBPRINT ? { thumbprintSha256: env.VSPHERE_THUMBPRINT } : {}),
      ...(env.VSPHERE_CA_FILE ? { caPemPath: env.VSPHERE_CA_FILE } : {}),
    },
    secretKey: required(env, 'ENCLAVE_SECRET_KEY'),
    guestWaitTimeoutMs: positiveInt(env, 'GUEST_WAIT_TIMEOUT_MS', 30 * 60 * 1000),
    inventorySyncSeconds: positiveInt(env, 'INVENTORY_SYNC_SECONDS', 300),
    api: { host: env.API_HOST || '127.0.0.1', port: positiveInt(env, 'PORT', 4000) },
    exposure: loadApiExposure(env),
  };
}
