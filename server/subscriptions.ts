// Subscription feeds that end with their session: each event is sent only while the subscriber's
// session stands (not logged out or expired, the user not disabled, the role unchanged), and a
// logout or user change announced on the event bus ends the feed at once, on every API replica.
import { AppError } from '../domain/errors.js';
import { SlowConsumerError, type BusMessage } from '../infra/eventBus.js';
import type { AuthUser, GraphQLContext } from './context.js';
import { EventAnswers } from './eventAnswers.js';
import { sessionStillValid } from './services/sessions.js';

/** Open subscriptions one graphql-ws connection may hold (SSE carries one per request). */
export const SUBSCRIPTIONS_PER_CONNECTION = 20;

/** The WebSocket close code of a connection dropped because a subscription's queue overflowed. */
export const SLOW_CONSUMER_CLOSE_CODE = 4413;

/** Yielded once, in place of an event, when the session ended: the field's resolver refuses it. */
export interface SessionEnded {
  topic: 'subscription.session_ended';
}

const SESSION_ENDED = 'subscription.session_ended';
// A new object each time: events are keys of the shared results (server/sharedEvents.ts), and one
// kept for ever would keep every result made for it.
const ended = (): SessionEnded => ({ topic: SESSION_ENDED });

/** What each subscription field's `resolve` calls first: an ended session becomes UNAUTHENTICATED. */
export function liveEvent<T>(message: T | SessionEnded): T {
  if ((message as SessionEnded | null)?.topic === SESSION_ENDED) {
    throw new AppError('UNAUTHENTICATED', 'your session ended (logged out, expired, or your account changed); log in again');
  }
  return message as T;
}

/**
 * Whether `user`'s session still stands, asked for one event: the subscribers of one session that
 * receive the same event (the bus hands every listener the same message object) share one check,
 * so an event fanned out to N subscriptions of a session costs one query, not N. Each answer
 * comes from a query made after that event arrived, as when every subscriber asked for itself.
 */
const sessionChecks = new EventAnswers<boolean>();

function sessionCheckFor(message: BusMessage, ctx: GraphQLContext, user: AuthUser): Promise<boolean> | boolean {
  // The role is part of the answer (it must be the one the subscription started with).
  return sessionChecks.get(message, `${user.sessionId}:${user.role}`, () => sessionStillValid(ctx.prisma, user));
}

/**
 * The bus messages matching `filter`, for the signed-in subscriber of `ctx`. Before each event
 * the session is checked again; once it no longer stands the feed yields `SessionEnded` and ends.
 */
export function sessionFeed<T extends BusMessage>(
  ctx: GraphQLContext,
  filter: (message: BusMessage) => message is T,
): AsyncIterableIterator<T | SessionEnded> {
  const { user } = ctx;
  if (!user) throw new AppError('UNAUTHENTICATED', 'log in first: send `Authorization: Bearer <token>`');
  const endsSession = (m: BusMessage) =>
    (m.topic === 'session.ended' && m.sessionId === user.sessionId) || (m.topic === 'user.changed' && m.userId === user.id);
  const messages = ctx.bus.subscribe((m) => filter(m) || endsSession(m), {
    ...(ctx.closeConnection ? { onOverflow: (error) => ctx.closeConnection!(SLOW_CONSUMER_CLOSE_CODE, error.message) } : {}),
  });
  let finished = false;
  // The session's expiry ends the feed even when no event comes to be checked: the timer ends the
  // bus feed, and the waiting next() sees why. (A race with an "expired" promise on every next()
  // would leave one reaction on that promise per event until the session expires.)
  let expired = false;
  let expiryTimer: NodeJS.Timeout | undefined;
  if (user.sessionExpiresAt) {
    const delay = Math.max(0, user.sessionExpiresAt.getTime() - Date.now());
    // setTimeout takes at most ~24.8 days; sessions are far shorter.
    expiryTimer = setTimeout(() => {
      expired = true;
      void messages.return?.();
    }, Math.min(delay, 2 ** 31 - 1));
    expiryTimer.unref();
  }
  const finish = async (): Promise<IteratorResult<T | SessionEnded>> => {
    finished = true;
    clearTimeout(expiryTimer);
    await messages.return?.();
    return { value: undefined, done: true };
  };
  return {
    next: async () => {
      for (;;) {
        if (finished) return { value: undefined, done: true };
        let result: IteratorResult<BusMessage>;
        try {
          result = await messages.next();
        } catch (error) {
          // SSE has no close code: the stream ends with this error (graphql-ws closed with 4413 already).
          if (error instanceof SlowConsumerError) throw new AppError('UNAVAILABLE', error.message);
          throw error;
        }
        if (expired) {
          await finish();
          return { value: ended(), done: false };
        }
        if (result.done) return { value: undefined, done: true };
        const message = result.value;
        let stands = message.topic !== 'session.ended' && sessionCheckFor(message, ctx, user);
        if (stands instanceof Promise) stands = await stands;
        if (!stands || expired) {
          await finish();
          return { value: ended(), done: false };
        }
        // The user changed within what the session allows (e.g. a new name): nothing to send.
        if (endsSession(message)) continue;
        return { value: message as T, done: false };
      }
    },
    return: finish,
    throw: async (error: unknown) => {
      await finish();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
