// What clients see of errors: AppErrors keep their code, field and message; GraphQL's own
// parse/validation errors pass as they are; anything else is logged here and reaches the
// client only as a generic INTERNAL error (no stack traces, SQL or secrets in responses).
import { GraphQLError } from 'graphql';
import { AppError } from '../domain/errors.js';

function rootCause(error: unknown): unknown {
  let current = error;
  while (current instanceof GraphQLError && current.originalError) current = current.originalError;
  return current;
}

export function maskError(error: unknown, message: string): Error {
  const cause = rootCause(error);
  const located = error instanceof GraphQLError ? error : undefined;
  if (cause instanceof AppError) {
    return new GraphQLError(cause.message, {
      ...(located?.nodes ? { nodes: located.nodes } : {}),
      ...(located?.path ? { path: located.path } : {}),
      extensions: {
        code: cause.code,
        ...(cause.field ? { field: cause.field } : {}),
        ...(cause.problems ? { problems: cause.problems } : {}),
      },
    });
  }
  if (cause instanceof GraphQLError) return cause;
  console.error('internal error:', cause instanceof Error ? cause.stack : cause);
  return new GraphQLError(message, {
    ...(located?.path ? { path: located.path } : {}),
    extensions: { code: 'INTERNAL' },
  });
}
