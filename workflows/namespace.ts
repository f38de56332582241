// What the Temporal namespace must hold before clone workflows start: the custom search
// attributes. Kept apart from searchAttributes.ts, which workflow code imports and which must
// not pull the client into the workflow bundle.
import { isGrpcServiceError, type Connection } from '@temporalio/client';
import proto from '@temporalio/proto'; // CommonJS: named exports are not visible to ESM
import { SEARCH_ATTRIBUTES } from './searchAttributes.js';

const ALREADY_EXISTS = 6; // gRPC status: another worker registered it first

/** Registers the missing search attributes; safe to run from every replica at start-up. */
export async function ensureSearchAttributes(connection: Connection, namespace: string): Promise<void> {
  const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
  const missing = SEARCH_ATTRIBUTES.filter((key) => !(key.name in (customAttributes ?? {})));
  if (missing.length === 0) return;
  try {
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(
        missing.map((key) => [key.name, proto.temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD]),
      ),
    });
  } catch (error) {
    if (!(isGrpcServiceError(error) && error.code === ALREADY_EXISTS)) throw error;
  }
}
