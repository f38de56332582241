// Prisma CLI configuration. Only `prisma generate` is used through the CLI; migrations run on the
// WASM schema engine via scripts/db.mjs (see /work/shared/notes/prisma-offline.md).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'prisma/config';
import { databaseUrlFrom } from './prisma/database-url.mjs';

// The CLI downloads a native schema engine unless this names an existing file. The file is a
// script that exits 1 telling the user to use the npm db scripts, so a mistaken
// `prisma migrate ...` fails loudly instead of hanging on a download.
process.env.PRISMA_SCHEMA_ENGINE_BINARY = fileURLToPath(
  new URL('./scripts/no-schema-engine.mjs', import.meta.url),
);

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: databaseUrlFrom() },
});
