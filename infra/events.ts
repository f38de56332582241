// The audit trail: every state change writes an Event row and announces it on the bus, in the
// caller's transaction so the row, the change and the message commit together.
import { notify, type RawExecutor } from './eventBus.js';

export type Actor = { kind: 'USER'; userId: string } | { kind: 'SYSTEM' };

export const SYSTEM: Actor = { kind: 'SYSTEM' };

export interface EventInput {
  actor: Actor;
  subjectType: string;
  subjectId: string;
  cloneId?: string | null;
  type: string;
  data?: Record<string, unknown>;
}

/** The part of a Prisma client or transaction this module needs. */
export interface EventWriter extends RawExecutor {
  event: {
    create(args: {
      data: {
        actorKind: 'USER' | 'SYSTEM';
        actorId: string | null;
        subjectType: string;
        subjectId: string;
        cloneId: string | null;
        type: string;
        data: object;
      };
      select: { id: true; createdAt: true };
    }): PromiseLike<{ id: string; createdAt: Date }>;
  };
}

export async function recordEvent(db: EventWriter, input: EventInput): Promise<{ id: string }> {
  const event = await db.event.create({
    data: {
      actorKind: input.actor.kind,
      actorId: input.actor.kind === 'USER' ? input.actor.userId : null,
      subjectType: input.subjectType,
      subjectId: input.subjectId,
      cloneId: input.cloneId ?? null,
      type: input.type,
      data: input.data ?? {},
    },
    select: { id: true, createdAt: true },
  });
  if (input.cloneId) {
    await notify(db, {
      topic: 'clone.event',
      cloneId: input.cloneId,
      eventId: event.id,
      type: input.type,
      at: event.createdAt.toISOString(),
    });
  }
  return event;
}

/** The Event of something done to a clone: the clone is its subject. */
export function recordCloneEvent(db: EventWriter, actor: Actor, cloneId: string, type: string, data?: Record<string, unknown>): Promise<{ id: string }> {
  return recordEvent(db, { actor, subjectType: 'Clone', subjectId: cloneId, cloneId, type, ...(data ? { data } : {}) });
}
