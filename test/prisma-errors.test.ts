// Unit tests of the one check for Prisma's unique-violation error: no database needed.
import { describe, expect, it } from 'vitest';
import { Prisma } from '../prisma/client.js';
import { isUniqueViolation } from '../prisma/errors.js';

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
