// The schema's library-built types, checked without a stack: the error codes are one list (domain,
// schema and SDK agree), and a bad DateTime input is a VALIDATION error as before graphql-scalars.
import type { GraphQLEnumType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../domain/errors.js';
import { loadApiExposure } from '../infra/config.js';
import { ErrorCode as SdkErrorCode } from '../sdk/src/generated/enums.js';
import type { AppServices } from '../server/context.js';
import { schema } from '../server/schema/index.js';
import { createGraphQLHandler } from '../server/yoga.js';

// Coercing the arguments fails before any resolver runs, so no services are needed.
const yoga = createGraphQLHandler({} as AppServices, loadApiExposure({}));

async function errorsOf(query: string, variables?: Record<string, unknown>) {
  const response = await yoga.fetch('http://localhost/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const { errors } = (await response.json()) as { errors?: { message: string; extensions?: { code?: string } }[] };
  return (errors ?? []).map((error) => ({ message: error.message, code: error.extensions?.code }));
}

describe('error codes', () => {
  it('are the same list in domain/errors.ts, the schema enum and the SDK', () => {
    const codes = Object.keys(ERROR_CODES).sort();
    const enumType = schema.getType('ErrorCode') as GraphQLEnumType;
    expect(enumType.getValues().map((value) => value.name).sort()).toEqual(codes);
    expect(Object.values(SdkErrorCode).sort()).toEqual(codes);
  });
});

describe('the DateTime scalar', () => {
  it('refuses a malformed instant in a variable or a literal with VALIDATION', async () => {
    const query = 'query($after: DateTime) { events(filter: { after: $after }) { totalCount } }';
    expect(await errorsOf(query, { after: 'yesterday' })).toEqual([
      expect.objectContaining({ code: 'VALIDATION', message: expect.stringContaining('DateTime must be an ISO 8601 string') }),
    ]);
    expect(await errorsOf('{ events(filter: { after: 42 }) { totalCount } }')).toEqual([
      expect.objectContaining({ code: 'VALIDATION', message: expect.stringContaining('DateTime must be an ISO 8601 string') }),
    ]);
  });
});
