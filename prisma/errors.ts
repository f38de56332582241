// Prisma's known request errors the app reacts to, recognised in one place.
import { Prisma } from './generated/client/client.js';

/**
 * A write broke a unique index (P2002): usually a concurrent request that passed the same
 * "does it exist yet?" check, so the index decides and the caller answers as for a duplicate.
 */
export function isUniqueViolation(error: unknown): error is Prisma.PrismaClientKnownRequestError {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}
