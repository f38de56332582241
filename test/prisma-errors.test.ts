// Unit tests of the checks for Prisma errors (a unique violation, an unreachable database): no database needed.
import { describe, expect, it } from 'vitest';
import { Prisma } from '../prisma/client.js';
import { GraphQLError } from 'graphql';
import { isDatabaseBusy, isDatabaseUnavailable, isUniqueViolation } from '../prisma/errors.js';
import { maskError } from '../server/errors.js';

const knownError = (code: string) =>
  new Prisma.PrismaClientKnownRequestError(`failed with ${code}`, { code, clientVersion: 'test' });

describe('isUniqueViolation', () => {
  it('recognises a write that broke a unique index (P2002)', () => {
    expect(isUniqueViolation(knownError('P2002'))).toBe(true);
  });

  it('leaves other Prisma errors, such as a missing foreign row (P2003), to the caller', () => {
    expect(isUniqueViolation(knownError('P2003'))).toBe(false);
    expect(isUniqueViolation(knownError('P2025'))).toBe(false);
  });

  it('is false for errors that are not Prisma request errors, even with the same code', () => {
    expect(isUniqueViolation(Object.assign(new Error('duplicate key'), { code: 'P2002' }))).toBe(false);
    expect(isUniqueViolation({ code: 'P2002' })).toBe(false);
    expect(isUniqueViolation(undefined)).toBe(false);
  });
});

describe('isDatabaseUnavailable', () => {
  const adapterError = (cause: Record<string, unknown>) =>
    new Prisma.PrismaClientKnownRequestError('Raw query failed', { code: 'P2010', clientVersion: 'test', meta: { driverAdapterError: { name: 'DriverAdapterError', cause } } });

  it('recognises a server that refuses or drops connections, as Prisma and its pg adapter report it', () => {
    expect(isDatabaseUnavailable(adapterError({ kind: 'DatabaseNotReachable', host: '127.0.0.1', port: 5432 }))).toBe(true);
    expect(isDatabaseUnavailable(adapterError({ kind: 'ConnectionClosed' }))).toBe(true);
    expect(isDatabaseUnavailable(adapterError({ kind: 'postgres', code: '55000', severity: 'FATAL', message: 'database "x" is not currently accepting connections' }))).toBe(true);
    expect(isDatabaseUnavailable(adapterError({ kind: 'postgres', code: '57P01', severity: 'FATAL' }))).toBe(true);
    expect(isDatabaseUnavailable(knownError('P1001'))).toBe(true);
    expect(isDatabaseUnavailable(new Error('wrapped', { cause: new Error('Connection terminated unexpectedly') }))).toBe(true);
  });

  it('leaves errors of the query itself, and everything else, to be reported as they are', () => {
    expect(isDatabaseUnavailable(adapterError({ kind: 'postgres', code: '22021', severity: 'ERROR' }))).toBe(false);
    expect(isDatabaseUnavailable(adapterError({ kind: 'UniqueConstraintViolation' }))).toBe(false);
    expect(isDatabaseUnavailable(knownError('P2002'))).toBe(false);
    expect(isDatabaseUnavailable(new Error('boom'))).toBe(false);
    expect(isDatabaseUnavailable(undefined)).toBe(false);
  });
});

describe('isDatabaseBusy', () => {
  const transactionError = (message: string) => new Prisma.PrismaClientKnownRequestError(`Transaction API error: ${message}`, { code: 'P2028', clientVersion: 'test' });

  it('recognises a transaction that got no connection in time, however deep it is wrapped', () => {
    expect(isDatabaseBusy(transactionError('Unable to start a transaction in the given time.'))).toBe(true);
    expect(isDatabaseBusy(new Error('createClone failed', { cause: transactionError('Unable to start a transaction in the given time.') }))).toBe(true);
  });

  it('leaves the other transaction errors, which are bugs, alone', () => {
    expect(isDatabaseBusy(transactionError('Transaction not found.'))).toBe(false);
    expect(isDatabaseBusy(knownError('P2024'))).toBe(false);
    expect(isDatabaseBusy(new Error('Unable to start a transaction in the given time.'))).toBe(false);
  });

  it('is answered as UNAVAILABLE with the path, not as INTERNAL', () => {
    const error = new GraphQLError('Transaction API error', { path: ['createClone'], originalError: transactionError('Unable to start a transaction in the given time.') });
    const masked = maskError(error, 'Unexpected error.') as GraphQLError;
    expect({ message: masked.message, code: masked.extensions.code, path: masked.path }).toEqual({
      message: 'the database is too busy to take this request right now; retry shortly',
      code: 'UNAVAILABLE',
      path: ['createClone'],
    });
  });
});
