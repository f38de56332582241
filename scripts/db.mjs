#!/usr/bin/env node
// Database commands on the WASM schema engine (the native one the `prisma migrate` CLI needs
// cannot be downloaded here). The database is DATABASE_URL, or the local default.
//   deploy                            create the database if missing, apply pending migrations
//   dev --name <name> [--accept-data-loss]
//                                     also write a migration for schema changes and apply it
//   check                             exit 1 if prisma/schema.prisma and the migrations disagree
//   drop                              drop the database
import { parseArgs } from 'node:util';
import { parse } from 'pg-connection-string';
import {
  checkSchemaMatchesMigrations,
  createDatabase,
  dropDatabase,
  migrateDeploy,
  migrateDev,
} from './lib/db.mjs';
import { databaseUrlFrom } from '../prisma/database-url.mjs';

const USAGE = 'usage: node scripts/db.mjs deploy | dev --name <name> [--accept-data-loss] | check | drop';

async function main() {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { name: { type: 'string' }, 'accept-data-loss': { type: 'boolean', default: false } },
  });
  const url = databaseUrlFrom();
  const { database } = parse(url);
  const listApplied = (names) =>
    console.log(names.length ? `applied: ${names.join(', ')}` : 'no pending migrations');

  switch (positionals.length === 1 ? positionals[0] : undefined) {
    case 'deploy':
      if (await createDatabase(url)) console.log(`created database ${database}`);
      listApplied(await migrateDeploy(url));
      return 0;
    case 'dev': {
      if (!values.name) throw new Error(`--name is required\n${USAGE}`);
      if (await createDatabase(url)) console.log(`created database ${database}`);
      const { created, applied } = await migrateDev(url, values.name, {
        acceptDataLoss: values['accept-data-loss'],
      });
      listApplied(applied);
      console.log(
        created ? `created prisma/migrations/${created}` : 'schema unchanged: no migration created',
      );
      return 0;
    }
    case 'check': {
      const diff = await checkSchemaMatchesMigrations(url);
      if (!diff) {
        console.log('prisma/schema.prisma and prisma/migrations agree');
        return 0;
      }
      console.error(
        'prisma/schema.prisma has changes that no migration in prisma/migrations makes;\n' +
          'create one with `npm run db:migrate:dev -- --name <name>`. Missing SQL:\n\n' +
          diff,
      );
      return 1;
    }
    case 'drop':
      await dropDatabase(url);
      console.log(`dropped database ${database} (if it existed)`);
      return 0;
    default:
      console.error(USAGE);
      return 2;
  }
}

// Exit explicitly: the library unrefs the engine's timers and closes its connections, but a
// one-shot CLI should not depend on nothing else being left pending.
main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
