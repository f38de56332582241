// The per-operation context, shared by HTTP and WebSocket operations: who is calling and the
// services resolvers use. Identity comes from a bearer token (HTTP `Authorization` header, or
// `connectionParams.authorization`/`authToken` on graphql-ws).
import type { Client as TemporalClient } from '@temporalio/client';
import type { Settings } from '../domain/config.js';
import type { PgEventBus } from '../domain/eventBus.js';
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
}

export function bearerToken(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const match = /^Bearer\s+(\S+)$/i.exec(value.trim());
  return match ? match[1]! : value.trim() || null;
}

export async function buildContext(
  services: AppServices,
  token: string | null,
  clientAddress: string | null,
): Promise<GraphQLContext> {
  const user = token ? await userForToken(services.prisma, token) : null;
  return { ...services, user, clientAddress };
}
