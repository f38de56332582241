// The one Pothos schema builder: Prisma-backed types, Relay nodes and connections, and
// role-based scopes checked in the schema itself.
import SchemaBuilder from '@pothos/core';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import { DateTimeResolver, JSONResolver } from 'graphql-scalars';
import { AppError } from '../domain/errors.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../domain/input.js';
import { scopesOf, type RoleScopes } from '../domain/roles.js';
import type PrismaTypes from '../prisma/generated/pothos-types.js';
import { getDatamodel } from '../prisma/generated/pothos-types.js';
import type { GraphQLContext } from './context.js';
import type { AuthUser } from './services/types.js';
import { LOADED_COLUMNS } from './schema/columns.js';
import { NODE_IDS } from './schema/nodeIds.js';
import { INPUT_LAYER } from './schema/input.js';

/** The scopes fields are guarded by (domain/roles.ts says which role has which). */
export type AuthScopes = RoleScopes;

/** The context of a field guarded by any of the scopes: someone is logged in. */
export type SignedInContext = GraphQLContext & { user: AuthUser };

export const builder = new SchemaBuilder<{
  PrismaTypes: PrismaTypes;
  Context: GraphQLContext;
  AuthScopes: AuthScopes;
  // Fields built with `t.withAuth(scopes)` see a non-null user (every scope needs one).
  AuthContexts: { authenticated: SignedInContext; operator: SignedInContext; admin: SignedInContext };
  DefaultFieldNullability: false;
  Scalars: { DateTime: { Input: Date; Output: Date }; JSON: { Input: unknown; Output: unknown } };
  Connection: { totalCount: number | (() => number | Promise<number>) };
}>({
  // The input layer after scope-auth: an unauthorized caller learns nothing about argument rules.
  // Loaded columns answer before the Prisma plugin looks up how their row was loaded.
  plugins: [ScopeAuthPlugin, INPUT_LAYER, LOADED_COLUMNS, PrismaPlugin, RelayPlugin, NODE_IDS],
  defaultFieldNullability: false,
  prisma: {
    // Each operation's context carries the client, so tests can run several stacks in one process.
    client: (context) => context.prisma,
    dmmf: getDatamodel(),
    // Relations are loaded through the parent query's include, never one query per row.
    onUnusedQuery: process.env.NODE_ENV === 'production' ? null : 'warn',
    filterConnectionTotalCount: true,
    // The page sizes the input layer and the query cost assume (domain/input.ts).
    defaultConnectionSize: DEFAULT_PAGE_SIZE,
    maxConnectionSize: MAX_PAGE_SIZE,
  },
  relay: {
    cursorType: 'String',
    clientMutationId: 'omit',
  },
  scopeAuth: {
    authorizeOnSubscribe: true,
    // A type's own scopes (every model type needs a signed-in caller) are checked once per object
    // it resolves, in isTypeOf, not again for each of its fields: 50 rows of the Clones page were
    // 2,000 checks (issue 16's profile).
    runScopesOnType: true,
    // The table of what each role may do lives in domain/roles.ts (the web app reads it too).
    authScopes: (context) => scopesOf(context.user?.role),
    unauthorizedError: (_parent, context) =>
      context.user
        ? new AppError('FORBIDDEN', 'your role does not allow this')
        : new AppError('UNAUTHENTICATED', 'log in first: send `Authorization: Bearer <token>`'),
  },
});

// Scalars from graphql-scalars, under the names the schema has always used. A bad DateTime input
// keeps the API's VALIDATION code (graphql-scalars' own errors carry none).
const asValidation =
  <A extends unknown[], R>(parse: (...args: A) => R) =>
  (...args: A): R => {
    try {
      return parse(...args);
    } catch {
      throw new AppError('VALIDATION', 'DateTime must be an ISO 8601 string');
    }
  };
builder.addScalarType('DateTime', DateTimeResolver, {
  parseValue: asValidation(DateTimeResolver.parseValue.bind(DateTimeResolver)),
  parseLiteral: asValidation(DateTimeResolver.parseLiteral.bind(DateTimeResolver)),
});
builder.addScalarType('JSON', JSONResolver);

builder.queryType({});
builder.mutationType({});
builder.subscriptionType({});
