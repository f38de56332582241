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
import { insertClones, writeReferences } from '../bench/data.js';

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

  it('keeps the clone tally (totalCount without a filter) equal to the clones, whatever writes them', async () => {
    const prisma = createPrisma(url);
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    const truth = async () => {
      const { rows } = await db.query(`SELECT count(*) FILTER (WHERE "deletedAt" IS NULL)::int AS live, count(*)::int AS "all" FROM "Clone"`);
      return rows[0];
    };
    const tally = async () => (await db.query(`SELECT live, "all" FROM "CloneTally" WHERE id = 1`)).rows[0];
    try {
      expect(await tally()).toEqual({ live: 0, all: 0 });
      const refs = await writeReferences(prisma, 'tally-test-password');
      await insertClones(db, refs, 1, 500); // one statement, 500 rows
      expect(await tally()).toEqual({ live: 500, all: 500 });
      await db.query(`UPDATE "Clone" SET "deletedAt" = now() WHERE name <= 'bench-clone-000100'`); // soft delete
      await db.query(`UPDATE "Clone" SET status = 'STOPPED'`); // no move in or out of "deleted"
      expect(await tally()).toEqual(await truth());
      expect(await tally()).toEqual({ live: 400, all: 500 });
      await db.query(`UPDATE "Clone" SET "deletedAt" = NULL WHERE name <= 'bench-clone-000010'`); // undelete
      await db.query(`DELETE FROM "Clone" WHERE name > 'bench-clone-000450'`);
      expect(await tally()).toEqual(await truth());
      // Two writers at once: the second waits for the first's tally row, then adds to what it committed.
      const other = new pg.Client({ connectionString: url });
      await other.connect();
      try {
        await db.query('BEGIN');
        await other.query('BEGIN');
        await insertClones(db, refs, 1001, 1100);
        const second = insertClones(other, refs, 2001, 2050);
        await db.query('COMMIT');
        await second;
        await other.query('COMMIT');
      } finally {
        await other.end();
      }
      expect(await tally()).toEqual(await truth());
      await db.query('TRUNCATE "Clone" CASCADE');
      expect(await tally()).toEqual({ live: 0, all: 0 });
    } finally {
      await db.end();
      await prisma.$disconnect();
    }
  });

  it("keeps no pending list in the name filter's trigram index: a search never reads unmerged entries", async () => {
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    try {
      const ids = async (table: string) => (await db.query(`SELECT id FROM "${table}" ORDER BY "createdAt", id`)).rows.map((row) => row.id as string);
      const [imageIds, networkIds, configurationIds, users] = [await ids('VmImage'), await ids('Network'), await ids('Configuration'), await ids('User')];
      await insertClones(db, { imageIds, networkIds, configurationIds, users: users.map((id) => ({ id, username: '', password: '' })), primaryIds: [] }, 5001, 5300);
      await db.query(`UPDATE "Clone" SET status = 'STOPPED'`); // not HOT (status is indexed): new index entries
      // The pages a merge would move out of the pending list: none, the entries went straight in.
      expect((await db.query(`SELECT gin_clean_pending_list('"Clone_name_trgm_idx"'::regclass) AS merged`)).rows[0].merged).toBe('0');
      const { rows } = await db.query(`SELECT reloptions FROM pg_class WHERE relname = 'Clone_name_trgm_idx'`);
      expect(rows[0].reloptions).toContain('fastupdate=off');
      const found = await db.query(`SELECT name FROM "Clone" WHERE name ILIKE '%clone-005277%'`);
      expect(found.rows.map((row) => row.name)).toEqual(['bench-clone-005277']);
      await db.query('TRUNCATE "Clone" CASCADE');
    } finally {
      await db.end();
    }
  });

  it('drops the database', async () => {
    await dropDatabase(url);
    expect(await databaseExists()).toBe(false);
  });
});
