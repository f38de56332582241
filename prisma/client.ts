// The one way the app opens Prisma: the generated Rust-free client (npm run generate) on the pg
// driver adapter.
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/client/client.js';

export type { PrismaClient };
// Model types (User, Clone, ...), the Prisma namespace's types and the enums' types.
export type * from './generated/client/client.js';
// Runtime helpers: known-request errors (e.g. P2002 unique violation), Prisma.sql, Prisma.DbNull.
export { Prisma } from './generated/client/client.js';
// Enum values (Role.GLOBAL_ADMIN, CloneStatus.RUNNING, ...).
export * from './generated/client/enums.js';

export interface CreatePrismaOptions {
  /** Called with the SQL of every query Prisma sends (tests count queries with it). */
  onQuery?: (sql: string) => void;
}

export function createPrisma(
  databaseUrl: string,
  { onQuery }: CreatePrismaOptions = {},
): PrismaClient {
  const adapter = new PrismaPg({ connectionString: databaseUrl });
  if (!onQuery) return new PrismaClient({ adapter });
  const prisma = new PrismaClient({ adapter, log: [{ emit: 'event', level: 'query' }] });
  prisma.$on('query', (event) => onQuery(event.query));
  return prisma;
}
