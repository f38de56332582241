// The database tooling end to end on a throwaway database: create, migrate (twice), check the
// migrations against the schema, use the generated client, drop.
import { randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createPrisma } from '../prisma/client.js';
import {
  checkSchemaMatchesMigrations,
  createDatabase,
  dropDatabase,
  MIGRATIONS_DIR,
  migrateDeploy,
} from '../scripts/lib/db.mjs';
import { databaseUrlFrom } from '../prisma/database-url.mjs';

const serverUrl = databaseUrlFrom();
const onServer = (database: string) =>
  Object.assign(new URL(serverUrl), { pathname: `/${database}` }).toString();
const name = `enclave_test_db_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
const url = onServer(name);

async function databaseExists(): Promise<boolean> {
  const client = new pg.Client({ connectionString: onServer('postgres') });
  await client.connect();
  try {
    return (await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1;
  } finally {
    await client.end();
  }
}

describe('database tooling', () => {
  afterAll(() => dropDatabase(url)); // in case a test failed before the drop test

  it('creates the database once', async () => {
    expect(await createDatabase(url)).toBe(true);
    expect(await createDatabase(url)).toBe(false);
    expect(await databaseExists()).toBe(true);
  });

  it('applies every migration, and nothing on a second deploy', async () => {
    const entries = await readdir(MIGRATIONS_DIR, { withFileTypes: true });
    const migrations = entries
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
    expect(migrations.length).toBeGreaterThan(0);
    expect(await migrateDeploy(url)).toEqual(migrations);
    expect(await migrateDeploy(url)).toEqual([]);
  });

  it('has migrations that match prisma/schema.prisma', async () => {
    expect(await checkSchemaMatchesMigrations(url)).toBe('');
  });

  it('reads back what the generated client writes', async () => {
    const queries: string[] = [];
    const prisma = createPrisma(url, { onQuery: (sql) => queries.push(sql) });
    try {
      const created = await prisma.application.create({ data: { name: 'billing' } });
      expect(created.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/); // uuid(7)
      const read = await prisma.application.findUnique({ where: { id: created.id } });
      expect(read).toEqual({ ...created, description: '' });
      expect(queries.some((sql) => sql.includes('INSERT INTO'))).toBe(true);
      expect(queries.some((sql) => sql.includes('SELECT'))).toBe(true);
    } finally {
      await prisma.$disconnect();
    }
  });

  it('drops the database', async () => {
    await dropDatabase(url);
    expect(await databaseExists()).toBe(false);
  });
});
