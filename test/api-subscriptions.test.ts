// Subscriptions over graphql-ws and SSE, fed by messages that another process (a stand-in for the
// worker, test/api-publisher.ts) writes to PostgreSQL's event bus.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { encodeGlobalID } from '@pothos/plugin-relay';
import type { Client as WsClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notify } from '../infra/eventBus.js';
import { createPrisma } from '../prisma/client.js';
import { writeFixture, type Fixture } from './support/fixture.js';
import { startTestStack, type ApiStack } from './support/stack.js';
import { collect, gql, loginAs, wsClient } from './support/graphql.js';

const run = promisify(execFile);

let harness: ApiStack;
let fixture: Fixture;
let token: string;
let ws: WsClient;

beforeAll(async () => {
  harness = await startTestStack({ vsphere: false });
  fixture = await writeFixture(harness.prisma, harness.secretKey);
  token = await loginAs(harness.api.url, 'developer', fixture.users.developer.password);
  ws = wsClient(harness.api.wsUrl, token);
});

afterAll(async () => {
  await ws?.dispose();
  await harness?.close();
});

/** graphql-ws has no "subscribed" acknowledgement: give the server a moment to register it. */

function publishFromAnotherProcess(cloneId: string, snapshots: Array<[string, string]>) {
  return run('npx', ['tsx', 'test/api-publisher.ts', harness.databaseUrl, cloneId, ...snapshots.map((pair) => pair.join(':'))], {
    cwd: new URL('..', import.meta.url),
    timeout: 60_000,
  });
}

describe('subscriptions over graphql-ws', () => {
  it('deliver clone events, clone statuses and snapshot statuses written by another process', async () => {
    const cloneId = fixture.cloneIds[4]!;
    const [snapshotA, snapshotB] = [fixture.snapshotIds[0]!, fixture.snapshotIds[1]!];
    const [configA, configB] = [fixture.configurationIds[0]!, fixture.configurationIds[1]!];

    const opened = harness.subscriptionsOpened();
    const events = collect<any>(
      ws,
      'subscription($id: ID!) { cloneEvents(cloneId: $id) { type actorKind data subjectId clone { name } } }',
      { id: encodeGlobalID('Clone', cloneId) },
      (items) => items.length >= 1,
      60_000,
    );
    const statuses = collect<any>(
      ws,
      'subscription($id: ID) { cloneStatusChanged(cloneId: $id) { status clone { name } } }',
      { id: encodeGlobalID('Clone', cloneId) },
      (items) => items.length >= 1,
      60_000,
    );
    const ofConfigA = collect<any>(
      ws,
      'subscription($id: ID) { snapshotStatusChanged(configurationId: $id) { status at snapshot { id name configuration { name } } } }',
      { id: encodeGlobalID('Configuration', configA) },
      (items) => items.length >= 1,
      60_000,
    );
    const ofAll = collect<any>(
      ws,
      'subscription { snapshotStatusChanged { snapshot { name } } }',
      {},
      (items) => items.length >= 2,
      60_000,
    );
    await Promise.all([events.ready, statuses.ready, ofConfigA.ready, ofAll.ready]);
    await harness.subscribed(opened + 4);

    // Configuration B's message goes first: the filtered subscription must skip it.
    const { stdout } = await publishFromAnotherProcess(cloneId, [[snapshotB, configB], [snapshotA, configA]]);
    expect(stdout).toContain('published');

    expect(await events.done).toEqual([
      {
        cloneEvents: {
          type: 'clone.restore_finished',
          actorKind: 'SYSTEM',
          data: { from: 'worker process' },
          subjectId: encodeGlobalID('Clone', cloneId),
          clone: { name: 'clone-04' },
        },
      },
    ]);
    expect(await statuses.done).toEqual([{ cloneStatusChanged: { status: 'RUNNING', clone: { name: 'clone-04' } } }]);
    const [change] = await ofConfigA.done;
    expect(change.snapshotStatusChanged).toMatchObject({
      status: 'DONE',
      snapshot: { id: encodeGlobalID('Snapshot', snapshotA), name: 'snap-00', configuration: { name: 'Config Alpha' } },
    });
    expect((await ofAll.done).map((item) => item.snapshotStatusChanged.snapshot.name)).toEqual(['snap-01', 'snap-00']);
  });

  it('refuse anonymous callers and unknown clones', async () => {
    const anonymous = wsClient(harness.api.wsUrl);
    try {
      const refused = collect(anonymous, 'subscription { snapshotStatusChanged { status } }', {}, () => true, 10_000);
      await expect(refused.done).rejects.toThrow(/UNAUTHENTICATED/);
    } finally {
      await anonymous.dispose();
    }
    const unknown = collect(ws, 'subscription($id: ID!) { cloneEvents(cloneId: $id) { type } }', { id: encodeGlobalID('Clone', randomUUID()) }, () => true, 10_000);
    await expect(unknown.done).rejects.toThrow(/NOT_FOUND/);
  });
});

describe('subscriptions over SSE', () => {
  it('stream snapshot statuses as server-sent events', async () => {
    const opened = harness.subscriptionsOpened();
    const controller = new AbortController();
    const response = await fetch(harness.api.url, {
      method: 'POST',
      signal: controller.signal,
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        query: 'subscription($id: ID) { snapshotStatusChanged(configurationId: $id) { status snapshot { name } } }',
        variables: { id: encodeGlobalID('Configuration', fixture.configurationIds[2]!) },
      }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');

    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    const firstData = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended: ${buffer}`);
        buffer += decoder.decode(value, { stream: true });
        const line = buffer.split('\n').find((l) => l.startsWith('data: '));
        if (line) return JSON.parse(line.slice('data: '.length));
      }
    })();
    await harness.subscribed(opened + 1);
    // Published from a connection of its own, as any other process would.
    const publisher = createPrisma(harness.databaseUrl);
    try {
      await notify(publisher, {
        topic: 'snapshot.status',
        snapshotId: fixture.snapshotIds[2]!,
        configurationId: fixture.configurationIds[2]!,
        status: 'IN_PROGRESS',
        at: new Date().toISOString(),
      });
    } finally {
      await publisher.$disconnect();
    }
    expect(await firstData).toEqual({ data: { snapshotStatusChanged: { status: 'IN_PROGRESS', snapshot: { name: 'snap-02' } } } });
    controller.abort();
  });

  it('need a login too', async () => {
    const result = await gql(harness.api.url, 'subscription { snapshotStatusChanged { status } }');
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
