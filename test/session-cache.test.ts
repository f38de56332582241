// The API's session cache on its own, with a stand-in for the event bus (the boundary): what it
// keeps, what makes it forget, and when it refuses to be trusted. The real bus, across API
// replicas, is replicas.test.ts's and users-admin.test.ts's subject.
import { describe, expect, it } from 'vitest';
import type { BusMessage } from '../infra/eventBus.js';
import { SessionCache } from '../server/services/sessionCache.js';
import type { AuthUser } from '../server/services/types.js';

class FakeBus {
  listening = true;
  epoch = 1;
  private listeners = new Set<(message: BusMessage) => void>();
  onMessage(listener: (message: BusMessage) => void) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  send(message: BusMessage) {
    for (const listener of this.listeners) listener(message);
  }
}

const alice: AuthUser = { id: 'u1', username: 'alice', name: 'Alice', role: 'MACHINE_ADMIN', sessionId: 's1', sessionExpiresAt: new Date(Date.now() + 3_600_000) };
const bob: AuthUser = { id: 'u2', username: 'bob', name: 'Bob', role: 'DEVELOPER', sessionId: 's2', sessionExpiresAt: new Date(Date.now() + 3_600_000) };

/** Whether `token` is answered from the cache (a read it would otherwise make finds nothing). */
async function isKept(cache: SessionCache, token: string): Promise<boolean> {
  let read = false;
  await cache.user(token, () => ((read = true), Promise.resolve(null)));
  return !read;
}

function setUp(ttlMs = 60_000) {
  const bus = new FakeBus();
  const cache = new SessionCache(bus, ttlMs);
  let reads = 0;
  const read = (user: AuthUser | null) => () => {
    reads++;
    return Promise.resolve(user);
  };
  return { bus, cache, read, reads: () => reads };
}

describe('the session cache', () => {
  it('answers a second request of the same token without reading the session again', async () => {
    const { cache, read, reads } = setUp();
    expect(await cache.user('t1', read(alice))).toEqual(alice);
    expect(await cache.user('t1', read(alice))).toEqual(alice);
    expect(reads()).toBe(1);
    expect(await isKept(cache, 't1')).toBe(true);
    // Shared by every request of the token, so no request may change it.
    expect(Object.isFrozen(await cache.user('t1', read(alice)))).toBe(true);
  });

  it('keeps no unknown token', async () => {
    const { cache, read, reads } = setUp();
    expect(await cache.user('nope', read(null))).toBeNull();
    expect(await cache.user('nope', read(null))).toBeNull();
    expect(reads()).toBe(2);
  });

  it('forgets a session the bus says ended, and every session of a user the bus says changed', async () => {
    const { bus, cache, read, reads } = setUp();
    await cache.user('t1', read(alice));
    await cache.user('t2', read(bob));
    bus.send({ topic: 'session.ended', sessionId: 's1', userId: 'u1' });
    expect(await cache.user('t1', read(null))).toBeNull();
    expect(await isKept(cache, 't2')).toBe(true);
    bus.send({ topic: 'user.changed', userId: 'u2' });
    expect(await isKept(cache, 't2')).toBe(false);
    expect(reads()).toBe(3);
  });

  it('forgets what this process changed, without waiting for the bus', async () => {
    const { cache, read } = setUp();
    await cache.user('t1', read(alice));
    cache.forgetUser('u1');
    expect(await isKept(cache, 't1')).toBe(false);
    await cache.user('t1', read(alice));
    cache.forgetSession('s1');
    expect(await isKept(cache, 't1')).toBe(false);
  });

  it('does not keep a read that overlapped a change', async () => {
    const { bus, cache, read, reads } = setUp();
    let finish!: () => void;
    const slow = cache.user('t1', () => new Promise<AuthUser>((resolve) => (finish = () => resolve(alice))));
    bus.send({ topic: 'session.ended', sessionId: 's1', userId: 'u1' });
    finish();
    expect(await slow).toEqual(alice);
    await cache.user('t1', read(null));
    expect(reads()).toBe(1);
  });

  it('is not trusted while the bus is down, nor after it reconnected (messages may have been lost)', async () => {
    const { bus, cache, read, reads } = setUp();
    await cache.user('t1', read(alice));
    bus.listening = false;
    await cache.user('t1', read(alice));
    await cache.user('t1', read(alice));
    expect(reads()).toBe(3);
    bus.listening = true;
    bus.epoch = 2;
    await cache.user('t1', read(alice));
    await cache.user('t1', read(alice));
    expect(reads()).toBe(4);
  });

  it('keeps an entry no longer than its time to live, and never past the session’s expiry', async () => {
    const { cache, read, reads } = setUp(0);
    await cache.user('t1', read(alice));
    await cache.user('t1', read(alice));
    expect(reads()).toBe(2);
    const long = setUp(60_000);
    const expiring = { ...alice, sessionExpiresAt: new Date(Date.now() - 1) };
    await long.cache.user('t1', long.read(expiring));
    await long.cache.user('t1', long.read(alice));
    expect(long.reads()).toBe(2);
  });

  it('without a bus, keeps nothing', async () => {
    const cache = new SessionCache(undefined);
    let reads = 0;
    const read = () => Promise.resolve((reads++, alice));
    await cache.user('t1', read);
    await cache.user('t1', read);
    expect(reads).toBe(2);
  });
});
