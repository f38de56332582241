// The composition root: how the processes wire their services (Prisma client, event bus, Temporal
// client and worker connection, vSphere client) from settings. The API's main, the worker's main,
// the local stack and the test harness all open their services here, each asking only for the
// parts it uses, and close them with one call, newest first.
import { readFileSync } from 'node:fs';
import { Client, Connection, type WorkflowClientInterceptor } from '@temporalio/client';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry';
import { NativeConnection } from '@temporalio/worker';
import { createPrisma, type CreatePrismaOptions, type PrismaClient } from '../prisma/client.js';
import { VSphereClient } from '../workflows/vsphere/index.js';
import type { Settings, VSphereSettings } from './config.js';
import { PgEventBus } from './eventBus.js';
import { errorFields, fieldLogger, logger } from './logger.js';
import { vsphereMetrics } from './metrics.js';
import { tracing } from './telemetry.js';

/** Undo steps, run newest first by `close`; a failing step is logged and the others still run. */
export function cleanupStack() {
  const steps: Array<() => Promise<unknown>> = [];
  return {
    push: (step: () => Promise<unknown>) => void steps.push(step),
    close: async () => {
      for (const step of steps.splice(0).reverse()) await step().catch((error) => logger.error(errorFields(error), 'cleanup step failed'));
    },
  };
}

/**
 * What the services are opened from: the settings of `loadSettings`, of which Temporal and the
 * secret key only when a part needs them (the `enclave` command opens the database alone), and
 * vSphere only when asked for.
 */
export type ServiceSettings = Pick<Settings, 'databaseUrl' | 'databasePoolSize'> & Partial<Pick<Settings, 'temporal' | 'secretKey'>> & { vsphere?: VSphereSettings };

function temporalOf(settings: ServiceSettings): Settings['temporal'] {
  if (!settings.temporal) throw new Error('openServices: Temporal asked for without settings.temporal');
  return settings.temporal;
}

/** The parts to open besides the Prisma client, which every process uses. */
export interface ServiceParts {
  /** The PostgreSQL event bus (subscriptions); the API uses it. */
  bus?: boolean;
  /** A Temporal client on its own connection; the API starts and signals workflows with it. */
  temporalClient?: boolean;
  /** A native connection for Temporal workers. */
  workerConnection?: boolean;
  /** The vSphere client: `true` builds it from `settings.vsphere`; a client given is closed with the rest. */
  vsphere?: boolean | VSphereClient;
  /** Passed to the Prisma client (tests count queries with `onQuery`). */
  prisma?: CreatePrismaOptions;
}

/** Part K's fields: present when asked for (true or a client), optional when asked for by a runtime boolean. */
type Has<P, K extends keyof ServiceParts, T> = K extends keyof P
  ? [P[K]] extends [true | VSphereClient]
    ? T
    : [P[K]] extends [false | undefined]
      ? unknown
      : Partial<T>
  : unknown;

export type Services<P extends ServiceParts = ServiceParts> = {
  prisma: PrismaClient;
  /** Closes what was opened, newest first. */
  close(): Promise<void>;
} & Has<P, 'bus', { bus: PgEventBus }> &
  Has<P, 'temporalClient', { temporal: Client; temporalConnection: Connection }> &
  Has<P, 'workerConnection', { workerConnection: NativeConnection }> &
  Has<P, 'vsphere', { vsphere: VSphereClient }>;

function createVSphereClient(settings: VSphereSettings): VSphereClient {
  return new VSphereClient({
    url: settings.url,
    username: settings.username,
    password: settings.password,
    logger: fieldLogger(logger.child({ component: 'vsphere' })),
    metrics: vsphereMetrics,
    tls: {
      insecure: settings.insecure,
      ...(settings.thumbprintSha256 ? { thumbprintSha256: settings.thumbprintSha256 } : {}),
      ...(settings.caPemPath ? { caPem: readFileSync(settings.caPemPath, 'utf8') } : {}),
    },
  });
}

export async function openServices<const P extends ServiceParts>(settings: ServiceSettings, parts: P): Promise<Services<P>> {
  const cleanups = cleanupStack();
  try {
    const services: Record<string, unknown> = { close: cleanups.close };
    const prisma = createPrisma(settings.databaseUrl, { poolSize: settings.databasePoolSize, ...parts.prisma });
    cleanups.push(() => prisma.$disconnect());
    services.prisma = prisma;
    if (parts.vsphere) {
      if (parts.vsphere === true && !settings.vsphere) throw new Error('openServices: vsphere asked for without settings.vsphere');
      const vsphere = parts.vsphere === true ? createVSphereClient(settings.vsphere!) : parts.vsphere;
      // A session that cannot log out (e.g. vcsim already gone) has nothing left to release.
      cleanups.push(() => vsphere.close().catch(() => undefined));
      services.vsphere = vsphere;
    }
    if (parts.workerConnection) {
      const workerConnection = await NativeConnection.connect({ address: temporalOf(settings).address });
      cleanups.push(() => workerConnection.close());
      services.workerConnection = workerConnection;
    }
    if (parts.temporalClient) {
      const connection = await Connection.connect({ address: temporalOf(settings).address });
      cleanups.push(() => connection.close());
      services.temporalConnection = connection;
      // With tracing on, workflow starts and updates carry the caller's trace context to the workflow.
      const interceptors: WorkflowClientInterceptor[] = tracing() ? [new OpenTelemetryWorkflowClientInterceptor()] : [];
      services.temporal = new Client({ connection, namespace: temporalOf(settings).namespace, interceptors: { workflow: interceptors } });
    }
    if (parts.bus) {
      const busLogger = logger.child({ component: 'event-bus' });
      const bus = new PgEventBus(settings.databaseUrl, { warn: (message) => busLogger.warn(message) });
      await bus.start();
      cleanups.push(() => bus.close());
      services.bus = bus;
    }
    return services as Services<P>;
  } catch (error) {
    await cleanups.close();
    throw error;
  }
}
