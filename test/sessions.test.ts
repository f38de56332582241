// Sessions that end everywhere: an open subscription (graphql-ws or SSE) stops delivering once its
// session is logged out, expires, or its user is disabled or given another role; a subscription
// to an unknown clone answers NOT_FOUND; a connection holds a bounded number of subscriptions and
// a subscriber that falls behind is dropped instead of growing the server's memory.
import { createHash, randomUUID } from 'node:crypto';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notify, PgEventBus, SlowConsumerError, type BusMessage } from '../infra/eventBus.js';
import type { Role } from '../prisma/client.js';
import { SUBSCRIPTIONS_PER_CONNECTION } from '../server/subscriptions.js';
import { eventually } from './support/eventually.js';
import { writeFixture, type Fixture } from './support/fixture.js';
import { collect, gql, loginAs, newUser, wsClient } from './support/graphql.js';
import { startTestStack, type ApiStack } from './support/stack.js';

let harness: ApiStack;
let fixture: Fixture;
let adminToken: string;

beforeAll(async () => {
  harness = await startTestStack({ vsphere: false });
  fixture = await writeFixture(harness.prisma, harness.secretKey);
  adminToken = await loginAs(harness.api.url, 'admin', fixture.users.admin.password);
});

afterAll(async () => {
  await harness?.close();
});

const PASSWORDS = 'subscription($id: ID) { cloneStatusChanged(cloneId: $id) { status clone { rdpCredentials { password } } } }';

/** A fresh operator (so disabling or demoting one does not touch the fixture's users) and its token. */
const newOperator = (role: Role = 'MACHINE_ADMIN') => newUser(harness.api.url, adminToken, role);

const sessionOf = (token: string) => ({ tokenHash: createHash('sha256').update(token).digest('hex') });

async function publishStatus(cloneId: string, status: string) {
  await notify(harness.prisma, { topic: 'clone.status', cloneId, status, failover: false, at: new Date().toISOString() });
}

/** The ways a session ends, each applied to the session of `token` (user `userId`). */
const endings: Array<[string, (token: string, userId: string) => Promise<void>]> = [
  ['is logged out', async (token) => {
    const result = await gql(harness.api.url, 'mutation { logout }', {}, token);
    expect(result.errors).toBeUndefined();
  }],
  ['expires', async (token) => {
    await harness.prisma.session.update({ where: sessionOf(token), data: { expiresAt: new Date(Date.now() - 1000) } });
  }],
  ['has its user disabled', async (_token, userId) => {
    await harness.prisma.user.update({ where: { id: userId }, data: { disabledAt: new Date() } });
  }],
  ['has its user demoted', async (_token, userId) => {
    await harness.prisma.user.update({ where: { id: userId }, data: { role: 'DEVELOPER' } });
  }],
];

describe('a graphql-ws subscription whose session', () => {
  it('ends when its session expires even when no event follows', async () => {
    const { token } = await newOperator();
    await harness.prisma.session.update({ where: sessionOf(token), data: { expiresAt: new Date(Date.now() + 3000) } });
    const client = wsClient(harness.api.wsUrl, token);
    try {
      const opened = harness.subscriptionsOpened();
      const feed = collect<any>(client, PASSWORDS, {}, () => false, 30_000);
      const refused = expect(feed.done).rejects.toThrow(/UNAUTHENTICATED/);
      await feed.ready;
      await harness.subscribed(opened + 1);
      await refused;
      expect(feed.items).toEqual([]);
    } finally {
      await client.dispose();
    }
  });

  it.each(endings)('%s stops delivering RDP passwords', async (_how, end) => {
    const { userId, token } = await newOperator();
    const cloneId = fixture.cloneIds[3]!;
    const client = wsClient(harness.api.wsUrl, token);
    try {
      const opened = harness.subscriptionsOpened();
      const feed = collect<any>(client, PASSWORDS, { id: encodeGlobalID('Clone', cloneId) }, (items) => items.length >= 2, 30_000);
      await feed.ready;
      await harness.subscribed(opened + 1);
      await publishStatus(cloneId, 'RUNNING');
      await eventually(async () => feed.items.length === 1, { timeoutMs: 15_000, what: 'the first status' });
      expect(feed.items[0].cloneStatusChanged.clone.rdpCredentials.password).toBe('fixture-password-3');

      // A logout ends the feed at once (announced on the bus), the others at the next event.
      const refused = expect(feed.done).rejects.toThrow(/UNAUTHENTICATED/);
      await end(token, userId);
      await publishStatus(cloneId, 'STOPPED');
      await refused;
      expect(feed.items).toHaveLength(1);
    } finally {
      await client.dispose();
    }
  });

  it('ends at logout even when no event follows (the logout is announced on the event bus)', async () => {
    const { token } = await newOperator();
    const client = wsClient(harness.api.wsUrl, token);
    try {
      const opened = harness.subscriptionsOpened();
      const feed = collect<any>(client, PASSWORDS, {}, () => false, 30_000);
      await feed.ready;
      await harness.subscribed(opened + 1);
      const refused = expect(feed.done).rejects.toThrow(/UNAUTHENTICATED/);
      await gql(harness.api.url, 'mutation { logout }', {}, token);
      await refused;
      expect(feed.items).toEqual([]);
    } finally {
      await client.dispose();
    }
  });
});

