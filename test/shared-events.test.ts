// One execution per event and audience (server/sharedEvents.ts): subscribers of one document,
// variables and role share the event's result; another role, other variables or a selection that
// depends on who asks gets its own; results without errors go straight to the graphql-ws socket
// and the rest through graphql-ws, in order. First against a small schema that counts its
// resolvers, then on the real stack: every subscriber still receives its events, each RDP
// password reveal is recorded for its own subscriber, and a completed subscription gets nothing.
import { randomUUID } from 'node:crypto';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { GraphQLInt, GraphQLNonNull, GraphQLObjectType, GraphQLSchema, GraphQLString, parse, type ExecutionResult } from 'graphql';
import { stringifyMessage, MessageType } from 'graphql-ws';
import { createYoga } from 'graphql-yoga';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { notify } from '../infra/eventBus.js';
import { audienceOf, useSharedEventExecution, VIEWER_DEPENDENT, type SendNext } from '../server/sharedEvents.js';
import { SLOW_CONSUMER_CLOSE_CODE } from '../server/subscriptions.js';
import { MAX_BUFFERED_BYTES, nextMessageSender } from '../server/yoga.js';
import { eventually } from './support/eventually.js';
import { writeFixture, type Fixture } from './support/fixture.js';
import { collect, loginAs, newUser, wsClient } from './support/graphql.js';
import { startTestStack, type ApiStack } from './support/stack.js';

// ---- a small schema: `tick` events, a resolver that counts its calls ----

interface Tick {
  n: number;
}

function tickSchema() {
  const calls = { value: 0, who: 0 };
  const listeners = new Set<(tick: Tick) => void>();
  const Tick = new GraphQLObjectType<Tick, { user: { id: string; role: string } }>({
    name: 'Tick',
    fields: {
      value: {
        type: new GraphQLNonNull(GraphQLString),
        args: { times: { type: GraphQLInt } },
        resolve: (tick, args: { times?: number | null }, ctx) => {
          calls.value++;
          if (tick.n < 0) throw new Error('a broken tick');
          return `${tick.n * (args.times ?? 1)}:${ctx.user.role}`;
        },
      },
      who: {
        type: new GraphQLNonNull(GraphQLString),
        extensions: VIEWER_DEPENDENT,
        resolve: (_tick, _args, ctx) => {
          calls.who++;
          return ctx.user.id;
        },
      },
    },
  });
  const schema = new GraphQLSchema({
    query: new GraphQLObjectType({ name: 'Query', fields: { ok: { type: GraphQLString, resolve: () => 'ok' } } }),
    subscription: new GraphQLObjectType({
      name: 'Subscription',
      fields: {
        tick: {
          type: new GraphQLNonNull(Tick),
          // Every subscriber's own feed, handed the same event object, and ended by return() even
          // while it waits (as the event bus's feeds are).
          subscribe: () => {
            const queue: Tick[] = [];
            let wake: ((result: IteratorResult<Tick>) => void) | undefined;
            const listener = (tick: Tick) => (wake ? (wake({ value: tick, done: false }), (wake = undefined)) : queue.push(tick));
            listeners.add(listener);
            const feed: AsyncIterableIterator<Tick> = {
              next: () => (queue.length ? Promise.resolve({ value: queue.shift()!, done: false }) : new Promise((resolve) => (wake = resolve))),
              return: async () => {
                listeners.delete(listener);
                wake?.({ value: undefined, done: true });
                return { value: undefined, done: true };
              },
              [Symbol.asyncIterator]: () => feed,
            };
            return feed;
          },
          resolve: (tick: Tick) => tick,
        },
      },
    }),
  });
  const emit = (tick: Tick) => listeners.forEach((listener) => listener(tick));
  return { schema, calls, emit, listening: () => listeners.size };
}

