// The whole stack in one test process, on real components: a PostgreSQL database of the test
// file's own, a vcsim of its own, the shared Temporal dev server (own task queue), a worker,
// the API on an ephemeral port and the lab guest simulator.
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { inject } from 'vitest';
import { PgEventBus } from '../../domain/eventBus.js';
import { generatePassword } from '../../domain/secrets.js';
import { createPrisma, type PrismaClient } from '../../prisma/client.js';
import { seedDemo, type DemoUser, type SeedResult } from '../../prisma/seed.js';
import { startGuestSimulator, type GuestSimulator } from '../../scripts/lab/guestSimulator.js';
import { startApiServer, type ApiServer } from '../../server/app.js';
import { createWorker } from '../../workflows/worker.js';
import { VSphereClient } from '../../workflows/vsphere/index.js';
import { startVcsim } from '../../workflows/vsphere/testing/vcsim.js';
import { createTestDatabase } from './database.js';

export interface TestStack {
  api: ApiServer;
  prisma: PrismaClient;
  vsphere: VSphereClient;
  temporal: Client;
  taskQueue: string;
  seed: SeedResult;
  users: Record<'admin' | 'operator' | 'developer', DemoUser>;
  close(): Promise<void>;
}

export interface TestStackOptions {
  /** Let the lab guest simulator give powered-on VMs an IP (default true). */
  guests?: boolean;
  guestWaitTimeoutMs?: number;
}

export async function startTestStack(options: TestStackOptions = {}): Promise<TestStack> {
  const cleanups: Array<() => Promise<unknown>> = [];
  const close = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error) => console.error('cleanup:', error));
  };
  try {
    const database = await createTestDatabase(inject('templateDatabaseUrl'));
    cleanups.push(() => database.drop());
    const prisma = createPrisma(database.url);
    cleanups.push(() => prisma.$disconnect());

    const vcsim = await startVcsim();
    cleanups.push(() => vcsim.stop());
    const vsphere = new VSphereClient({
      url: vcsim.url,
      username: vcsim.username,
      password: vcsim.password,
      tls: { thumbprintSha256: vcsim.thumbprintSha256 },
    });
    cleanups.push(() => vsphere.logout().catch(() => undefined));

    const users = {
      admin: { username: 'admin', name: 'Ada Admin', role: 'GLOBAL_ADMIN', password: generatePassword() },
      operator: { username: 'operator', name: 'Otto Operator', role: 'MACHINE_ADMIN', password: generatePassword() },
      developer: { username: 'developer', name: 'Dev Eloper', role: 'DEVELOPER', password: generatePassword() },
    } satisfies Record<string, DemoUser>;
    const seed = await seedDemo(prisma, vsphere, { users: Object.values(users) });

    const secretKey = randomBytes(32).toString('base64');
    const address = inject('temporalAddress');
    const taskQueue = `test-${randomBytes(4).toString('hex')}`;
    const workerConnection = await NativeConnection.connect({ address });
    cleanups.push(() => workerConnection.close());
    const worker: Worker = await createWorker({
      connection: workerConnection,
      namespace: 'default',
      taskQueue,
      prisma,
      vsphere,
      secretKey,
      guestWaitTimeoutMs: options.guestWaitTimeoutMs ?? 60_000,
    });
    const running = worker.run();
    cleanups.push(async () => {
      worker.shutdown();
      await running;
    });

    const connection = await Connection.connect({ address });
    cleanups.push(() => connection.close());
    const temporal = new Client({ connection, namespace: 'default' });

    const bus = new PgEventBus(database.url);
    await bus.start();
    cleanups.push(() => bus.close());
    const api = await startApiServer(
      { prisma, temporal, bus, settings: { secretKey, temporal: { address, namespace: 'default', taskQueue } } },
      { host: '127.0.0.1', port: 0 },
    );
    cleanups.push(() => api.close());

    if (options.guests !== false) {
      const guests: GuestSimulator = startGuestSimulator(vsphere, { intervalMs: 250, bootDelayMs: 500 });
      cleanups.push(() => guests.stop());
    }
    return { api, prisma, vsphere, temporal, taskQueue, seed, users, close };
  } catch (error) {
    await close();
    throw error;
  }
}
