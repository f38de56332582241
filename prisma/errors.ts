// Prisma's known request errors the app reacts to, recognised in one place.
import { Prisma } from './generated/client/client.js';

/**
 * A write broke a unique index (P2002): usually a concurrent request that passed the same
 * "does it exist yet?" check, so the index decides and the caller answers as for a duplicate.
 */
export function isUniqueViolation(error: unknown): error is Prisma.PrismaClientKnownRequestError {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}

/** Prisma's codes for a database it cannot reach, that dropped the connection, or a full pool. */
const UNREACHABLE_CODES = new Set(['P1001', 'P1002', 'P1017', 'P2024']);
/** What the PostgreSQL driver adapter reports (`DriverAdapterError.cause.kind`) when the server is away. */
const UNREACHABLE_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);
/** PostgreSQL: connection exceptions (class 08) and the server ending or refusing sessions (57P01–57P03). */
const isUnreachableSqlState = (code: string) => code.startsWith('08') || ['57P01', '57P02', '57P03'].includes(code);

interface AdapterCause {
  kind?: string;
  code?: string;
  severity?: string;
}

function adapterCause(error: Error): AdapterCause | undefined {
  const meta = (error as { meta?: { driverAdapterError?: { cause?: AdapterCause } } }).meta;
  if (meta?.driverAdapterError?.cause) return meta.driverAdapterError.cause;
  if (error.name === 'DriverAdapterError') return (error as { cause?: AdapterCause }).cause;
  return undefined;
}

/**
 * The database was too busy to start a transaction in time (Prisma's P2028 "Unable to start a
 * transaction in the given time": no pool connection within `maxWait`). A burst of requests that
 * serialize in the database (50 createClone at once, each taking the capacity lock) meets it.
 */
export function isDatabaseBusy(error: unknown): boolean {
  for (let current = error; current instanceof Error; current = current.cause) {
    const code = (current as { code?: unknown }).code;
    if (code === 'P2028' && current.message.includes('Unable to start a transaction in the given time')) return true;
  }
  return false;
}

/**
 * The database is not reachable right now (down, refusing connections, a connection cut by
 * `pg_terminate_backend` or the network): what a caller should answer as UNAVAILABLE, not as a
 * bug. Recognised here, in one place, through Prisma's error, the driver adapter's and pg's own.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error; current instanceof Error; current = current.cause) {
    if (current instanceof Prisma.PrismaClientInitializationError) return true;
    if (current instanceof Prisma.PrismaClientKnownRequestError && UNREACHABLE_CODES.has(current.code)) return true;
    const cause = adapterCause(current);
    if (cause?.kind && UNREACHABLE_KINDS.has(cause.kind)) return true;
    // A FATAL error ends the session: the server refused it (e.g. not accepting connections) or killed it.
    if (cause?.kind === 'postgres' && (cause.severity === 'FATAL' || isUnreachableSqlState(cause.code ?? ''))) return true;
    // pg's own, when a connection it held was closed under it.
    if (/^Connection terminated( unexpectedly| due to connection timeout)?$|^(Client has encountered a connection error|timeout exceeded when trying to connect)/.test(current.message)) return true;
  }
  return false;
}
