// Point-in-time restore and snapshot records that know when their vSphere snapshot is gone, on
// real components (PostgreSQL, Temporal dev server, vcsim), driven through the GraphQL API:
// restoreClone of an older snapshot, its refusals (nothing changed), records pruned when the VM
// holding them is destroyed, the discarded failover state kept until retention removes it, and
// provisioning after vcsim restarts under the running stack (issue 13: it used to end FAILED).
import { randomUUID } from 'node:crypto';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEPT_VM_MARK } from '../workflows/restores/activities.js';
import { eventually } from './support/eventually.js';
import { gql, loginAs } from './support/graphql.js';
import { createClone as createTestClone, scheduledSnapshot as snapshotOf } from './support/clones.js';
import { startTestStack, type TestStack } from './support/stack.js';

let stack: TestStack;
let admin: string;
let operator: string;
let developer: string;
let configurationId: string;
let cloneId: string;

const gid = (type: string, id: string) => encodeGlobalID(type, id);
const snapshotRow = (id: string) => stack.prisma.snapshot.findUniqueOrThrow({ where: { id } });
const cloneRow = (id = cloneId) => stack.prisma.clone.findUniqueOrThrow({ where: { id }, include: { machine: true } });

/** A scheduled snapshot of the configuration (the test's own by default). */
const scheduledSnapshot = (ofConfiguration = configurationId) => snapshotOf(stack, ofConfiguration);

const createClone = (name: string) => createTestClone(stack, admin, name, { configurationId, description: 'restore test clone' });

async function untilSettled(id: string, expected: string, timeoutMs = 90_000) {
  return eventually(
    async () => {
      const clone = await cloneRow(id);
      if (clone.status === 'FAILED' && expected !== 'FAILED') throw new Error(`clone FAILED: ${clone.statusReason}`);
      return clone.status === expected;
    },
    { timeoutMs, what: `clone ${expected}` },
  );
}

/** The clone workflow is idle: nothing queued or being served (auto-restores included). */
async function untilIdle(id = cloneId) {
  await eventually(
    async () => {
      const state = await stack.temporal.workflow.getHandle(`clone-${id}`).query<{ busy: string | null; queued: string[]; pendingRestore: string | null }>('state');
      return state.busy === null && state.queued.length === 0 && state.pendingRestore === null;
    },
    { timeoutMs: 90_000, what: 'clone workflow idle' },
  );
}

function restore(snapshotId: string, token = operator, id = cloneId) {
  return gql(
    stack.api.url,
    `mutation($c: ID!, $s: ID!) { restoreClone(cloneId: $c, snapshotId: $s) { id status } }`,
    { c: gid('Clone', id), s: snapshotId },
    token,
  );
}

async function untilRestored(snapshotId: string, trigger: 'AUTO' | 'MANUAL' | 'FAILBACK', id = cloneId) {
  return eventually(
    async () => {
      const row = await stack.prisma.restore.findFirst({ where: { cloneId: id, snapshotId, trigger }, orderBy: { startedAt: 'desc' } });
      if (row?.status === 'FAILED') throw new Error(`restore failed: ${row.error}`);
      return row?.status === 'DONE' ? row : undefined;
    },
    { timeoutMs: 90_000, what: `${trigger} restore of ${snapshotId}` },
  );
}

beforeAll(async () => {
  stack = await startTestStack();
  admin = await loginAs(stack.api.url, 'admin', stack.users.admin.password);
  operator = await loginAs(stack.api.url, 'operator', stack.users.operator.password);
  developer = await loginAs(stack.api.url, 'developer', stack.users.developer.password);
  configurationId = stack.seed.configurationIds[0]!;
  cloneId = await createClone('Restore standby');
  await untilSettled(cloneId, 'RUNNING');
});

afterAll(async () => {
  await stack?.close();
});

