// `tsx server/main.ts`: the API process.
import { fileURLToPath } from 'node:url';
import { loadSettings } from '../infra/config.js';
import { openServices } from '../infra/services.js';
import { startApiServer } from './app.js';
import type { AppServices } from './context.js';
import { ORPHAN_CLONE_AFTER_MS, reconcileOrphanClones } from './services/clones.js';

async function main(): Promise<void> {
  const settings = loadSettings();
  const services = await openServices(settings, { bus: true, temporalClient: true });
  const { prisma, temporal, bus } = services;
  const app: AppServices = { prisma, temporal, bus, settings };
  const server = await startApiServer(app, settings.api).catch(async (error: unknown) => {
    await services.close();
    throw error;
  });
  console.log(`GraphQL API on ${server.url} (GraphiQL in a browser, graphql-ws on ${server.wsUrl})`);

  // A clone whose workflow was never started (an API crash inside createClone) gets it now and then.
  const reconcile = () =>
    reconcileOrphanClones(app).then(
      (started) => started.length && console.warn(`started the workflow of orphan clones: ${started.join(', ')}`),
      (error: unknown) => console.warn('reconciling orphan clones failed:', error instanceof Error ? error.message : error),
    );
  void reconcile();
  const reconciler = setInterval(() => void reconcile(), ORPHAN_CLONE_AFTER_MS);
  reconciler.unref();

  const shutdown = async () => {
    clearInterval(reconciler);
    await server.close();
    await services.close();
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error('API failed to start:', error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
