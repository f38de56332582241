// Types shared by the list queries: sort direction and the ID decoding of filters.
import { builder } from '../builder.js';
import { decodeId } from '../ids.js';

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
