#!/usr/bin/env node
// Stand-in for Prisma's native schema engine (prisma.config.ts points PRISMA_SCHEMA_ENGINE_BINARY
// here). Its existence stops the CLI from downloading the engine, which fails offline; `generate`
// never runs it, and any CLI command that would (migrate, db, introspection) fails loudly instead.
const message =
  'This project does not use the native Prisma schema engine: instead of `prisma migrate` / ' +
  '`prisma db`, run `npm run db:migrate` (apply migrations), ' +
  '`npm run db:migrate:dev -- --name <name>` (create a migration) or `npm run db:check`.';
// The CLI skips the first stderr line and parses the others as the engine's JSON log lines, so
// the second line carries the message in that form for it to print.
console.error(message);
console.error(JSON.stringify({ level: 'ERROR', fields: { message } }));
process.exit(1);
