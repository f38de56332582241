// What clients see of errors: AppErrors keep their code, field and message; GraphQL's own
// parse/validation errors pass as they are; anything else is logged (by Yoga) and reaches the
// client only as a generic INTERNAL error (no stack traces, SQL or secrets in responses), except a
// database that cannot be reached or is too busy to start a transaction: that is UNAVAILABLE, so
// clients know to retry.
import { GraphQLError } from 'graphql';
import { AppError } from '../domain/errors.js';
import { isDatabaseBusy, isDatabaseUnavailable } from '../prisma/errors.js';

// Recognised by shape rather than `instanceof`: graphql ships a CommonJS and an ESM build, and a
// runner that resolves them differently (vitest) would otherwise hand us a GraphQLError of the
// other build, whose AppError cause would then be masked as INTERNAL.
function isGraphQLError(error: unknown): error is GraphQLError {
  return error instanceof Error && error.name === 'GraphQLError';
}

function rootCause(error: unknown): unknown {
  let current = error;
  while (isGraphQLError(current) && current.originalError) current = current.originalError;
  return current;
}

/**
 * The argument path of a variable GraphQL could not coerce (wrong type, missing, null, unknown
 * field, an Int out of range), or null: these are refused before any resolver runs, by GraphQL
 * itself, and reach the client as VALIDATION with the field like the input layer's refusals.
 */
export function coercionField(message: string): string | null {
  const variable = /^Variable "\$(\w+)"/.exec(message);
  if (!variable) return null;
  const at = / at "([\w.\[\]]+)"/.exec(message);
  const path = (at?.[1] ?? variable[1]!).replace(/\[(\d+)\]/g, '.$1');
  const field = /Field "(\w+)" (?:of required type|is not defined)/.exec(message);
  return field ? `${path}.${field[1]}` : path;
}

function asInputError(error: GraphQLError): GraphQLError | null {
  const field = coercionField(error.message);
  if (!field) return null;
  return new GraphQLError(error.message, {
    ...(error.nodes ? { nodes: error.nodes } : {}),
    extensions: { ...error.extensions, code: 'VALIDATION', field },
  });
}

// Yoga logs the original of every error this replaces, so expected errors are passed through
// unchanged where possible (they are not worth a log line) and unexpected ones are logged there.
export function maskError(error: unknown, message: string): Error {
  const located = isGraphQLError(error) ? error : undefined;
  // Before the cause: its message lacks the variable path GraphQL puts in front of it.
  const coercion = located && asInputError(located);
  if (coercion) return coercion;
  const cause = rootCause(error);
  if (cause instanceof AppError) {
    // Errors from resolvers already carry the AppError's extensions (GraphQL copies them).
    if (located?.extensions.code === cause.code) return located;
    return new GraphQLError(cause.message, {
      ...(located?.nodes ? { nodes: located.nodes } : {}),
      ...(located?.path ? { path: located.path } : {}),
      extensions: cause.extensions,
    });
  }
  if (isGraphQLError(cause)) return cause;
  // An outage, not a bug: the client may retry, and the API recovers by itself when the database is back.
  const unavailable = isDatabaseUnavailable(cause)
    ? 'the database is not reachable right now; retry shortly'
    : isDatabaseBusy(cause)
      ? 'the database is too busy to take this request right now; retry shortly'
      : null;
  if (unavailable) {
    return new GraphQLError(unavailable, {
      ...(located?.path ? { path: located.path } : {}),
      extensions: { code: 'UNAVAILABLE' },
    });
  }
  return new GraphQLError(message, {
    ...(located?.path ? { path: located.path } : {}),
    extensions: { code: 'INTERNAL' },
  });
}
