// The test harness: the stack in one test process, on real components, opened through the
// composition root (infra/services.ts) as the API and worker processes open theirs. Always a
// PostgreSQL database of the test file's own, the event bus, a Temporal client on the shared dev
// server (own task queue) and the API on an ephemeral port; by default also a vcsim of its own
// with the demo data, a worker and the lab guest simulator (`{ vsphere: false }` leaves them out).
import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { inject } from 'vitest';
import { loadApiExposure, type Settings } from '../../infra/config.js';
import { fieldLogger, logger } from '../../infra/logger.js';
import { vsphereMetrics } from '../../infra/metrics.js';
import { generatePassword } from '../../infra/secrets.js';
import { cleanupStack, openServices } from '../../infra/services.js';
import type { PrismaClient } from '../../prisma/client.js';
import { seedDemo, type DemoUser, type SeedResult } from '../../prisma/seed.js';
import { startGuestSimulator, type GuestSimulator } from '../../scripts/lab/guestSimulator.js';
import { startApiServer, type ApiServer } from '../../server/app.js';
import type { AppServices } from '../../server/context.js';
import { createWorker } from '../../workflows/worker.js';
import type { VSphereClient } from '../../workflows/vsphere/index.js';
import { connectToVcsim, startVcsim, type VcsimOptions } from '../../workflows/vsphere/testing/vcsim.js';
import { createTestDatabase } from './database.js';
import { eventually } from './eventually.js';
import { installTestLogging } from './logging.js';

/** What every stack has: the API and what it runs on. */
export interface ApiStack {
  api: ApiServer;
  /** The API's own client; `onQuery` sees every query it sends. */
  prisma: PrismaClient;
  temporal: Client;
  taskQueue: string;
  databaseUrl: string;
  secretKey: string;
  /**
   * Stops the API and starts a new one on the same port (clients see a server restart); `api` is
   * replaced. Down for `downtimeMs`, or until `whileDown` resolves.
   */
  restartApi(options?: { downtimeMs?: number; whileDown?: () => Promise<unknown> }): Promise<void>;
  /** How many subscriptions the API has opened on the event bus so far. */
  subscriptionsOpened(): number;
  /**
   * Resolves once the API has opened `total` subscriptions on the event bus: from then on they
   * receive what is published (graphql-ws does not acknowledge a subscribe, so a client cannot tell).
   */
  subscribed(total: number): Promise<void>;
  close(): Promise<void>;
}

/** The whole stack: also vSphere (vcsim) with the demo data, and what a worker needs. */
export interface TestStack extends ApiStack {
  vsphere: VSphereClient;
  seed: SeedResult;
  users: Record<'admin' | 'operator' | 'developer', DemoUser>;
  /** The environment `workflows/worker.ts` needs to serve this stack as a separate process. */
  workerEnv: NodeJS.ProcessEnv;
  /**
   * Stops vcsim and starts a new one at the same address and login, with vcsim's fresh inventory,
   * then re-creates what the stack needs in it as the dev stack's seed does on every start
   * (templates; images, networks and primaries re-linked by name). The API, the worker and their
   * vSphere client keep running through it, as under a restarted vCenter.
   */
  restartVSphere(): Promise<void>;
}

/** A stack on vcsim's default inventory with an empty database: no users, no demo data (onboarding). */
export interface BareStack extends ApiStack {
  vsphere: VSphereClient;
  workerEnv: NodeJS.ProcessEnv;
}