describe('restoreClone (point in time)', () => {
  let older: string;
  let newer: string;

  it('restores an older DONE snapshot of the configuration as a MANUAL restore', async () => {
    older = await scheduledSnapshot();
    newer = await scheduledSnapshot();
    // The auto-restore loop puts the newest snapshot on the clone first.
    await untilRestored(newer, 'AUTO');
    await untilIdle();
    const before = await cloneRow();

    const answer = await restore(gid('Snapshot', older));
    expect(answer.errors).toBeUndefined();
    expect(answer.data.restoreClone.id).toBe(gid('Clone', cloneId));
    const done = await untilRestored(older, 'MANUAL');
    await untilIdle();

    const after = await cloneRow();
    expect(done.targetMachineId).toBe(before.machineId);
    expect(after.status).toBe('RUNNING');
    expect(after.machine!.vsphereRef).not.toBe(before.machine!.vsphereRef); // rebuilt from the snapshot
    expect(after.lastRestoredAt?.toISOString()).toBe((await snapshotRow(older)).startedAt.toISOString());
    const vm = await stack.vsphere.getVm(after.machine!.vsphereRef!);
    expect(vm.name).toBe(before.machine!.name);
  });

  it('says which snapshots can be restored', async () => {
    const answer = await gql(
      stack.api.url,
      `query($id: ID!) { node(id: $id) { ... on Snapshot { status restorable prunedAt prunedReason } } }`,
      { id: gid('Snapshot', older) },
      developer,
    );
    expect(answer.errors).toBeUndefined();
    expect(answer.data.node).toEqual({ status: 'DONE', restorable: true, prunedAt: null, prunedReason: null });
  });

  it('marks the snapshots of a VM destroyed by a restore swap pruned, and refuses to restore them', async () => {
    const manual = await gql(stack.api.url, `mutation($c: ID!) { createSnapshot(cloneId: $c) { id } }`, { c: gid('Clone', cloneId) }, operator);
    expect(manual.errors).toBeUndefined();
    const manualId = (await eventually(async () => {
      const row = await stack.prisma.snapshot.findFirst({ where: { cloneId, trigger: 'MANUAL', status: 'DONE' } });
      return row ?? undefined;
    })).id;
    await untilIdle();
    const heldBy = (await cloneRow()).machine!.vsphereRef!;

    expect((await restore(gid('Snapshot', newer))).errors).toBeUndefined();
    await eventually(async () => (await stack.prisma.restore.count({ where: { cloneId, snapshotId: newer, trigger: 'MANUAL', status: 'DONE' } })) === 1, {
      timeoutMs: 90_000,
    });
    await untilIdle();
    await expect(stack.vsphere.getVm(heldBy)).rejects.toThrow(); // the swap destroyed the VM that held it
    const pruned = await snapshotRow(manualId);
    expect(pruned.prunedAt).not.toBeNull();
    expect(pruned.prunedReason).toBe('VM_DESTROYED');

    const restoresBefore = await stack.prisma.restore.count();
    const refused = await restore(gid('Snapshot', manualId));
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_STATE', field: 'snapshotId' });
    expect(refused.errors?.[0]?.message).toMatch(/no longer exists in vSphere.*VM_DESTROYED/);
    expect(await stack.prisma.restore.count()).toBe(restoresBefore);
  });

  it('refuses bad input with typed errors and changes nothing', async () => {
    const otherConfiguration = stack.seed.configurationIds[1]!;
    const foreign = await scheduledSnapshot(otherConfiguration);
    const failed = await stack.prisma.snapshot.create({
      data: { configurationId, sourceMachineId: (await cloneRow()).machineId!, trigger: 'MANUAL', status: 'FAILED', name: 'enclave-failed', error: 'test' },
    });
    const before = { restores: await stack.prisma.restore.count(), clone: await cloneRow() };
    const cases: Array<[string, string, string | undefined, string, string]> = [
      ['unknown snapshot', gid('Snapshot', randomUUID()), undefined, 'NOT_FOUND', 'snapshotId'],
      ['foreign ID (a clone as snapshot)', gid('Clone', cloneId), undefined, 'VALIDATION', 'snapshotId'],
      ['not an ID', 'snapshot-263', undefined, 'VALIDATION', 'snapshotId'],
      ['snapshot of another configuration', gid('Snapshot', foreign), undefined, 'VALIDATION', 'snapshotId'],
      ['FAILED snapshot', gid('Snapshot', failed.id), undefined, 'INVALID_STATE', 'snapshotId'],
      ['a role that may not restore', gid('Snapshot', older), developer, 'FORBIDDEN', ''],
    ];
    for (const [what, snapshotId, token, code, field] of cases) {
      const answer = await restore(snapshotId, token ?? operator);
      expect(answer.data?.restoreClone ?? null, what).toBeNull();
      expect(answer.errors?.[0]?.extensions?.code, what).toBe(code);
      if (field) expect(answer.errors?.[0]?.extensions?.field, what).toBe(field);
    }
    const unknownClone = await restore(gid('Snapshot', older), operator, randomUUID());
    expect(unknownClone.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'cloneId' });
    expect(await stack.prisma.restore.count()).toBe(before.restores);
    const after = await cloneRow();
    expect(after.machine!.vsphereRef).toBe(before.clone.machine!.vsphereRef);
    expect(after.lastRestoredAt).toEqual(before.clone.lastRestoredAt);
  });
});

