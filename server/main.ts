// `tsx server/main.ts`: the API process.
import { fileURLToPath } from 'node:url';
import { loadSettings } from '../infra/config.js';
import { HEALTH_PATHS } from '../infra/health.js';
import { configureLogger, errorFields, logger } from '../infra/logger.js';
import { openServices } from '../infra/services.js';
import { startTracing } from '../infra/telemetry.js';
import { startApiServer } from './app.js';
import type { AppServices } from './context.js';
import { ORPHAN_CLONE_AFTER_MS, reconcileOrphanClones } from './services/clones.js';

async function main(): Promise<void> {
  configureLogger('api');
  // Before the services: the Temporal client adds its tracing interceptor when tracing is on.
  const traces = startTracing('enclave-api');
  const settings = loadSettings();
  const services = await openServices(settings, { bus: true, temporalClient: true });
  const { prisma, temporal, bus } = services;
  const app: AppServices = { prisma, temporal, bus, settings };
  const server = await startApiServer(app, settings.api).catch(async (error: unknown) => {
    await services.close();
    throw error;
  });
  const base = new URL(server.url).origin;
  logger.info(
    { graphql: server.url, ws: server.wsUrl, health: `${base}${HEALTH_PATHS.ready}`, metrics: `${base}${HEALTH_PATHS.metrics}`, tracing: traces ? 'otlp' : 'off' },
    'GraphQL API listening',
  );

  // A clone whose workflow was never started (an API crash inside createClone) gets it now and then.
  const reconcile = () =>
    reconcileOrphanClones(app).then(
      (started) => started.length && logger.warn({ cloneIds: started }, 'started the workflow of orphan clones'),
      (error: unknown) => logger.warn(errorFields(error), 'reconciling orphan clones failed'),
    );
  void reconcile();
  const reconciler = setInterval(() => void reconcile(), ORPHAN_CLONE_AFTER_MS);
  reconciler.unref();

  const shutdown = async () => {
    clearInterval(reconciler);
    await server.close();
    await services.close();
    await traces?.shutdown();
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    logger.fatal(errorFields(error), 'API failed to start');
    process.exit(1);
  });
}
