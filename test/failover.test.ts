// Failover you can trust, on real components (PostgreSQL, Temporal dev server, vcsim) through the
// GraphQL API: readiness and `force`, one active system per configuration (two clones racing,
// exactly one wins), fencing of the primary and its start at failback, delete refused in
// failover, every request an Operation (query, connection, subscription), and a failed failback
// visible as a FAILED operation with its reason and an Event.
import { randomUUID } from 'node:crypto';
import { encodeGlobalID } from '@pothos/plugin-relay';
import type { Client as WsClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from './support/eventually.js';
import { collect, gql, loginAs, wsClient } from './support/graphql.js';
import { cloneGid, createClone as createTestClone, scheduledSnapshot as snapshotOf } from './support/clones.js';
import { startTestStack, type TestStack } from './support/stack.js';

let stack: TestStack;
let admin: string;
let operator: string;
let developer: string;
let configurationId: string;
let ws: WsClient;
const clones: Record<'a' | 'b', { id: string; gid: string }> = {} as never;

const OPERATION = 'id type status phase error forced options requestedBy { username } requestedAt startedAt finishedAt';

async function createClone(name: string): Promise<{ id: string; gid: string }> {
  const id = await createTestClone(stack, admin, name, { configurationId, description: 'failover test clone' });
  return { id, gid: cloneGid(id) };
}

const cloneRow = (id: string) => stack.prisma.clone.findUniqueOrThrow({ where: { id }, include: { machine: true } });
const untilRunning = (id: string) => eventually(async () => (await cloneRow(id)).status === 'RUNNING', { what: 'RUNNING' });
const primary = async () =>
  (await stack.prisma.configuration.findUniqueOrThrow({ where: { id: configurationId }, include: { primaryMachine: true } })).primaryMachine;

async function startFailover(gid: string, args = '', token = operator) {
  return gql(
    stack.api.url,
    `mutation($id: ID!) { startFailover(cloneId: $id${args}) { id failover currentOperation { ${OPERATION} } } }`,
    { id: gid },
    token,
  );
}

async function endFailover(gid: string, args = '') {
  return gql(stack.api.url, `mutation($id: ID!) { endFailover(cloneId: $id${args}) { id currentOperation { ${OPERATION} } } }`, { id: gid }, operator);
}

function readiness(gid: string) {
  return gql(
    stack.api.url,
    `query($id: ID!) { clone(id: $id) { failoverReadiness { ready overridable reasons status standbyLagSeconds rpoTargetSeconds lastRestore { status finishedAt } } } }`,
    { id: gid },
    developer,
  ).then((r) => r.data.clone.failoverReadiness);
}

/** The operation as the API shows it, once it is final. */
function finished(operationGid: string, timeoutMs = 90_000) {
  return eventually(
    async () => {
      const { data } = await gql(stack.api.url, `query($id: ID!) { operation(id: $id) { ${OPERATION} } }`, { id: operationGid }, developer);
      return ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(data.operation?.status) ? data.operation : undefined;
    },
    { timeoutMs, what: 'the operation to finish' },
  );
}

/** A scheduled snapshot of the test's configuration. */
const scheduledSnapshot = () => snapshotOf(stack, configurationId);

const counts = async () => ({
  operations: await stack.prisma.operation.count(),
  claims: await stack.prisma.activeSystem.count(),
  failover: await stack.prisma.clone.count({ where: { failover: true } }),
});

beforeAll(async () => {
  stack = await startTestStack();
  admin = await loginAs(stack.api.url, 'admin', stack.users.admin.password);
  operator = await loginAs(stack.api.url, 'operator', stack.users.operator.password);
  developer = await loginAs(stack.api.url, 'developer', stack.users.developer.password);
  ws = wsClient(stack.api.wsUrl, developer);
  configurationId = stack.seed.configurationIds[0]!;
  clones.a = await createClone('Failover standby A');
  clones.b = await createClone('Failover standby B');
  await Promise.all([untilRunning(clones.a.id), untilRunning(clones.b.id)]);
});

afterAll(async () => {
  await ws?.dispose();
  await stack?.close();
});

describe('readiness', () => {
  it('is not ready before the clone received a snapshot, and startFailover refuses it, changing nothing', async () => {
    const before = await readiness(clones.a.gid);
    expect(before).toMatchObject({ ready: false, overridable: true, status: 'RUNNING', lastRestore: null, standbyLagSeconds: null, rpoTargetSeconds: 7200 });
    expect(before.reasons).toEqual(['the clone has not received a snapshot of the primary yet']);
    const counted = await counts();
    const refused = await startFailover(clones.a.gid);
    expect(refused.errors?.[0]?.extensions?.code).toBe('INVALID_STATE');
    expect(refused.errors?.[0]?.message).toMatch(/not ready for failover: the clone has not received a snapshot.*force: true overrides/);
    expect(await counts()).toEqual(counted);
  });

  it('is ready once the auto-restore of a scheduled snapshot succeeded within the RPO target', async () => {
    const snapshotId = await scheduledSnapshot();
    for (const clone of [clones.a, clones.b]) {
      await eventually(() => stack.prisma.restore.findFirst({ where: { snapshotId, cloneId: clone.id, status: 'DONE' } }), { what: 'the auto-restore' });
      const ready = await readiness(clone.gid);
      expect(ready).toMatchObject({ ready: true, reasons: [], status: 'RUNNING', lastRestore: { status: 'DONE' } });
      expect(ready.standbyLagSeconds).toBeLessThanOrEqual(ready.rpoTargetSeconds);
    }
  });

  it('is not ready when the standby lag exceeds the RPO target, which the configuration sets', async () => {
    const refused = await gql(
      stack.api.url,
      `mutation($id: ID!) { updateConfiguration(configurationId: $id, input: { rpoTargetSeconds: 30 }) { rpoTargetSeconds } }`,
      { id: encodeGlobalID('Configuration', configurationId) },
      admin,
    );
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION', field: 'input.rpoTargetSeconds' });
    const set = await gql(
      stack.api.url,
      `mutation($id: ID!) { updateConfiguration(configurationId: $id, input: { rpoTargetSeconds: 600 }) { rpoTargetSeconds } }`,
      { id: encodeGlobalID('Configuration', configurationId) },
      admin,
    );
    expect(set.data.updateConfiguration.rpoTargetSeconds).toBe(600);
    // The state clone A holds was captured an hour ago (as if the schedule had stalled).
    const { lastRestoredAt } = await cloneRow(clones.a.id);
    await stack.prisma.clone.update({ where: { id: clones.a.id }, data: { lastRestoredAt: new Date(Date.now() - 3_600_000) } });
    const lagging = await readiness(clones.a.gid);
    expect(lagging.ready).toBe(false);
    expect(lagging.reasons[0]).toMatch(/standby lag \(36\d\d s\) exceeds the configuration's RPO target \(600 s\)/);
    expect((await startFailover(clones.a.gid)).errors?.[0]?.message).toMatch(/standby lag/);
    await stack.prisma.clone.update({ where: { id: clones.a.id }, data: { lastRestoredAt } });
    expect((await readiness(clones.a.gid)).ready).toBe(true);
  });

  it('refuses force to a role that may not fail over, changing nothing', async () => {
    const counted = await counts();
    const refused = await startFailover(clones.a.gid, ', force: true', developer);
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await counts()).toEqual(counted);
  });
});

describe('one active system per configuration', () => {
  it('lets exactly one of two clones racing to fail over win; the other is told which clone is active', async () => {
    const primaryBefore = await primary();
    expect((await stack.vsphere.getVm(primaryBefore.vsphereRef!)).powerState).toBe('poweredOn');
    const opened = stack.subscriptionsOpened();
    const changes = collect<any>(
      ws,
      `subscription($id: ID!) { operationChanged(cloneId: $id) { status operation { type status phase } } }`,
      { id: clones.a.gid },
      (items) => items.some((i) => i.operationChanged.operation?.status === 'SUCCEEDED'),
    );
    await changes.ready;
    await stack.subscribed(opened + 1);

    const [ra, rb] = await Promise.all([startFailover(clones.a.gid), startFailover(clones.b.gid)]);
    const results = [ra, rb];
    const winners = results.filter((r) => !r.errors);
    const losers = results.filter((r) => r.errors);
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(1);
    const winner = winners[0]!.data.startFailover;
    const [winnerClone, loserClone] = winner.id === clones.a.gid ? [clones.a, clones.b] : [clones.b, clones.a];
    const winnerName = (await cloneRow(winnerClone.id)).name;
    expect(losers[0]!.errors?.[0]?.extensions?.code).toBe('INVALID_STATE');
    expect(losers[0]!.errors?.[0]?.message).toContain(`clone "${winnerName}" is the active system of this configuration`);
    expect(await stack.prisma.operation.count({ where: { cloneId: loserClone.id, type: 'START_FAILOVER' } })).toBe(0);

    // The answer carries the operation; it runs fencing, then the switch.
    expect(winner.currentOperation).toMatchObject({ type: 'START_FAILOVER', forced: false, options: { force: false, fencePrimary: true } });
    expect(winner.currentOperation.requestedBy.username).toBe('operator');
    const done = await finished(winner.currentOperation.id);
    expect(done).toMatchObject({ status: 'SUCCEEDED', phase: 'making the clone the active system', error: null });
    expect(new Date(done.startedAt).getTime()).toBeGreaterThanOrEqual(new Date(done.requestedAt).getTime());
    expect(new Date(done.finishedAt).getTime()).toBeGreaterThanOrEqual(new Date(done.startedAt).getTime());
    expect((await cloneRow(winnerClone.id)).failover).toBe(true);

    // Fenced: the primary VM is off, and each step is an Event.
    expect((await stack.vsphere.getVm(primaryBefore.vsphereRef!)).powerState).toBe('poweredOff');
    const types = (await stack.prisma.event.findMany({ where: { cloneId: winnerClone.id }, orderBy: { createdAt: 'asc' } })).map((e) => e.type);
    const steps = types.slice(types.indexOf('operation.started'));
    expect(steps).toEqual(
      expect.arrayContaining(['operation.started', 'operation.progress', 'clone.primary_fenced', 'clone.failover_started', 'operation.succeeded']),
    );
    expect(steps.indexOf('clone.primary_fenced')).toBeLessThan(steps.indexOf('clone.failover_started'));
    if (winnerClone === clones.a) {
      const seen = (await changes.done).map((i) => i.operationChanged.status);
      expect(seen[0]).toBe('QUEUED');
      expect(seen).toContain('RUNNING');
      expect(seen.at(-1)).toBe('SUCCEEDED');
    }

    // Later requests are refused too, whatever the readiness.
    const again = await startFailover(loserClone.gid, ', force: true');
    expect(again.errors?.[0]?.message).toContain(`clone "${winnerName}" is the active system`);
    const { data } = await gql(
      stack.api.url,
      `query($id: ID!) { node(id: $id) { ... on Configuration { activeClone { name } } } }`,
      { id: encodeGlobalID('Configuration', configurationId) },
      developer,
    );
    expect(data.node.activeClone.name).toBe(winnerName);
    clones.a = winnerClone;
    clones.b = loserClone;
  });

  it('refuses to delete the active clone: end failover first', async () => {
    const counted = await counts();
    const refused = await gql(stack.api.url, `mutation($id: ID!) { deleteClone(cloneId: $id) { id } }`, { id: clones.a.gid }, admin);
    expect(refused.errors?.[0]?.extensions?.code).toBe('INVALID_STATE');
    expect(refused.errors?.[0]?.message).toMatch(/end failover first/);
    expect(await counts()).toEqual(counted);
    expect((await cloneRow(clones.a.id)).status).toBe('RUNNING');
  });

  it('ends failover powering the restored primary on, and frees the configuration for another clone', async () => {
    const ended = await endFailover(clones.a.gid);
    expect(ended.errors).toBeUndefined();
    expect(ended.data.endFailover.currentOperation).toMatchObject({ type: 'END_FAILOVER', options: { discardFailoverState: false } });
    const done = await finished(ended.data.endFailover.currentOperation.id);
    expect(done).toMatchObject({ status: 'SUCCEEDED', phase: 'returning operations to the primary' });
    expect((await cloneRow(clones.a.id)).failover).toBe(false);
    const restored = await primary();
    expect((await stack.vsphere.getVm(restored.vsphereRef!)).powerState).toBe('poweredOn');
    expect(await stack.prisma.event.count({ where: { cloneId: clones.a.id, type: 'clone.primary_started' } })).toBe(1);
    expect(await stack.prisma.activeSystem.count({ where: { configurationId } })).toBe(0);

    // Without fencing the primary keeps running; a forced failover is recorded as such.
    await stack.prisma.clone.update({ where: { id: clones.b.id }, data: { lastRestoredAt: new Date(Date.now() - 3_600_000) } });
    const forced = await startFailover(clones.b.gid, ', force: true, fencePrimary: false');
    expect(forced.errors).toBeUndefined();
    expect(forced.data.startFailover.currentOperation).toMatchObject({ forced: true, options: { force: true, fencePrimary: false } });
    expect(forced.data.startFailover.currentOperation.options.notReadyReasons[0]).toMatch(/standby lag/);
    expect((await finished(forced.data.startFailover.currentOperation.id)).status).toBe('SUCCEEDED');
    expect((await stack.vsphere.getVm((await primary()).vsphereRef!)).powerState).toBe('poweredOn');
    const forcedEvent = await stack.prisma.event.findFirstOrThrow({ where: { cloneId: clones.b.id, type: 'clone.failover_forced' } });
    expect((forcedEvent.data as { notReadyReasons: string[] }).notReadyReasons[0]).toMatch(/standby lag/);
  });
});

describe('operations', () => {
  it('lists the clone operations newest first, and answers every request with its operation', async () => {
    const { data } = await gql(
      stack.api.url,
      `query($id: ID!) { clone(id: $id) { operations(first: 10) { totalCount edges { node { type status } } } } }`,
      { id: clones.a.gid },
      developer,
    );
    expect(data.clone.operations.edges.map((e: any) => e.node)).toEqual([
      { type: 'END_FAILOVER', status: 'SUCCEEDED' },
      { type: 'START_FAILOVER', status: 'SUCCEEDED' },
    ]);
    const snapshot = await gql(stack.api.url, `mutation($id: ID!) { createSnapshot(cloneId: $id) { id operation { type status } } }`, { id: clones.a.gid }, operator);
    expect(snapshot.errors).toBeUndefined();
    expect(snapshot.data.createSnapshot.operation.type).toBe('CREATE_SNAPSHOT');
    const op = await stack.prisma.operation.findFirstOrThrow({ where: { cloneId: clones.a.id, type: 'CREATE_SNAPSHOT' } });
    expect((await finished(encodeGlobalID('Operation', op.id))).status).toBe('SUCCEEDED');
    expect((await stack.prisma.operation.findUniqueOrThrow({ where: { id: op.id } })).snapshotId).toBe(await stack.prisma.snapshot.findFirstOrThrow({ where: { cloneId: clones.a.id, trigger: 'MANUAL' } }).then((s) => s.id));
  });

  it('shows a failed failback as a FAILED operation with its reason and an Event; the clone stays the active system', async () => {
    // The failover system's VM disappears behind Enclave's back: nothing can be carried back.
    const { machine } = await cloneRow(clones.b.id);
    await stack.vsphere.destroyVm(machine!.vsphereRef!);
    const ended = await endFailover(clones.b.gid);
    expect(ended.errors).toBeUndefined();
    const failed = await finished(ended.data.endFailover.currentOperation.id);
    expect(failed.status).toBe('FAILED');
    expect(failed.error).toBeTruthy();
    expect(failed.phase).toBe('capturing the failover system');
    const event = await stack.prisma.event.findFirstOrThrow({ where: { cloneId: clones.b.id, type: 'operation.failed' } });
    expect(event.data).toMatchObject({ operationType: 'END_FAILOVER', status: 'FAILED', reason: failed.error });
    expect((await cloneRow(clones.b.id)).failover).toBe(true);
    expect(await stack.prisma.activeSystem.findUnique({ where: { configurationId } })).toMatchObject({ cloneId: clones.b.id });
  });

  it('re-authorizes operationChanged like every subscription: a logout ends it with UNAUTHENTICATED', async () => {
    const token = await loginAs(stack.api.url, 'developer', stack.users.developer.password);
    const client = wsClient(stack.api.wsUrl, token);
    try {
      const opened = stack.subscriptionsOpened();
      const feed = collect<any>(client, `subscription($id: ID!) { operationChanged(cloneId: $id) { at } }`, { id: clones.a.gid }, () => false, 60_000);
      await feed.ready;
      await stack.subscribed(opened + 1);
      // The expectation is attached before the logout: the bus can end the feed before the
      // logout's HTTP answer arrives, and a rejection with no handler yet is an unhandled one.
      const refused = expect(feed.done).rejects.toThrow(/UNAUTHENTICATED/);
      expect((await gql(stack.api.url, 'mutation { logout }', {}, token)).errors).toBeUndefined();
      await refused;
    } finally {
      await client.dispose();
    }
  });

  it('answers bad operation IDs with typed errors', async () => {
    const wrongType = await gql(stack.api.url, `query($id: ID!) { operation(id: $id) { id } }`, { id: clones.a.gid }, developer);
    expect(wrongType.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION', field: 'id' });
    const unknown = await gql(stack.api.url, `query($id: ID!) { operation(id: $id) { id } }`, { id: encodeGlobalID('Operation', randomUUID()) }, developer);
    expect(unknown.errors).toBeUndefined();
    expect(unknown.data.operation).toBeNull();
    const sub = collect<any>(ws, `subscription($id: ID!) { operationChanged(operationId: $id) { at } }`, { id: encodeGlobalID('Operation', randomUUID()) }, () => true, 30_000);
    await expect(sub.done).rejects.toThrow(/NOT_FOUND/);
  });
});
