// The Temporal worker: runs the workflows and the activities that drive vSphere and PostgreSQL.
// Stateless apart from its vSphere session, so any number of them can share the task queue.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { loadSettings, type Settings } from '../infra/config.js';
import { createPrisma, type PrismaClient } from '../prisma/client.js';
import { createCloneActivities } from './clone/activities.js';
import { syncInventorySchedule } from './inventory/schedules.js';
import { ensureSearchAttributes } from './namespace.js';
import { createRestoreActivities } from './restores/activities.js';
import { syncAllConfigurationSchedules } from './snapshots/schedules.js';
import { createInventoryActivities } from './inventory/activities.js';
import { createSnapshotActivities } from './snapshots/activities.js';
import { VSphereClient } from './vsphere/index.js';

export const WORKFLOWS_PATH = fileURLToPath(new URL('./workflows.ts', import.meta.url));

export function createVSphereClient(settings: Settings['vsphere']): VSphereClient {
  return new VSphereClient({
    url: settings.url,
    username: settings.username,
    password: settings.password,
    tls: {
      insecure: settings.insecure,
      ...(settings.thumbprintSha256 ? { thumbprintSha256: settings.thumbprintSha256 } : {}),
      ...(settings.caPemPath ? { caPem: readFileSync(settings.caPemPath, 'utf8') } : {}),
    },
  });
}

export interface WorkerDeps {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  prisma: PrismaClient;
  vsphere: VSphereClient;
  secretKey: string;
  guestWaitTimeoutMs: number;
}

export function createWorker(deps: WorkerDeps): Promise<Worker> {
  return Worker.create({
    connection: deps.connection,
    namespace: deps.namespace,
    taskQueue: deps.taskQueue,
    workflowsPath: WORKFLOWS_PATH,
    activities: {
      ...createCloneActivities(deps),
      ...createRestoreActivities(deps),
      ...createSnapshotActivities(deps),
      ...createInventoryActivities(deps),
    },
  });
}

/**
 * Prepares the namespace: the search attributes, and Schedules matching the database (one per
 * configuration, plus the inventory sync). Idempotent, so every worker replica runs it at
 * start-up; it also repairs a schedule the API could not set while Temporal was away.
 */
async function prepareNamespace(settings: Settings, prisma: PrismaClient): Promise<void> {
  const connection = await Connection.connect({ address: settings.temporal.address });
  try {
    await ensureSearchAttributes(connection, settings.temporal.namespace);
    const client = new Client({ connection, namespace: settings.temporal.namespace });
    await syncAllConfigurationSchedules(client, settings.temporal.taskQueue, prisma);
    await syncInventorySchedule(client, settings.temporal.taskQueue, settings.inventorySyncSeconds);
  } finally {
    await connection.close();
  }
}

async function main(): Promise<void> {
  const settings = loadSettings();
  const prisma = createPrisma(settings.databaseUrl);
  const vsphere = createVSphereClient(settings.vsphere);
  const connection = await NativeConnection.connect({ address: settings.temporal.address });
  const worker = await createWorker({
    connection,
    namespace: settings.temporal.namespace,
    taskQueue: settings.temporal.taskQueue,
    prisma,
    vsphere,
    secretKey: settings.secretKey,
    guestWaitTimeoutMs: settings.guestWaitTimeoutMs,
  });
  await prepareNamespace(settings, prisma);
  // Worker.run installs SIGINT/SIGTERM handlers that drain in-flight tasks before resolving.
  await worker.run();
  await Promise.allSettled([vsphere.close(), prisma.$disconnect(), connection.close()]);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error('worker failed:', error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
