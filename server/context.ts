// The per-operation context, shared by HTTP and WebSocket operations: who is calling and the
// services resolvers use. Identity comes from a bearer token (HTTP `Authorization` header, or
// `connectionParams.authorization`/`authToken` on graphql-ws).
import type { Client as TemporalClient } from '@temporalio/client';
import type { Settings } from '../infra/config.js';
import type { PgEventBus } from '../infra/eventBus.js';
import type { PrismaClient, Role } from '../prisma/client.js';
import { userForToken } from './auth.js';

export interface AuthUser {
  id: string;
  username: string;
  name: string;
  role: Role;
  sessionId: string;
}

export interface AppServices {
  prisma: PrismaClient;
  temporal: TemporalClient;
  bus: PgEventBus;
  settings: Pick<Settings, 'secretKey' | 'temporal'>;
}

export interface GraphQLContext extends AppServices {
  user: AuthUser | null;
  /** The caller's address, for rate limits and audit. */
  clientAddress: string | null;
  /** The HTTP `Idempotency-Key` header, if any: a retried createClone returns its first result. */
  idempotencyKey: string | null;
  /** Set by `login`, so the login payload may show the user to the still-anonymous caller. */
  loggedInAs: string | null;
}

export function bearerToken(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const match = /^Bearer\s+(\S+)$/i.exec(value.trim());
  return match ? match[1]! : value.trim() || null;
}

export interface RequestFacts {
  token: string | null;
  clientAddress: string | null;
  idempotencyKey: string | null;
}

export async function buildContext(services: AppServices, request: RequestFacts): Promise<GraphQLContext> {
  const user = request.token ? await userForToken(services.prisma, request.token) : null;
  return { ...services, user, clientAddress: request.clientAddress, idempotencyKey: request.idempotencyKey, loggedInAs: null };
}