describe('events shared within an audience', () => {
  const setup = () => {
    const ticks = tickSchema();
    const yoga = createYoga({ schema: ticks.schema, plugins: [useSharedEventExecution()], logging: false });
    const subscribe = async (query: string, user: { id: string; role: string }, options: { variables?: Record<string, unknown>; sendNext?: SendNext } = {}) => {
      const { subscribe, contextFactory, schema } = yoga.getEnveloped({ ...(options.sendNext ? { sendNext: options.sendNext } : {}) });
      const contextValue = Object.assign(await contextFactory(), { user });
      const result = await subscribe({ schema, document: documentOf(query), contextValue, variableValues: options.variables ?? {} });
      return result as AsyncIterableIterator<ExecutionResult>;
    };
    return { ...ticks, subscribe };
  };
  // The parser cache hands Yoga the same document for the same text; so does this.
  const documents = new Map<string, ReturnType<typeof parse>>();
  const documentOf = (query: string) => documents.get(query) ?? documents.set(query, parse(query)).get(query)!;
  const VALUE = 'subscription($times: Int) { tick { value(times: $times) } }';

  it('executes an event once for the subscribers of one document, variables and role, and gives each the result', async () => {
    const { subscribe, emit, calls, listening } = setup();
    const feeds = await Promise.all(['a', 'b', 'c'].map((id) => subscribe(VALUE, { id, role: 'OPERATOR' })));
    const next = feeds.map((feed) => feed.next());
    await eventually(async () => listening() === 3, { what: 'three feeds' });
    emit({ n: 7 });
    const results = await Promise.all(next);
    for (const result of results) expect(result.value).toEqual({ data: { tick: { value: '7:OPERATOR' } } });
    expect(calls.value).toBe(1);
    await Promise.all(feeds.map((feed) => feed.return!()));
    expect(listening()).toBe(0);
  });

  it('gives a subscriber that reaches the event after its result settled that same result, not a new execution', async () => {
    const { subscribe, emit, calls, listening } = setup();
    const [early, late] = await Promise.all(['a', 'b'].map((id) => subscribe(VALUE, { id, role: 'OPERATOR' })));
    const first = early!.next();
    await eventually(async () => listening() === 2, { what: 'two feeds' });
    emit({ n: 5 });
    const settled = await first;
    // The late subscriber's feed held the event meanwhile; it asks for it only now.
    const second = await late!.next();
    expect(second.value).toBe(settled.value);
    expect(settled.value).toEqual({ data: { tick: { value: '5:OPERATOR' } } });
    expect(calls.value).toBe(1);
    await Promise.all([early!.return!(), late!.return!()]);
  });

  it('executes it again for another role, other variables, and a selection that depends on who asks', async () => {
    const { subscribe, emit, calls, listening } = setup();
    const feeds = await Promise.all([
      subscribe(VALUE, { id: 'a', role: 'OPERATOR' }),
      subscribe(VALUE, { id: 'b', role: 'OPERATOR' }),
      subscribe(VALUE, { id: 'c', role: 'VIEWER' }),
      subscribe(VALUE, { id: 'd', role: 'OPERATOR' }, { variables: { times: 3 } }),
      subscribe('subscription { tick { who } }', { id: 'e', role: 'OPERATOR' }),
      subscribe('subscription { tick { who } }', { id: 'f', role: 'OPERATOR' }),
    ]);
    const next = feeds.map((feed) => feed.next());
    await eventually(async () => listening() === 6, { what: 'six feeds' });
    emit({ n: 2 });
    const values = (await Promise.all(next)).map((result) => result.value.data.tick);
    expect(values).toEqual([{ value: '2:OPERATOR' }, { value: '2:OPERATOR' }, { value: '2:VIEWER' }, { value: '6:OPERATOR' }, { who: 'e' }, { who: 'f' }]);
    // One execution for a and b, one each for c and d; the viewer-dependent selection once per subscriber.
    expect(calls).toEqual({ value: 3, who: 2 });
    await Promise.all(feeds.map((feed) => feed.return!()));
  });

  it('sends results without errors through sendNext, serialized once, and returns the others in order', async () => {
    const { subscribe, emit, listening } = setup();
    const sent: Array<[string, string]> = [];
    const feeds = await Promise.all(
      ['a', 'b'].map((id) => subscribe(VALUE, { id, role: 'OPERATOR' }, { sendNext: (json) => void sent.push([id, json]) })),
    );
    const next = feeds.map((feed) => feed.next());
    await eventually(async () => listening() === 2, { what: 'two feeds' });
    emit({ n: 1 });
    emit({ n: -1 }); // its resolver throws: a result with errors
    emit({ n: 4 });
    const errored = await Promise.all(next);
    // The first event went straight out; the second came back to be sent by graphql-ws ...
    expect(sent).toEqual([
      ['a', JSON.stringify({ data: { tick: { value: '1:OPERATOR' } } })],
      ['b', JSON.stringify({ data: { tick: { value: '1:OPERATOR' } } })],
    ]);
    for (const result of errored) expect(result.value.errors?.[0]?.message).toMatch(/a broken tick|Unexpected error/);
    // ... and nothing was sent after it until graphql-ws asked for more.
    const later = feeds.map((feed) => feed.next());
    await eventually(async () => sent.length === 4, { what: 'the third event sent' });
    const fourth = JSON.stringify({ data: { tick: { value: '4:OPERATOR' } } });
    expect(sent.slice(2).map(([, json]) => json)).toEqual([fourth, fourth]);
    await Promise.all(feeds.map((feed) => feed.return!()));
    await Promise.all(later);
  });

  it('keys an audience by document, operation, role and variables', () => {
    const ticks = tickSchema();
    const document = parse(VALUE);
    const args = (role: string, variableValues: Record<string, unknown> = {}, doc = document) => ({
      schema: ticks.schema,
      document: doc,
      variableValues,
      contextValue: { user: { id: randomUUID(), role } },
    });
    expect(audienceOf(args('OPERATOR'))).toBe(audienceOf(args('OPERATOR')));
    expect(audienceOf(args('OPERATOR'))).not.toBe(audienceOf(args('VIEWER')));
    expect(audienceOf(args('OPERATOR'))).not.toBe(audienceOf(args('OPERATOR', { times: 2 })));
    expect(audienceOf(args('OPERATOR'))).not.toBe(audienceOf(args('OPERATOR', {}, parse(VALUE))));
    // A viewer-dependent field, reached through a fragment too, makes an audience of one.
    expect(audienceOf(args('OPERATOR', {}, parse('subscription { tick { ...F } } fragment F on Tick { who }')))).toBeNull();
  });
});