export interface TestStackOptions {
  /** Seed the demo users and data (default true); false leaves the database as migrated, empty. */
  demo?: boolean;
  /**
   * Start a vcsim of the file's own and seed the demo data (default true). Without it there is no
   * worker and no guest simulator either: the API tests write their rows with `writeFixture`.
   */
  vsphere?: boolean;
  /** Run a worker in the test process (default true); without it, start `workerEnv` processes. */
  worker?: boolean;
  /** Former name of `worker`. */
  inProcessWorker?: boolean;
  /** Let the lab guest simulator give powered-on VMs an IP (default true). */
  guests?: boolean;
  /**
   * How long after giving a VM its IP the guest simulator reports its customization finished
   * (default 500 ms); a test that posts the outcome itself gives a very long one.
   */
  customizationDelayMs?: number;
  guestWaitTimeoutMs?: number;
  /** Passed to startVcsim, e.g. { methodDelay: 'CreateSnapshot:3000' } to make captures slow. */
  vcsimOptions?: Omit<VcsimOptions, 'binary'>;
  /** Called with the SQL of every query the stack's Prisma client sends. */
  onQuery?: (sql: string) => void;
  /** A Temporal server of the test's own (e.g. one it restarts) instead of the run's shared one. */
  temporalAddress?: string;
}

export function startTestStack(options: TestStackOptions & { vsphere: false }): Promise<ApiStack>;
export function startTestStack(options: TestStackOptions & { demo: false }): Promise<BareStack>;
export function startTestStack(options?: TestStackOptions): Promise<TestStack>;
export async function startTestStack(options: TestStackOptions = {}): Promise<ApiStack | TestStack | BareStack> {
  installTestLogging();
  const cleanups = cleanupStack();
  const { close } = cleanups;
  try {
    const database = await createTestDatabase(inject('templateDatabaseUrl'));
    cleanups.push(() => database.drop());
    const address = options.temporalAddress ?? inject('temporalAddress');
    const taskQueue = `test-${randomBytes(4).toString('hex')}`;
    const secretKey = randomBytes(32).toString('base64');
    const base = { databaseUrl: database.url, temporal: { address, namespace: 'default', taskQueue }, secretKey, exposure: loadApiExposure({}) };
    const withVSphere = options.vsphere !== false;
    const withWorker = withVSphere && (options.worker ?? options.inProcessWorker) !== false;

    let vcsim = withVSphere ? await startVcsim({ ...options.vcsimOptions, binary: inject('vcsimBinary') }) : undefined;
    if (vcsim) cleanups.push(() => vcsim!.stop());
    const settings: Settings | undefined = vcsim && {
      ...base,
      vsphere: {
        url: vcsim.url,
        username: vcsim.username,
        password: vcsim.password,
        insecure: false,
        ...(vcsim.thumbprintSha256 ? { thumbprintSha256: vcsim.thumbprintSha256 } : {}),
      },
      guestWaitTimeoutMs: options.guestWaitTimeoutMs ?? 60_000,
      inventorySyncSeconds: 300,
      api: { host: '127.0.0.1', port: 0 }, // the stack's API listens on an ephemeral port of its own
    };
    const services = await openServices(settings ?? base, {
      bus: true,
      temporalClient: true,
      // The vcsim client logs to the test's log file (installTestLogging), and reports task progress every second.
      vsphere: vcsim ? connectToVcsim(vcsim, { metrics: vsphereMetrics, logger: fieldLogger(logger.child({ component: 'vsphere' })) }) : false,
      workerConnection: withWorker,
      ...(options.onQuery ? { prisma: { onQuery: options.onQuery } } : {}),
    });
    cleanups.push(() => services.close());
    const { prisma, temporal, bus, vsphere, workerConnection } = services;
    const app: AppServices = { prisma, temporal, bus, settings: base };
    // Counted where the API's subscriptions start listening, so tests wait for that instead of sleeping.
    let opened = 0;
    const subscribe = bus.subscribe.bind(bus);
    bus.subscribe = ((filter: Parameters<typeof subscribe>[0]) => {
      const messages = subscribe(filter);
      opened++;
      return messages;
    }) as typeof bus.subscribe;
    const subscriptionsOpened = () => opened;
    const subscribed = async (total: number) => {
      await eventually(async () => opened >= total, { timeoutMs: 30_000, intervalMs: 25, what: `${total} bus subscriptions (${opened} opened)` });
    };

    const startApi = (port: number) => startApiServer(app, { host: '127.0.0.1', port });
    let api = await startApi(0);
    cleanups.push(() => api.close());
    const restartApi = async ({ downtimeMs = 0, whileDown }: { downtimeMs?: number; whileDown?: () => Promise<unknown> } = {}) => {
      await api.close();
      await new Promise((resolve) => setTimeout(resolve, downtimeMs));
      await whileDown?.();
      api = await startApi(Number(new URL(api.url).port));
      stack.api = api;
    };
    const stack: ApiStack = {
      api,
      prisma,
      temporal,
      taskQueue,
      databaseUrl: database.url,
      secretKey,
      restartApi,
      subscriptionsOpened,
      subscribed,
      close,
    };
    if (!settings || !vsphere) return stack;

    const workerEnv = { ...process.env, ...workerEnvFor(settings) };
    const users = {
      admin: { username: 'admin', name: 'Ada Admin', role: 'GLOBAL_ADMIN', password: generatePassword() },
      operator: { username: 'operator', name: 'Otto Operator', role: 'MACHINE_ADMIN', password: generatePassword() },
      developer: { username: 'developer', name: 'Dev Eloper', role: 'DEVELOPER', password: generatePassword() },
    } satisfies Record<string, DemoUser>;
    const seed = options.demo === false ? undefined : await seedDemo(prisma, vsphere, { users: Object.values(users) });

    if (workerConnection) {
      const worker: Worker = await createWorker({
        connection: workerConnection,
        namespace: 'default',
        taskQueue,
        prisma,
        vsphere,
        secretKey,
        guestWaitTimeoutMs: settings.guestWaitTimeoutMs,
      });
      const running = worker.run();
      cleanups.push(async () => {
        worker.shutdown();
        await running;
      });
    }
    if (options.guests !== false) {
      const guests: GuestSimulator = startGuestSimulator(vsphere, {
        intervalMs: 250,
        bootDelayMs: 500,
        customizationDelayMs: options.customizationDelayMs ?? 500,
      });
      cleanups.push(() => guests.stop());
    }
    if (!seed) return Object.assign(stack, { vsphere, workerEnv }) satisfies BareStack;
    const restartVSphere = async () => {
      const before = vcsim!;
      await before.stop();
      vcsim = await startVcsim({
        ...options.vcsimOptions,
        binary: inject('vcsimBinary'),
        port: Number(new URL(before.url).port),
        password: before.password,
      });
      if (vcsim.thumbprintSha256 !== before.thumbprintSha256) throw new Error('the restarted vcsim has another certificate');
      await seedDemo(prisma, vsphere, { users: Object.values(users) });
    };
    const full: TestStack = Object.assign(stack, {
      vsphere,
      seed,
      users,
      workerEnv,
      restartVSphere,
    });
    return full;
  } catch (error) {
    await close();
    throw error;
  }
}

