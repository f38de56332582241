// Global (Relay) IDs in arguments: decoded here rather than by the relay plugin so a bad ID gets
// the same field-level VALIDATION error as every other bad input.
import { decodeGlobalID } from '@pothos/plugin-relay';
import { AppError } from '../domain/errors.js';

/** The database IDs inside global IDs. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The database ID inside a global ID of `typename`; throws VALIDATION naming `field`. */
export function decodeId(globalId: string, typename: string, field: string): string {
  let decoded: { typename: string; id: string } | undefined;
  try {
    decoded = decodeGlobalID(globalId);
  } catch {
    decoded = undefined;
  }
  if (!decoded || decoded.typename !== typename || !UUID.test(decoded.id)) {
    throw new AppError('VALIDATION', `not a ${typename} ID`, field);
  }
  return decoded.id;
}
