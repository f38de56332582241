// The Temporal worker: runs the workflows and the activities that drive vSphere and PostgreSQL.
// Stateless apart from its vSphere session, so any number of them can share the task queue.
import { fileURLToPath } from 'node:url';
import type { Client, Connection } from '@temporalio/client';
import { Worker, type NativeConnection } from '@temporalio/worker';
import { loadSettings, type Settings } from '../infra/config.js';
import { openServices } from '../infra/services.js';
import type { PrismaClient } from '../prisma/client.js';
import { createCloneActivities } from './clone/activities.js';
import { syncInventorySchedule } from './inventory/schedules.js';
import { ensureSearchAttributes } from './namespace.js';
import { createRestoreActivities } from './restores/activities.js';
import { syncAllConfigurationSchedules } from './snapshots/schedules.js';
import { createInventoryActivities } from './inventory/activities.js';
import { createDiscoveryActivities } from './inventory/discovery.js';
import { createOperationActivities } from './operations/activities.js';
import { createSnapshotActivities } from './snapshots/activities.js';
import type { VSphereClient } from './vsphere/index.js';

export const WORKFLOWS_PATH = fileURLToPath(new URL('./workflows.ts', import.meta.url));

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
      ...createDiscoveryActivities(deps),
      ...createOperationActivities(deps),
    },
  });
}

/**
 * Prepares the namespace: the search attributes, and Schedules matching the database (one per
 * configuration, plus the inventory sync). Idempotent, so every worker replica runs it at
 * start-up; it also repairs a schedule the API could not set while Temporal was away.
 */
async function prepareNamespace(
  settings: Settings,
  { temporal, temporalConnection }: { temporal: Client; temporalConnection: Connection },
  prisma: PrismaClient,
): Promise<void> {
  await ensureSearchAttributes(temporalConnection, settings.temporal.namespace);
  await syncAllConfigurationSchedules(temporal, settings.temporal.taskQueue, prisma);
  await syncInventorySchedule(temporal, settings.temporal.taskQueue, settings.inventorySyncSeconds);
}

async function main(): Promise<void> {
  const settings = loadSettings();
  const services = await openServices(settings, { vsphere: true, workerConnection: true, temporalClient: true });
  try {
    const worker = await createWorker({
      connection: services.workerConnection,
      namespace: settings.temporal.namespace,
      taskQueue: settings.temporal.taskQueue,
      prisma: services.prisma,
      vsphere: services.vsphere,
      secretKey: settings.secretKey,
      guestWaitTimeoutMs: settings.guestWaitTimeoutMs,
    });
    await prepareNamespace(settings, services, services.prisma);
    // Worker.run installs SIGINT/SIGTERM handlers that drain in-flight tasks before resolving.
    await worker.run();
  } finally {
    await services.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error('worker failed:', error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
