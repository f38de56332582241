// `tsx server/main.ts`: the API process.
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { loadSettings } from '../infra/config.js';
import { PgEventBus } from '../infra/eventBus.js';
import { createPrisma } from '../prisma/client.js';
import { startApiServer } from './app.js';

async function main(): Promise<void> {
  const settings = loadSettings();
  const prisma = createPrisma(settings.databaseUrl);
  const bus = new PgEventBus(settings.databaseUrl);
  await bus.start();
  const connection = await Connection.connect({ address: settings.temporal.address });
  const temporal = new Client({ connection, namespace: settings.temporal.namespace });
  const server = await startApiServer({ prisma, temporal, bus, settings }, settings.api);
  console.log(`GraphQL API on ${server.url} (GraphiQL in a browser, graphql-ws on ${server.wsUrl})`);

  const shutdown = async () => {
    await server.close();
    await Promise.allSettled([bus.close(), prisma.$disconnect(), connection.close()]);
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
