// Signed-in callers by token, kept for a few seconds so a request does not read its session from
// PostgreSQL every time (that read was one of the Clones page's three queries; issue 16). What
// keeps it honest:
// - the event bus: a `session.ended` or `user.changed` message (a logout, a disabled user, a new
//   role or password, from any API replica or the CLI) forgets the entries it concerns at once;
// - this process forgets them itself as soon as its own change has committed, before it answers;
// - nothing is used while the bus is down, nor kept across a reconnect (messages are lost then);
// - a read that overlapped a change is not kept;
// - an entry lives at most SESSION_CACHE_TTL_MS, and never past its session's expiry.
// So a change made behind Enclave's back (SQL on the Session or User table) reaches requests
// within SESSION_CACHE_TTL_MS. Subscriptions, which keep delivering (RDP passwords among it), do
// not use it: each event still asks the database whether the session stands (subscriptions.ts).
import type { BusMessage, PgEventBus } from '../../infra/eventBus.js';
import type { AuthUser } from './types.js';

/** How long a session read is trusted without the bus saying otherwise. */
export const SESSION_CACHE_TTL_MS = 5_000;
/** Sessions kept at most (the oldest go first). */
const MAX_ENTRIES = 10_000;

interface Entry {
  user: AuthUser;
  until: number;
  epoch: number;
}

type Bus = Pick<PgEventBus, 'listening' | 'epoch' | 'onMessage'>;

export class SessionCache {
  private readonly byToken = new Map<string, Entry>();
  /** Bumped by every forgetting: a read that started before it is not kept. */
  private generation = 0;

  constructor(
    private readonly bus: Bus | undefined,
    private readonly ttlMs = SESSION_CACHE_TTL_MS,
  ) {
    bus?.onMessage((message) => this.observe(message));
  }

  /** The user of the session `tokenHash` names, from the cache or else from `read` (null: no such session). */
  async user(tokenHash: string, read: () => Promise<AuthUser | null>): Promise<AuthUser | null> {
    const kept = this.usable(this.byToken.get(tokenHash));
    if (kept) return kept.user;
    const generation = this.generation;
    const epoch = this.bus?.epoch;
    const user = await read();
    if (user && this.bus?.listening && generation === this.generation && epoch === this.bus.epoch) this.keep(tokenHash, user);
    return user;
  }

  /** After this process committed a change to `userId`'s sessions, account or role. */
  forgetUser(userId: string): void {
    this.forget((entry) => entry.user.id === userId);
  }

  /** After this process ended the session `sessionId`. */
  forgetSession(sessionId: string): void {
    this.forget((entry) => entry.user.sessionId === sessionId);
  }

  private observe(message: BusMessage): void {
    if (message.topic === 'session.ended') this.forgetSession(message.sessionId);
    else if (message.topic === 'user.changed') this.forgetUser(message.userId);
  }

  private usable(entry: Entry | undefined): Entry | undefined {
    if (!entry || !this.bus?.listening || entry.epoch !== this.bus.epoch || entry.until <= Date.now()) return undefined;
    return entry;
  }

  private keep(tokenHash: string, user: AuthUser): void {
    const expires = user.sessionExpiresAt?.getTime() ?? Infinity;
    // Every request of the token shares this object for a while: frozen, so none can change it for the others.
    const entry = { user: Object.freeze(user), until: Math.min(Date.now() + this.ttlMs, expires), epoch: this.bus!.epoch };
    this.byToken.delete(tokenHash);
    this.byToken.set(tokenHash, entry);
    if (this.byToken.size > MAX_ENTRIES) this.byToken.delete(this.byToken.keys().next().value!);
  }

  private forget(matches: (entry: Entry) => boolean): void {
    this.generation++;
    for (const [key, entry] of this.byToken) if (matches(entry)) this.byToken.delete(key);
  }
}

const caches = new WeakMap<Bus, SessionCache>();

/** The API process's cache: one per event bus, so every handler on it shares what the bus says. */
export function sessionCacheFor(bus: Bus | undefined): SessionCache {
  if (!bus) return new SessionCache(undefined);
  let cache = caches.get(bus);
  if (!cache) caches.set(bus, (cache = new SessionCache(bus)));
  return cache;
}
