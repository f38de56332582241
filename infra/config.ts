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
  temporal: { address: string; namespace: string; taskQueue: string };
  vsphere: VSphereSettings;
  /** base64 of 32 random bytes; encrypts RDP passwords at rest. */
  secretKey: string;
  /** How long provisioning waits for the guest to report an IP before giving up. */
  guestWaitTimeoutMs: number;
  /** How often the inventory sync refreshes machines, networks, templates and capacity. */
  inventorySyncSeconds: number;
  api: { host: string; port: number };
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

export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  return {
    databaseUrl: databaseUrlFrom(env),
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
  };
}
