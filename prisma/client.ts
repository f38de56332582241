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
  /** Connections in the pool (default: pg's 10). */
  poolSize?: number;
}

/**
 * How long a transaction waits for a pool connection: 10 s instead of Prisma's 2 s, so a burst
 * queues rather than fails (50 createClone requests at once, which serialize on the capacity
 * lock, outwaited 2 s under load: issue 16). Past it the API answers UNAVAILABLE (server/errors.ts).
 */
const TRANSACTIONS = { maxWait: 10_000 };

export function createPrisma(
  databaseUrl: string,
  { onQuery, poolSize }: CreatePrismaOptions = {},
): PrismaClient {
  const adapter = new PrismaPg({ connectionString: databaseUrl, ...(poolSize ? { max: poolSize } : {}) });
  if (!onQuery) return new PrismaClient({ adapter, transactionOptions: TRANSACTIONS });
  const prisma = new PrismaClient({ adapter, transactionOptions: TRANSACTIONS, log: [{ emit: 'event', level: 'query' }] });
  prisma.$on('query', (event) => onQuery(event.query));
  return prisma;
}