describe('the failover state kept by a discarding end of failover', () => {
  it('survives the next auto-restore (on a kept VM) and can be restored, until retention removes it', async () => {
    await untilIdle();
    const ask = (field: string, args = '') =>
      gql(stack.api.url, `mutation($c: ID!) { ${field}(cloneId: $c${args}) { id failover } }`, { c: gid('Clone', cloneId) }, operator);
    expect((await ask('startFailover')).errors).toBeUndefined();
    await eventually(async () => (await cloneRow()).failover);
    const refused = await restore(gid('Snapshot', (await stack.prisma.snapshot.findFirstOrThrow({ where: { configurationId, trigger: 'SCHEDULED', prunedAt: null } })).id));
    expect(refused.errors?.[0]?.extensions?.code).toBe('INVALID_STATE'); // the active system is not overwritten
    expect(refused.errors?.[0]?.message).toMatch(/failover/);

    expect((await ask('endFailover', ', discardFailoverState: true')).errors).toBeUndefined();
    await eventually(async () => !(await cloneRow()).failover, { timeoutMs: 60_000 });
    await untilIdle();
    const state = await stack.prisma.snapshot.findFirstOrThrow({ where: { cloneId, trigger: 'FAILBACK', status: 'DONE' } });

    // The next scheduled snapshot is auto-restored onto the clone: its VM (holding the state) is replaced.
    const next = await scheduledSnapshot();
    await untilRestored(next, 'AUTO');
    await untilIdle();
    const kept = await snapshotRow(state.id);
    expect(kept.prunedAt).toBeNull();
    const holder = await stack.vsphere.findSnapshotHolder(state.vsphereRef!, state.name);
    expect(holder).toBeDefined();
    const keptVm = await stack.vsphere.getVm(holder!);
    expect(keptVm.name).toContain(KEPT_VM_MARK);
    expect(keptVm.powerState).toBe('poweredOff');

    // It is a snapshot like any other: it can be put back on the clone.
    expect((await restore(gid('Snapshot', state.id))).errors).toBeUndefined();
    await untilRestored(state.id, 'MANUAL');
    await untilIdle();

    // Retention (keep 1 per source machine) removes it once a newer snapshot of the clone exists,
    // and with its last snapshot the kept VM goes too. (The one restored last is protected, so the
    // clone is first put back on a scheduled snapshot.)
    await stack.prisma.configuration.update({ where: { id: configurationId }, data: { retention: 1 } });
    const latest = await scheduledSnapshot();
    await untilRestored(latest, 'AUTO');
    await untilIdle();
    const manual = await gql(stack.api.url, `mutation($c: ID!) { createSnapshot(cloneId: $c) { id } }`, { c: gid('Clone', cloneId) }, operator);
    expect(manual.errors).toBeUndefined();
    await untilIdle();
    await scheduledSnapshot();
    const pruned = await snapshotRow(state.id);
    expect(pruned.prunedReason).toBe('RETENTION');
    await expect(stack.vsphere.getVm(holder!)).rejects.toThrow();
    await untilIdle();
  });
});

describe('snapshot records after vSphere lost them', () => {
  beforeAll(async () => {
    // No auto-restores racing the removals below: provisioning restores on its own.
    await stack.prisma.configuration.update({ where: { id: configurationId }, data: { autoRestore: false, retention: 7 } });
  });

  it('provisions a clone to RUNNING after vcsim restarts under the running stack', async () => {
    await scheduledSnapshot(); // at least one record, also when this test runs alone
    const stale = await stack.prisma.snapshot.findMany({ where: { configurationId, status: 'DONE', prunedAt: null, trigger: 'SCHEDULED' } });
    expect(stale.length).toBeGreaterThan(0);
    await stack.restartVSphere(); // a fresh inventory: every snapshot record above is stale

    const fresh = await createClone('After restart');
    await untilSettled(fresh, 'RUNNING');
    // Provisioning looked in vSphere, passed over the stale records and marked them.
    for (const { id } of stale) expect((await snapshotRow(id)).prunedReason, id).toBe('MISSING');
    expect(await stack.prisma.restore.count({ where: { cloneId: fresh } })).toBe(0);
  });

  it('restores the newest snapshot that still exists, passing over one removed behind its back', async () => {
    const existing = await scheduledSnapshot();
    const removed = await scheduledSnapshot();
    await stack.vsphere.removeSnapshot((await snapshotRow(removed)).vsphereRef!);

    const fresh = await createClone('After removal');
    await untilSettled(fresh, 'RUNNING');
    await untilRestored(existing, 'AUTO', fresh);
    expect((await snapshotRow(removed)).prunedReason).toBe('MISSING');
  });

  it('the inventory sync marks snapshots that vSphere no longer has', async () => {
    const gone = await scheduledSnapshot();
    const row = await snapshotRow(gone);
    await stack.vsphere.removeSnapshot(row.vsphereRef!);
    expect((await snapshotRow(gone)).prunedAt).toBeNull(); // nothing has looked yet
    await stack.temporal.workflow.execute('inventorySyncWorkflow', { taskQueue: stack.taskQueue, workflowId: `inventory-test-${randomUUID()}` });
    const after = await snapshotRow(gone);
    expect(after.prunedReason).toBe('MISSING');
    const answer = await gql(stack.api.url, `query($id: ID!) { node(id: $id) { ... on Snapshot { restorable } } }`, { id: gid('Snapshot', gone) }, operator);
    expect(answer.data.node.restorable).toBe(false);
  });
});
