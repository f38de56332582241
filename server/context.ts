// The per-operation context, shared by HTTP and WebSocket operations: who is calling and the
// services resolvers use. Identity comes from a bearer token (HTTP `Authorization` header, or
// `connectionParams.authorization`/`authToken` on graphql-ws).
import { sessionCacheFor, type SessionCache } from './services/sessionCache.js';
import { userForToken } from './services/sessions.js';
import type { AppServices, AuthUser } from './services/types.js';

export type { AppServices, AuthUser };

export interface GraphQLContext extends AppServices {
  user: AuthUser | null;
  /** The process's signed-in callers (services forget what they change). */
  sessions: SessionCache;
  /** The caller's address, for rate limits and audit. */
  clientAddress: string | null;
  /** The HTTP `Idempotency-Key` header, if any: a retried createClone returns its first result. */
  idempotencyKey: string | null;
  /** Set by `login`, so the login payload may show the user to the still-anonymous caller. */
  loggedInAs: string | null;
  /** graphql-ws only: closes the operation's connection (a slow consumer is dropped this way). */
  closeConnection?: (code: number, reason: string) => void;
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
  closeConnection?: (code: number, reason: string) => void;
}

export async function buildContext(services: AppServices, request: RequestFacts): Promise<GraphQLContext> {
  const sessions = sessionCacheFor(services.bus);
  const user = request.token ? await userForToken(services.prisma, request.token, sessions) : null;
  return { ...services, user, sessions, clientAddress: request.clientAddress, idempotencyKey: request.idempotencyKey, loggedInAs: null, ...(request.closeConnection ? { closeConnection: request.closeConnection } : {}) };
}
