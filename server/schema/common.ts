// Types shared across the schema: the error codes, sort direction and the ID decoding of filters.
import { ERROR_CODES } from '../../domain/errors.js';
import { builder } from '../builder.js';
import { decodeId } from '../ids.js';
import { INT_RANGE } from './input.js';

/** Not the type of any field: it documents `extensions.code`, and clients generate their type from it. */
export const ErrorCode = builder.enumType('ErrorCode', {
  description: 'The machine-readable code of an error, in its `extensions.code`.',
  values: Object.fromEntries(Object.entries(ERROR_CODES).map(([code, description]) => [code, { description }])),
});

export const OrderDirection = builder.enumType('OrderDirection', { values: ['ASC', 'DESC'] as const });

export type Direction = 'asc' | 'desc';

export const direction = (value: 'ASC' | 'DESC' | null | undefined, fallback: Direction): Direction =>
  value ? (value === 'ASC' ? 'asc' : 'desc') : fallback;

/** The database ID of an optional global-ID filter field; a malformed ID is VALIDATION on `field`. */
export function optionalId(globalId: string | number | null | undefined, typename: string, field: string): string | undefined {
  return globalId === null || globalId === undefined ? undefined : decodeId(String(globalId), typename, field);
}

/** `{ gte, lt }` for an optional time range; either end may be open. */
export function timeRange(after: Date | null | undefined, before: Date | null | undefined) {
  if (!after && !before) return undefined;
  return { ...(after ? { gte: after } : {}), ...(before ? { lt: before } : {}) };
}

/** A filter on an integer column: from `min` to `max`, both included; either end may be open. */
export const IntRange = builder.inputType(INT_RANGE, {
  description: 'From min to max, both included (integers from 0 to 1,000,000, min ≤ max); either may be left out.',
  fields: (t) => ({ min: t.int(), max: t.int() }),
});

/** `{ gte, lte }` for an optional integer range (already checked by the input layer). */
export function intRange(range: { min?: number | null; max?: number | null } | null | undefined) {
  if (!range) return undefined;
  const { min, max } = range;
  if ((min === null || min === undefined) && (max === null || max === undefined)) return undefined;
  return { ...(min !== null && min !== undefined ? { gte: min } : {}), ...(max !== null && max !== undefined ? { lte: max } : {}) };
}
