// The Temporal worker: runs the workflows and the activities that drive vSphere and PostgreSQL.
// Stateless apart from its vSphere session, so any number of them can share the task queue.
import { fileURLToPath } from 'node:url';
import type { Context } from '@temporalio/activity';
import type { Client, Connection } from '@temporalio/client';
import { OpenTelemetryActivityInboundInterceptor } from '@temporalio/interceptors-opentelemetry';
import { Runtime, Worker, type NativeConnection } from '@temporalio/worker';
import { loadSettings, type Settings } from '../infra/config.js';
import { checks, loadWorkerHttpSettings, startOpsServer } from '../infra/health.js';
import { configureLogger, errorFields, logger, temporalLogger } from '../infra/logger.js';
import { openServices } from '../infra/services.js';
import { startTracing, tracing } from '../infra/telemetry.js';
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
import { activityMetrics, workflowMetricsSinks } from './metricsSinks.js';
import type { VSphereClient } from './vsphere/index.js';

export const WORKFLOWS_PATH = fileURLToPath(new URL('./workflows.ts', import.meta.url));
/** Workflow interceptors (bundled with the workflows): run outcomes for the metrics. */
export const WORKFLOW_INTERCEPTORS_PATH = fileURLToPath(new URL('./interceptors.ts', import.meta.url));

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
  // With tracing on, each activity continues the trace of the request that started its workflow
  // (the header is carried by workflows/interceptors.ts), and its vSphere calls are its children.
  const traces = tracing();
  return Worker.create({
    connection: deps.connection,
    namespace: deps.namespace,
    taskQueue: deps.taskQueue,
    workflowsPath: WORKFLOWS_PATH,
    interceptors: {
      workflowModules: [WORKFLOW_INTERCEPTORS_PATH],
      activity: [...(traces ? [(ctx: Context) => ({ inbound: new OpenTelemetryActivityInboundInterceptor(ctx) })] : []), activityMetrics],
    },
    sinks: workflowMetricsSinks,
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
  configureLogger('worker');
  const traces = startTracing('enclave-worker');
  Runtime.install({ logger: temporalLogger(logger) });
  const settings = loadSettings();
  const services = await openServices(settings, { vsphere: true, workerConnection: true, temporalClient: true });
  let ops: Awaited<ReturnType<typeof startOpsServer>> | undefined;
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
    ops = await startOpsServer(
      {
        checks: {
          database: checks.database(services.prisma),
          temporal: checks.temporal(services.temporal),
          worker: async () => {
            if (worker.getState() !== 'RUNNING') throw new Error(`worker is ${worker.getState()}`);
          },
        },
      },
      loadWorkerHttpSettings(),
    );
    logger.info({ taskQueue: settings.temporal.taskQueue, health: `${ops.url}/readyz`, metrics: `${ops.url}/metrics` }, 'worker started');
    // Worker.run installs SIGINT/SIGTERM handlers that drain in-flight tasks before resolving.
    await worker.run();
  } finally {
    await ops?.close();
    await services.close();
    await traces?.shutdown();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    logger.fatal(errorFields(error), 'worker failed');
    process.exit(1);
  });
}
