// The DateTime scalar's output (server/builder.ts): the ISO string toISOString gives, written
// without a Date reaching JSON.stringify.
import { GraphQLScalarType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { isoDateTime } from '../builder.js';
import { schema } from './index.js';

const dateTime = schema.getType('DateTime') as GraphQLScalarType;

describe('DateTime output', () => {
  it('is toISOString for any date of the years 0000-9999', () => {
    const edges = [0, -1, 1, 999, 86_399_999, 951_782_400_000 /* 2000-02-29 */, Date.UTC(9999, 11, 31, 23, 59, 59, 999), Date.UTC(0, 0, 1) - 0, -62_167_219_200_000 /* 0000-01-01 */];
    const random = Array.from({ length: 20_000 }, () => Math.floor(Math.random() * 253_402_300_800_000) - 62_167_219_200_000);
    for (const ms of [...edges, ...random]) {
      const date = new Date(ms);
      expect(isoDateTime(date), String(ms)).toBe(date.toISOString());
    }
  });

  it('leaves other years and invalid dates to toISOString and graphql-scalars', () => {
    expect(isoDateTime(new Date(Date.UTC(10_000, 0, 1)))).toBeNull();
    expect(isoDateTime(new Date(-62_167_219_200_001))).toBeNull();
    expect(isoDateTime(new Date(Number.NaN))).toBeNull();
    expect(dateTime.serialize(new Date(Date.UTC(10_000, 0, 1)))).toBe('+010000-01-01T00:00:00.000Z');
    expect(() => dateTime.serialize(new Date(Number.NaN))).toThrow(/invalid Date/);
  });

  it('is a string, from a Date, a date-time string or a timestamp', () => {
    const date = new Date('2026-12-07T12:34:56.789Z');
    expect(dateTime.serialize(date)).toBe('2026-12-07T12:34:56.789Z');
    expect(dateTime.serialize('2026-12-07T12:34:56.789Z')).toBe('2026-12-07T12:34:56.789Z');
    expect(dateTime.serialize(date.getTime())).toBe('2026-12-07T12:34:56.789Z');
    expect(() => dateTime.serialize('yesterday')).toThrow(/invalid date-time/);
  });
});
