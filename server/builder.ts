// The one Pothos schema builder: Prisma-backed types, Relay nodes and connections, and
// role-based scopes checked in the schema itself.
import SchemaBuilder from '@pothos/core';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import { GraphQLScalarType, Kind } from 'graphql';
import { AppError } from '../domain/errors.js';
import type PrismaTypes from '../prisma/generated/pothos-types.js';
import { getDatamodel } from '../prisma/generated/pothos-types.js';
import type { GraphQLContext } from './context.js';

export interface AuthScopes {
  /** Any logged-in user. */
  authenticated: boolean;
  /** May operate clones: failover, snapshots, power actions, RDP credentials. */
  operator: boolean;
  /** May do everything, including creating and deleting clones and users. */
  admin: boolean;
}

export const builder = new SchemaBuilder<{
  PrismaTypes: PrismaTypes;
  Context: GraphQLContext;
  AuthScopes: AuthScopes;
  DefaultFieldNullability: false;
  Scalars: { DateTime: { Input: Date; Output: Date }; JSON: { Input: unknown; Output: unknown } };
  Connection: { totalCount: number | (() => number | Promise<number>) };
}>({
  plugins: [ScopeAuthPlugin, PrismaPlugin, RelayPlugin],
  defaultFieldNullability: false,
  prisma: {
    // Each operation's context carries the client, so tests can run several stacks in one process.
    client: (context) => context.prisma,
    dmmf: getDatamodel(),
    // Relations are loaded through the parent query's include, never one query per row.
    onUnusedQuery: process.env.NODE_ENV === 'production' ? null : 'warn',
    filterConnectionTotalCount: true,
  },
  relay: {
    cursorType: 'String',
    clientMutationId: 'omit',
  },
  scopeAuth: {
    authorizeOnSubscribe: true,
    authScopes: (context) => ({
      authenticated: context.user !== null,
      operator: context.user?.role === 'GLOBAL_ADMIN' || context.user?.role === 'MACHINE_ADMIN',
      admin: context.user?.role === 'GLOBAL_ADMIN',
    }),
    unauthorizedError: (_parent, context) =>
      context.user
        ? new AppError('FORBIDDEN', 'your role does not allow this')
        : new AppError('UNAUTHENTICATED', 'log in first: send `Authorization: Bearer <token>`'),
  },
});

builder.addScalarType(
  'DateTime',
  new GraphQLScalarType<Date, string>({
    name: 'DateTime',
    description: 'An instant, as an ISO 8601 string in UTC.',
    serialize: (value) => (value instanceof Date ? value : new Date(value as string)).toISOString(),
    parseValue: (value) => parseDate(value),
    parseLiteral: (ast) => (ast.kind === Kind.STRING ? parseDate(ast.value) : parseDate(null)),
  }),
);

builder.addScalarType(
  'JSON',
  new GraphQLScalarType({
    name: 'JSON',
    description: 'Any JSON value (used for event data, whose shape depends on the event type).',
    serialize: (value) => value,
    parseValue: (value) => value,
  }),
);

function parseDate(value: unknown): Date {
  const date = typeof value === 'string' ? new Date(value) : new Date(Number.NaN);
  if (Number.isNaN(date.getTime())) throw new AppError('VALIDATION', 'DateTime must be an ISO 8601 string');
  return date;
}

builder.queryType({});
builder.mutationType({});
builder.subscriptionType({});
