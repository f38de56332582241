// What the API's services work with: the shared clients, and the user a request acts for.
// Kept apart from the GraphQL context so services, sessions and the context import it alike.
import type { Client as TemporalClient } from '@temporalio/client';
import type { Settings } from '../../infra/config.js';
import type { PgEventBus } from '../../infra/eventBus.js';
import type { PrismaClient, Role } from '../../prisma/client.js';

/** The logged-in user of a request, as its session found it. */
export interface AuthUser {
  id: string;
  username: string;
  name: string;
  role: Role;
  sessionId: string;
  /** When the session expires (open subscriptions end then, even without events). */
  sessionExpiresAt?: Date;
}

/** The user an operation is done by: written to the audit trail and the rows it creates. */
export type ActingUser = Pick<AuthUser, 'id'>;

export interface AppServices {
  prisma: PrismaClient;
  temporal: TemporalClient;
  bus: PgEventBus;
  settings: Pick<Settings, 'secretKey' | 'temporal' | 'exposure'>;
}