describe('the graphql-ws next message sent straight to the socket', () => {
  const fakeSocket = (bufferedAmount = 0) => {
    const socket = { OPEN: 1, readyState: 1, bufferedAmount, sent: [] as string[], closed: null as [number, string] | null };
    return Object.assign(socket, {
      send: (data: string) => void socket.sent.push(data),
      close: (code: number, reason: string) => void (socket.closed = [code, reason]),
    });
  };

  it('is the message graphql-ws would send', () => {
    const socket = fakeSocket();
    const payload = { data: { cloneStatusChanged: { status: 'RUNNING', note: 'a "quoted" \u2028 line' } } };
    nextMessageSender(socket as never, 'sub-"1"', () => true)(JSON.stringify(payload));
    expect(socket.sent).toEqual([stringifyMessage({ id: 'sub-"1"', type: MessageType.Next, payload })]);
  });

  it('is not sent once the client completed the subscription or the socket is closing', () => {
    const socket = fakeSocket();
    let open = false;
    const send = nextMessageSender(socket as never, '1', () => open);
    send('{"data":{}}');
    open = true;
    socket.readyState = 2;
    send('{"data":{}}');
    expect(socket.sent).toEqual([]);
  });

  it(`drops a connection with more than ${MAX_BUFFERED_BYTES} bytes unsent, as a slow consumer`, () => {
    const socket = fakeSocket(MAX_BUFFERED_BYTES + 1);
    nextMessageSender(socket as never, '1', () => true)('{"data":{}}');
    expect(socket.closed?.[0]).toBe(SLOW_CONSUMER_CLOSE_CODE);
    const keeping = fakeSocket(MAX_BUFFERED_BYTES);
    nextMessageSender(keeping as never, '1', () => true)('{"data":{}}');
    expect(keeping.closed).toBeNull();
  });
});

// ---- the real stack ----

