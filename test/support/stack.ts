// The whole stack in one test process, on real components: a PostgreSQL database of the test
// file's own, a vcsim of its own, the shared Temporal dev server (own task queue), a worker,
// the API on an ephemeral port and the lab guest simulator.
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { inject } from 'vitest';
import { PgEventBus } from '../../infra/eventBus.js';
import { generatePassword } from '../../infra/secrets.js';
import type { PrismaClient } from '../../prisma/client.js';
import { seedDemo, type DemoUser, type SeedResult } from '../../prisma/seed.js';
import { startGuestSimulator, type GuestSimulator } from '../../scripts/lab/guestSimulator.js';
import { startApiServer, type ApiServer } from '../../server/app.js';
import { createWorker } from '../../workflows/worker.js';
import { VSphereClient } from '../../workflows/vsphere/index.js';
import { connectToVcsim, startVcsim, type VcsimOptions } from '../../workflows/vsphere/testing/vcsim.js';
import { cleanupStack, openTestDatabase } from './database.js';

export interface TestStack {
  api: ApiServer;
  prisma: PrismaClient;
  vsphere: VSphereClient;
  temporal: Client;
  taskQueue: string;
  seed: SeedResult;
  users: Record<'admin' | 'operator' | 'developer', DemoUser>;
  /** The environment `workflows/worker.ts` needs to serve this stack as a separate process. */
  workerEnv: NodeJS.ProcessEnv;
  /** Stops the API and starts a new one on the same port (clients see a server restart); `api` is replaced. */
  restartApi(options?: { downtimeMs?: number }): Promise<void>;
  close(): Promise<void>;
}

export interface TestStackOptions {
  /** Let the lab guest simulator give powered-on VMs an IP (default true). */
  guests?: boolean;
  guestWaitTimeoutMs?: number;
  /** Passed to startVcsim, e.g. { methodDelay: 'CreateSnapshot:3000' } to make captures slow. */
  vcsimOptions?: VcsimOptions;
  /** Run a worker in the test process (default true); without it, start `workerEnv` processes. */
  inProcessWorker?: boolean;
}

export async function startTestStack(options: TestStackOptions = {}): Promise<TestStack> {
  const cleanups = cleanupStack();
  const { close } = cleanups;
  try {
    const database = await openTestDatabase(cleanups);
    const { prisma } = database;

    const vcsim = await startVcsim(options.vcsimOptions);
    cleanups.push(() => vcsim.stop());
    const vsphere = connectToVcsim(vcsim);
    cleanups.push(() => vsphere.close().catch(() => undefined));

    const users = {
      admin: { username: 'admin', name: 'Ada Admin', role: 'GLOBAL_ADMIN', password: generatePassword() },
      operator: { username: 'operator', name: 'Otto Operator', role: 'MACHINE_ADMIN', password: generatePassword() },
      developer: { username: 'developer', name: 'Dev Eloper', role: 'DEVELOPER', password: generatePassword() },
    } satisfies Record<string, DemoUser>;
    const seed = await seedDemo(prisma, vsphere, { users: Object.values(users) });

    const secretKey = randomBytes(32).toString('base64');
    const address = inject('temporalAddress');
    const taskQueue = `test-${randomBytes(4).toString('hex')}`;
    const guestWaitTimeoutMs = options.guestWaitTimeoutMs ?? 60_000;
    if (options.inProcessWorker !== false) {
      const workerConnection = await NativeConnection.connect({ address });
      cleanups.push(() => workerConnection.close());
      const worker: Worker = await createWorker({
        connection: workerConnection,
        namespace: 'default',
        taskQueue,
        prisma,
        vsphere,
        secretKey,
        guestWaitTimeoutMs,
      });
      const running = worker.run();
      cleanups.push(async () => {
        worker.shutdown();
        await running;
      });
    }
    const workerEnv: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: database.url,
      TEMPORAL_ADDRESS: address,
      TEMPORAL_TASK_QUEUE: taskQueue,
      VSPHERE_URL: vcsim.url,
      VSPHERE_USERNAME: vcsim.username,
      VSPHERE_PASSWORD: vcsim.password,
      VSPHERE_THUMBPRINT: vcsim.thumbprintSha256,
      ENCLAVE_SECRET_KEY: secretKey,
      GUEST_WAIT_TIMEOUT_MS: String(guestWaitTimeoutMs),
    };

    const connection = await Connection.connect({ address });
    cleanups.push(() => connection.close());
    const temporal = new Client({ connection, namespace: 'default' });

    const bus = new PgEventBus(database.url);
    await bus.start();
    cleanups.push(() => bus.close());
    const startApi = (port: number) =>
      startApiServer(
        { prisma, temporal, bus, settings: { secretKey, temporal: { address, namespace: 'default', taskQueue } } },
        { host: '127.0.0.1', port },
      );
    let api = await startApi(0);
    cleanups.push(() => api.close());
    const restartApi = async ({ downtimeMs = 0 } = {}) => {
      await api.close();
      await new Promise((resolve) => setTimeout(resolve, downtimeMs));
      api = await startApi(Number(new URL(api.url).port));
      stack.api = api;
    };

    if (options.guests !== false) {
      const guests: GuestSimulator = startGuestSimulator(vsphere, { intervalMs: 250, bootDelayMs: 500 });
      cleanups.push(() => guests.stop());
    }
    const stack: TestStack = { api, prisma, vsphere, temporal, taskQueue, seed, users, workerEnv, restartApi, close };
    return stack;
  } catch (error) {
    await close();
    throw error;
  }
}
