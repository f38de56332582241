// A database per test file, copied from the migrated template (CREATE DATABASE ... TEMPLATE is
// a file copy, far faster than replaying migrations).
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { databaseUrlFrom } from '../../prisma/database-url.mjs';

// Test databases live on the server of DATABASE_URL (or TEST_DATABASE_SERVER_URL), never in its database.
const serverUrl = () =>
  new URL(process.env.TEST_DATABASE_SERVER_URL ?? databaseUrlFrom());

export function databaseUrlFor(name: string): string {
  const url = serverUrl();
  url.pathname = `/${name}`;
  return url.toString();
}

async function onMaintenanceDb<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrlFor('postgres') });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(templateUrl: string): Promise<TestDatabase> {
  const template = new URL(templateUrl).pathname.slice(1);
  const name = `${template}_${randomBytes(4).toString('hex')}`;
  // Copies fail while another session is connected to the template; parallel files retry.
  for (let attempt = 0; ; attempt++) {
    try {
      await onMaintenanceDb((c) => c.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`));
      break;
    } catch (error) {
      if (attempt >= 20 || !/being accessed by other users/.test(String(error))) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 200));
    }
  }
  return {
    url: databaseUrlFor(name),
    drop: () => onMaintenanceDb(async (c) => void (await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`))),
  };
}
