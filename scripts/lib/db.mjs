// Database lifecycle and Prisma migrations without Prisma's native schema engine, which cannot be
// downloaded here: the WASM schema engine runs on a pg driver adapter, as the Prisma CLI does for
// driver adapters. The engine writes `_prisma_migrations` itself (same rows and checksums as the
// native engine), so prisma/migrations stays usable by `prisma migrate deploy` elsewhere.
// Background: /work/shared/notes/prisma-offline.md. DEBUG_SCHEMA_ENGINE=1 prints the engine's log.
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PrismaPg } from '@prisma/adapter-pg';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import * as engineGlue from '@prisma/schema-engine-wasm/schema_engine_bg';
import pg from 'pg';
import { parseIntoClientConfig } from 'pg-connection-string';

export const SCHEMA_PATH = fileURLToPath(new URL('../../prisma/schema.prisma', import.meta.url));
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../prisma/migrations', import.meta.url));

const LOCKFILE = 'migration_lock.toml';
const MAINTENANCE_DATABASE = 'postgres';
const NO_FILTERS = { externalTables: [], externalEnums: [] };

// ---- plain PostgreSQL ----------------------------------------------------------------------

/**
 * pg config for the server of `url`, optionally on another database. Built from parsed fields
 * because pg lets a `connectionString` override `database`.
 */
function clientConfig(url, database) {
  const config = parseIntoClientConfig(url);
  return database === undefined ? config : { ...config, database };
}

function databaseName(url) {
  const { database } = parseIntoClientConfig(url);
  if (!database) throw new Error(`no database name in ${url}`);
  return database;
}

const quoteIdent = (name) => `"${name.replaceAll('"', '""')}"`;