/** The environment a worker process reads `settings` back from (`loadSettings`), to serve this stack. */
function workerEnvFor(settings: Settings): NodeJS.ProcessEnv {
  const { vsphere } = settings;
  return {
    DATABASE_URL: settings.databaseUrl,
    TEMPORAL_ADDRESS: settings.temporal.address,
    TEMPORAL_NAMESPACE: settings.temporal.namespace,
    TEMPORAL_TASK_QUEUE: settings.temporal.taskQueue,
    VSPHERE_URL: vsphere.url,
    VSPHERE_USERNAME: vsphere.username,
    VSPHERE_PASSWORD: vsphere.password,
    ...(vsphere.insecure ? { VSPHERE_INSECURE: 'true' } : {}),
    ...(vsphere.thumbprintSha256 ? { VSPHERE_THUMBPRINT: vsphere.thumbprintSha256 } : {}),
    ...(vsphere.caPemPath ? { VSPHERE_CA_FILE: vsphere.caPemPath } : {}),
    ENCLAVE_SECRET_KEY: settings.secretKey,
    // Health and metrics on a free port: several workers of several test files run at once.
    WORKER_HTTP_PORT: '0',
    GUEST_WAIT_TIMEOUT_MS: String(settings.guestWaitTimeoutMs),
    INVENTORY_SYNC_SECONDS: String(settings.inventorySyncSeconds),
  };
}