/** Opens an SSE subscription; `next()` returns the next `data:` payload, or null once the stream ends. */
async function sseSubscription(token: string, query: string, variables: Record<string, unknown>) {
  const response = await fetch(harness.api.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  expect(response.headers.get('content-type')).toContain('text/event-stream');
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  return {
    async next(): Promise<any | null> {
      for (;;) {
        const events = buffer.split('\n\n');
        for (let i = 0; i < events.length - 1; i++) {
          const data = events[i]!.split('\n').find((line) => line.startsWith('data: '));
          if (data) {
            buffer = events.slice(i + 1).join('\n\n');
            return JSON.parse(data.slice('data: '.length));
          }
        }
        const { value, done } = await reader.read();
        if (done) return null;
        buffer += decoder.decode(value, { stream: true });
      }
    },
    cancel: () => reader.cancel(),
  };
}

describe('an SSE subscription whose session', () => {
  it.each(endings.slice(0, 3))('%s stops delivering RDP passwords', async (_how, end) => {
    const { userId, token } = await newOperator();
    const cloneId = fixture.cloneIds[5]!;
    const opened = harness.subscriptionsOpened();
    const stream = await sseSubscription(token, PASSWORDS, { id: encodeGlobalID('Clone', cloneId) });
    try {
      await harness.subscribed(opened + 1);
      await publishStatus(cloneId, 'RUNNING');
      const first = await stream.next();
      expect(first.data.cloneStatusChanged.clone.rdpCredentials.password).toBe('fixture-password-5');

      await end(token, userId);
      await publishStatus(cloneId, 'STOPPED');
      const after = await stream.next();
      expect(after?.data?.cloneStatusChanged ?? null).toBeNull();
      expect(after?.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    } finally {
      await stream.cancel();
    }
  });
});

describe('subscriptions', () => {
  it('to a clone or configuration that does not exist answer NOT_FOUND', async () => {
    const { token } = await newOperator();
    const client = wsClient(harness.api.wsUrl, token);
    try {
      const clone = collect(client, PASSWORDS, { id: encodeGlobalID('Clone', randomUUID()) }, () => true, 10_000);
      await expect(clone.done).rejects.toThrow(/NOT_FOUND/);
      const configuration = collect(
        client,
        'subscription($id: ID) { snapshotStatusChanged(configurationId: $id) { status } }',
        { id: encodeGlobalID('Configuration', randomUUID()) },
        () => true,
        10_000,
      );
      await expect(configuration.done).rejects.toThrow(/NOT_FOUND/);
    } finally {
      await client.dispose();
    }
  });

  it(`are capped at ${SUBSCRIPTIONS_PER_CONNECTION} per graphql-ws connection`, async () => {
    const { token } = await newOperator();
    const client = wsClient(harness.api.wsUrl, token);
    try {
      const opened = harness.subscriptionsOpened();
      const feeds = Array.from({ length: SUBSCRIPTIONS_PER_CONNECTION }, () =>
        collect(client, 'subscription { cloneStatusChanged { status } }', {}, () => false, 30_000),
      );
      // They end when the client is disposed below.
      for (const feed of feeds) feed.done.catch(() => undefined);
      await harness.subscribed(opened + SUBSCRIPTIONS_PER_CONNECTION);
      const oneTooMany = collect(client, 'subscription { cloneStatusChanged { status } }', {}, () => true, 10_000);
      await expect(oneTooMany.done).rejects.toThrow(/RATE_LIMITED/);
      // The others are still served.
      await publishStatus(fixture.cloneIds[0]!, 'RUNNING');
      await eventually(async () => feeds.every((feed) => feed.items.length === 1), { timeoutMs: 15_000, what: 'every capped feed' });
    } finally {
      await client.dispose();
    }
  });

  it('drop a consumer that falls too far behind instead of queueing without bound', async () => {
    const bus = new PgEventBus(harness.databaseUrl);
    await bus.start();
    try {
      const overflows: SlowConsumerError[] = [];
      const feed = bus.subscribe((m: BusMessage) => m.topic === 'clone.status', { maxQueued: 3, onOverflow: (e) => overflows.push(e) });
      for (let i = 0; i < 5; i++) await publishStatus(fixture.cloneIds[0]!, 'RUNNING');
      await eventually(async () => overflows.length === 1, { timeoutMs: 15_000, what: 'the overflow' });
      await expect(feed.next()).rejects.toBeInstanceOf(SlowConsumerError);
      expect(await feed.next()).toEqual({ value: undefined, done: true });
    } finally {
      await bus.close();
    }
  });
});