describe('shared events on the real stack', () => {
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

  const newUserOf = (role: string) => newUser(harness.api.url, adminToken, role);

  const publishStatus = (cloneId: string, status: string) =>
    notify(harness.prisma, { topic: 'clone.status', cloneId, status, failover: false, at: new Date().toISOString() });

  it('delivers one event to every subscriber of every connection, user and role', async () => {
    const cloneId = fixture.cloneIds[1]!;
    const name = (await harness.prisma.clone.findUniqueOrThrow({ where: { id: cloneId } })).name;
    const users = await Promise.all(['MACHINE_ADMIN', 'MACHINE_ADMIN', 'DEVELOPER'].map(newUserOf));
    const clients = users.map(({ token }) => wsClient(harness.api.wsUrl, token));
    try {
      const opened = harness.subscriptionsOpened();
      const feeds = clients.flatMap((client) =>
        [1, 2].map(() =>
          collect<any>(client, 'subscription($id: ID) { cloneStatusChanged(cloneId: $id) { status clone { name } } }', { id: encodeGlobalID('Clone', cloneId) }, (items) => items.length >= 2, 30_000),
        ),
      );
      await Promise.all(feeds.map((feed) => feed.ready));
      await harness.subscribed(opened + feeds.length);
      await publishStatus(cloneId, 'STOPPED');
      await publishStatus(cloneId, 'RUNNING');
      for (const feed of feeds) {
        expect(await feed.done).toEqual([
          { cloneStatusChanged: { status: 'STOPPED', clone: { name } } },
          { cloneStatusChanged: { status: 'RUNNING', clone: { name } } },
        ]);
      }
    } finally {
      await Promise.all(clients.map((client) => client.dispose()));
    }
  });

  it("records each subscriber's RDP password reveal as its own", async () => {
    const cloneId = fixture.cloneIds[3]!;
    const operators = await Promise.all([newUserOf('MACHINE_ADMIN'), newUserOf('MACHINE_ADMIN')]);
    const clients = operators.map(({ token }) => wsClient(harness.api.wsUrl, token));
    const revealsBefore = await harness.prisma.event.count({ where: { cloneId, type: 'clone.rdp_revealed' } });
    try {
      const opened = harness.subscriptionsOpened();
      const feeds = clients.map((client) =>
        collect<any>(client, 'subscription($id: ID) { cloneStatusChanged(cloneId: $id) { clone { rdpCredentials { password } } } }', { id: encodeGlobalID('Clone', cloneId) }, (items) => items.length >= 1, 30_000),
      );
      await Promise.all(feeds.map((feed) => feed.ready));
      await harness.subscribed(opened + 2);
      await publishStatus(cloneId, 'RUNNING');
      for (const feed of feeds) expect((await feed.done)[0].cloneStatusChanged.clone.rdpCredentials.password).toBe('fixture-password-3');
      const reveals = await harness.prisma.event.findMany({ where: { cloneId, type: 'clone.rdp_revealed' }, orderBy: { createdAt: 'asc' }, skip: revealsBefore });
      expect(reveals.map((event) => event.actorId).sort()).toEqual(operators.map((operator) => operator.userId).sort());
    } finally {
      await Promise.all(clients.map((client) => client.dispose()));
    }
  });

  it('sends nothing more to a subscription its client completed, and goes on sending to its sibling', async () => {
    const cloneId = fixture.cloneIds[2]!;
    const { token } = await newUserOf('DEVELOPER');
    const socket = new WebSocket(harness.api.wsUrl, 'graphql-transport-ws');
    const messages: Array<{ id?: string; type: string; payload?: any }> = [];
    let waiters: Array<() => void> = [];
    socket.on('message', (data) => {
      messages.push(JSON.parse(String(data)));
      for (const wake of waiters.splice(0)) wake();
    });
    const until = async (what: string, seen: () => boolean) => {
      const deadline = Date.now() + 15_000;
      while (!seen()) {
        if (Date.now() > deadline) throw new Error(`no ${what} in ${JSON.stringify(messages)}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 250);
        });
      }
    };
    const send = (message: object) => socket.send(JSON.stringify(message));
    try {
      await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
      send({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } });
      await until('connection_ack', () => messages.some((m) => m.type === 'connection_ack'));
      const opened = harness.subscriptionsOpened();
      const query = 'subscription($id: ID) { cloneStatusChanged(cloneId: $id) { status } }';
      for (const id of ['gone', 'kept']) send({ id, type: 'subscribe', payload: { query, variables: { id: encodeGlobalID('Clone', cloneId) } } });
      await harness.subscribed(opened + 2);
      send({ id: 'gone', type: 'complete' });
      // The server handles a connection's messages in order: its pong means the complete was seen.
      send({ type: 'ping' });
      await until('pong', () => messages.some((m) => m.type === 'pong'));
      await publishStatus(cloneId, 'STOPPED');
      await publishStatus(cloneId, 'RUNNING');
      await until('two events for the kept subscription', () => messages.filter((m) => m.id === 'kept' && m.type === 'next').length === 2);
      expect(messages.filter((m) => m.id === 'kept').map((m) => m.payload)).toEqual([
        { data: { cloneStatusChanged: { status: 'STOPPED' } } },
        { data: { cloneStatusChanged: { status: 'RUNNING' } } },
      ]);
      expect(messages.filter((m) => m.id === 'gone')).toEqual([]);
    } finally {
      waiters = [];
      socket.close();
    }
  });
});