/** Runs one statement on the `postgres` maintenance database of the server of `url`. */
async function adminQuery(url, sql) {
  const client = new pg.Client(clientConfig(url, MAINTENANCE_DATABASE));
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Creates the database of `url` unless it exists; returns whether it was created. */
export async function createDatabase(url) {
  try {
    await adminQuery(url, `CREATE DATABASE ${quoteIdent(databaseName(url))}`);
    return true;
  } catch (error) {
    if (error.code === '42P04') return false; // duplicate_database
    throw error;
  }
}

/** Drops the database of `url` if it exists, disconnecting its sessions. */
export async function dropDatabase(url) {
  await adminQuery(url, `DROP DATABASE IF EXISTS ${quoteIdent(databaseName(url))} WITH (FORCE)`);
}

// ---- schema engine ---------------------------------------------------------------------------

/**
 * adapter-pg 7.10.1 rejects PostgreSQL's internal `"char"` type (OID 18), which the engine reads
 * from `pg_constraint.contype`; report such columns as text (OID 25), which is what they hold.
 */
class CharAsTextPool extends pg.Pool {
  async query(...args) {
    const result = await super.query(...args);
    for (const field of result.fields ?? []) if (field.dataTypeID === 18) field.dataTypeID = 25;
    return result;
  }
}

/**
 * The driver adapter factory the engine connects through. Replaces PrismaPg's own shadow
 * database handling, which (7.10.1) connects to the main database when built from a
 * connection string, and drops the shadow database before closing its pool so the drop fails.
 * `close()` disposes every adapter still open.
 */
function migrationAdapterFactory(url, mainDatabase) {
  const open = new Set();
  const connect = async (database, afterEnd = async () => {}) => {
    // One connection, like the native engine: the advisory lock it takes then covers all its work.
    const pool = new CharAsTextPool({ ...clientConfig(url, database), max: 1 });
    const adapter = await new PrismaPg(pool, { disposeExternalPool: true }).connect();
    // Send a script as one simple query, as the native engine does, so PostgreSQL runs it as one
    // implicit transaction. adapter-pg's own executeScript splits it on every `;` (even inside
    // string literals and function bodies) and runs the pieces one by one.
    adapter.executeScript = async (script) => {
      try {
        await pool.query(script);
      } catch (error) {
        adapter.onError(error); // rethrows as the DriverAdapterError the engine understands
      }
    };
    const end = adapter.dispose.bind(adapter);
    let disposed;
    // Idempotent (the engine disposes shadow adapters itself, close() disposes the rest), and
    // resolves to undefined: the engine rejects any other result.
    adapter.dispose = () => {
      open.delete(adapter);
      disposed ??= (async () => {
        await end();
        await afterEnd();
      })();
      return disposed;
    };
    open.add(adapter);
    return adapter;
  };
  return {
    provider: 'postgres',
    adapterName: '@prisma/adapter-pg',
    connect: () => connect(mainDatabase),
    async connectToShadowDb() {
      const shadow = `prisma_migrate_shadow_db_${randomUUID()}`;
      await adminQuery(url, `CREATE DATABASE ${quoteIdent(shadow)}`);
      return connect(shadow, async () => {
        await adminQuery(url, `DROP DATABASE IF EXISTS ${quoteIdent(shadow)} WITH (FORCE)`);
      });
    },
    close: () => Promise.all([...open].map((adapter) => adapter.dispose())),
  };
}

let engineClass;

/** Instantiates the engine's WASM module once per process. */
function loadSchemaEngine() {
  engineClass ??= (async () => {
    // createRequire, not import.meta.resolve: vitest's module runner lacks the latter.
    const engineDir = dirname(createRequire(import.meta.url).resolve('@prisma/schema-engine-wasm'));
    const imports = { ...engineGlue };
    // The engine arms 10 s timers that it never clears, which kept processes alive for 10 s
    // after the work was done; unref them. A call still running is kept alive by its sockets.
    for (const name of Object.keys(engineGlue)) {
      if (name.startsWith('__wbg_setTimeout_')) {
        imports[name] = (fn, ms) => setTimeout(fn, ms >>> 0).unref();
      }
    }
    const wasm = await readFile(join(engineDir, 'schema_engine_bg.wasm'));
    const { instance } = await WebAssembly.instantiate(wasm, {
      './schema_engine_bg.js': imports,
    });
    engineGlue.__wbg_set_wasm(instance.exports);
    instance.exports.__wbindgen_start();
    return engineGlue.SchemaEngine;
  })();
  return engineClass;
}

/**
 * Runs `fn(engine, schema)` with an engine for `url` (connected to `mainDatabase` instead of the
 * database of `url` when given), then frees it and closes its connections.
 */
async function withEngine(url, fn, mainDatabase) {
  const SchemaEngine = await loadSchemaEngine();
  const content = await readFile(SCHEMA_PATH, 'utf8');
  const factory = migrationAdapterFactory(url, mainDatabase);
  let engine;
  try {
    engine = await SchemaEngine.new(
      { datamodels: [[SCHEMA_PATH, content]] },
      (line) => process.env.DEBUG_SCHEMA_ENGINE && console.error(line),
      bindMigrationAwareSqlAdapterFactory(factory),
    );
    return await fn(engine, { files: [{ path: SCHEMA_PATH, content }] });
  } finally {
    engine?.free();
    await factory.close();
  }
}

/** prisma/migrations in the shape the engine takes (the same the Prisma CLI builds). */
async function readMigrations() {
  const entries = await readdir(MIGRATIONS_DIR, { withFileTypes: true }).catch(() => []);
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort((a, b) => a.localeCompare(b));
  const migrationDirectories = await Promise.all(
    names.map(async (path) => ({
      path,
      migrationFile: {
        path: 'migration.sql',
        content: await readFile(join(MIGRATIONS_DIR, path, 'migration.sql'), 'utf8').then(
          (value) => ({ tag: 'ok', value }),
          (error) => ({ tag: 'error', value: error.message }),
        ),
      },
    })),
  );
  const lockfile = await readFile(join(MIGRATIONS_DIR, LOCKFILE), 'utf8').catch(() => null);
  return {
    baseDir: MIGRATIONS_DIR,
    lockfile: { path: LOCKFILE, content: lockfile },
    shadowDbInitScript: '',
    migrationDirectories,
  };
}

/** Applies pending migrations (`prisma migrate deploy`); returns the names applied. */
export async function migrateDeploy(url) {
  return withEngine(url, async (engine) => {
    const { appliedMigrationNames } = await engine.applyMigrations({
      migrationsList: await readMigrations(),
      filters: NO_FILTERS,
    });
    return appliedMigrationNames;
  });
}

/**
 * `prisma migrate dev`: applies pending migrations, writes a new migration for the difference
 * between them and prisma/schema.prisma, and applies it. Refuses changes that lose data unless
 * `acceptDataLoss`. Returns the new migration's name (null when the schema has no changes) and
 * every migration applied.
 */
export async function migrateDev(url, name, { acceptDataLoss = false } = {}) {
  return withEngine(url, async (engine, schema) => {
    const migrationsList = await readMigrations();
    const { action } = await engine.devDiagnostic({ migrationsList, filters: NO_FILTERS });
    if (action.tag === 'reset') {
      throw new Error(
        `${action.reason}\nThe database must be reset: drop it (node scripts/db.mjs drop) and run again.`,
      );
    }
    const { appliedMigrationNames: applied } = await engine.applyMigrations({
      migrationsList,
      filters: NO_FILTERS,
    });
    // Same order as the Prisma CLI: after applying, a second diagnostic fills the engine's
    // shadow-database cache that createMigration relies on.
    if (applied.length > 0) await engine.devDiagnostic({ migrationsList, filters: NO_FILTERS });

    const loss = await engine.evaluateDataLoss({ migrationsList, schema, filters: NO_FILTERS });
    const list = (steps) => steps.map((step) => `\n- ${step.message}`).join('');
    if (loss.unexecutableSteps.length > 0) {
      throw new Error(`The migration cannot be applied to this database:${list(loss.unexecutableSteps)}`);
    }
    if (loss.warnings.length > 0 && !acceptDataLoss) {
      throw new Error(
        `The migration would lose data:${list(loss.warnings)}\n` +
          'Accept that with --accept-data-loss (acceptDataLoss), or change the schema.',
      );
    }

    const created = await engine.createMigration({
      draft: false,
      migrationName: name,
      migrationsList,
      schema,
      filters: NO_FILTERS,
    });
    if (created.migrationScript === null) return { created: null, applied };
    const dir = join(MIGRATIONS_DIR, created.generatedMigrationName);
    await mkdir(MIGRATIONS_DIR, { recursive: true });
    await mkdir(dir); // fails if it exists, like the CLI
    await writeFile(join(dir, `migration.${created.extension}`), created.migrationScript);
    await writeFile(
      join(MIGRATIONS_DIR, LOCKFILE),
      '# Please do not edit this file manually\n' +
        '# It should be added in your version-control system (e.g., Git)\n' +
        `provider = "${created.connectorType}"\n`,
    );
    const next = await engine.applyMigrations({
      migrationsList: await readMigrations(),
      filters: NO_FILTERS,
    });
    return {
      created: created.generatedMigrationName,
      applied: [...applied, ...next.appliedMigrationNames],
    };
  });
}

/**
 * The SQL that would bring a database built from prisma/migrations to prisma/schema.prisma;
 * empty when they agree. Replays the migrations into a temporary shadow database on the server
 * of `url`; the database of `url` itself is not touched.
 */
export async function checkSchemaMatchesMigrations(url) {
  // The engine connects to its main database on start although the diff does not use it: give it
  // the maintenance database, so the check works before the database of `url` exists.
  return withEngine(url, async (engine, schema) => {
    const { exitCode, stdout } = await engine.diff({
      from: { tag: 'migrations', ...(await readMigrations()) },
      to: { tag: 'schemaDatamodel', ...schema },
      script: true,
      exitCode: true,
      filters: NO_FILTERS,
    });
    return exitCode === 0 ? '' : (stdout ?? '').trim();
  }, MAINTENANCE_DATABASE);
}
