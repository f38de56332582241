// The clone lifecycle on real components (PostgreSQL, Temporal dev server, vcsim), driven
// through the GraphQL API: power actions, manual snapshots, auto-restore from the configuration's
// snapshots, failover and failback (carrying state and discarding it), rejected requests,
// provisioning failure, delete during provisioning.
import { randomUUID } from 'node:crypto';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from './support/eventually.js';
import { gql, loginAs } from './support/graphql.js';
import { scheduledSnapshot as snapshotOf } from './support/clones.js';
import { startTestStack, type TestStack } from './support/stack.js';

let stack: TestStack;
let admin: string;
let operator: string;
let cloneId: string;
let cloneGid: string;
let configurationId: string;

const status = async () => (await stack.prisma.clone.findUniqueOrThrow({ where: { id: cloneId } })).status;
const cloneRow = () =>
  stack.prisma.clone.findUniqueOrThrow({ where: { id: cloneId }, include: { machine: true } });

async function mutate(field: string, token = operator, extraArgs = '', selection = 'id status failover') {
  return gql(stack.api.url, `mutation($id: ID!) { ${field}(cloneId: $id${extraArgs}) { ${selection} } }`, { id: cloneGid }, token);
}

function untilStatus(expected: string, timeoutMs = 60_000) {
  return eventually(async () => (await status()) === expected, { timeoutMs, what: `status ${expected}` });
}

/** A scheduled snapshot of the test's configuration. */
const scheduledSnapshot = () => snapshotOf(stack, configurationId);

async function createClone(name: string, overrides: Record<string, unknown> = {}) {
  const network = await stack.prisma.network.findFirstOrThrow({ where: { name: 'VM Network' } });
  const image = await stack.prisma.vmImage.findFirstOrThrow({ orderBy: { name: 'asc' } });
  return gql(
    stack.api.url,
    `mutation($input: CreateCloneInput!) { createClone(input: $input) { id } }`,
    {
      input: {
        name,
        description: 'lifecycle test clone',
        imageId: encodeGlobalID('VmImage', image.id),
        configurationId: encodeGlobalID('Configuration', configurationId),
        networkId: encodeGlobalID('Network', network.id),
        cpu: 1,
        ramGb: 1,
        ...overrides,
      },
    },
    admin,
  );
}

beforeAll(async () => {
  stack = await startTestStack();
  admin = await loginAs(stack.api.url, 'admin', stack.users.admin.password);
  operator = await loginAs(stack.api.url, 'operator', stack.users.operator.password);
  configurationId = stack.seed.configurationIds[0]!;
  const created = await createClone('Lifecycle standby');
  expect(created.errors).toBeUndefined();
  cloneGid = created.data.createClone.id;
  cloneId = (await stack.prisma.clone.findFirstOrThrow({ where: { name: 'Lifecycle standby' } })).id;
  await untilStatus('RUNNING');
});

afterAll(async () => {
  await stack?.close();
});

describe('power actions', () => {
  it('stops, starts, suspends, resumes and reboots the clone VM', async () => {
    const vmRef = () => cloneRow().then((c) => c.machine!.vsphereRef!);
    expect((await mutate('stopClone')).errors).toBeUndefined();
    await untilStatus('STOPPED');
    expect((await stack.vsphere.getVm(await vmRef())).powerState).toBe('poweredOff');

    const again = await mutate('stopClone');
    expect(again.errors?.[0]?.extensions?.code).toBe('INVALID_STATE');
    expect(again.errors?.[0]?.message).toMatch(/cannot stop a clone that is STOPPED/);

    expect((await mutate('startClone')).errors).toBeUndefined();
    await untilStatus('RUNNING');
    expect((await stack.vsphere.getVm(await vmRef())).powerState).toBe('poweredOn');

    expect((await mutate('suspendClone')).errors).toBeUndefined();
    await untilStatus('PAUSED');
    expect((await stack.vsphere.getVm(await vmRef())).powerState).toBe('suspended');
    expect((await mutate('resumeClone')).errors).toBeUndefined();
    await untilStatus('RUNNING');

    expect((await mutate('rebootClone')).errors).toBeUndefined();
    await eventually(async () => {
      const events = await stack.prisma.event.findMany({ where: { cloneId, type: 'clone.status_changed' } });
      return events.filter((e) => (e.data as { to?: string }).to === 'RUNNING').length >= 4;
    }, { what: 'RUNNING again after the reboot' });
    expect(await status()).toBe('RUNNING');
  });

  it('refuses power actions to a read-only role', async () => {
    const developer = await loginAs(stack.api.url, 'developer', stack.users.developer.password);
    const result = await mutate('stopClone', developer);
    expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('snapshots and auto-restore', () => {
  it('takes a manual snapshot of the clone VM', async () => {
    const result = await mutate('createSnapshot', operator, '', 'id status trigger');
    expect(result.errors).toBeUndefined();
    expect(result.data.createSnapshot.trigger).toBe('MANUAL');
    const snapshot = await eventually(async () => {
      const row = await stack.prisma.snapshot.findFirst({ where: { cloneId, trigger: 'MANUAL' } });
      return row?.status === 'DONE' ? row : undefined;
    }, { what: 'the manual snapshot DONE' });
    const clone = await cloneRow();
    expect(snapshot.sourceMachineId).toBe(clone.machineId);
    const inVsphere = await stack.vsphere.listSnapshots(clone.machine!.vsphereRef!);
    expect(inVsphere.map((s) => s.ref)).toContain(snapshot.vsphereRef);
  });

  it('restores each scheduled snapshot of the primary onto the clone, swapping in a new VM', async () => {
    const before = await cloneRow();
    const snapshotId = await scheduledSnapshot();
    const snapshot = await stack.prisma.snapshot.findUniqueOrThrow({ where: { id: snapshotId } });
    expect(snapshot).toMatchObject({ status: 'DONE', sourceMachineId: (await stack.prisma.configuration.findUniqueOrThrow({ where: { id: configurationId } })).primaryMachineId });

    const restore = await eventually(
      () => stack.prisma.restore.findFirst({ where: { snapshotId, cloneId, status: { in: ['DONE', 'FAILED'] } } }),
      { what: 'the auto-restore' },
    );
    expect(restore).toMatchObject({ status: 'DONE', trigger: 'AUTO', targetMachineId: before.machineId, error: null });
    const after = await cloneRow();
    expect(after.status).toBe('RUNNING');
    expect(after.lastRestoredAt?.getTime()).toBe(snapshot.startedAt.getTime());
    const lag = await gql(stack.api.url, `query($id: ID!) { clone(id: $id) { standbyLagSeconds } }`, { id: cloneGid }, operator);
    const expectedLag = (Date.now() - snapshot.startedAt.getTime()) / 1000;
    expect(lag.data.clone.standbyLagSeconds).toBeGreaterThanOrEqual(Math.floor(expectedLag) - 1);
    expect(lag.data.clone.standbyLagSeconds).toBeLessThanOrEqual(Math.ceil(expectedLag) + 1);
    // Same Machine row, new VM under the same name; the replaced VM is gone.
    expect(after.machine!.vsphereRef).not.toBe(before.machine!.vsphereRef);
    const vm = await stack.vsphere.getVm(after.machine!.vsphereRef!);
    expect(vm).toMatchObject({ name: before.machine!.name, cpu: 1, memoryMb: 1024, powerState: 'poweredOn' });
    await expect(stack.vsphere.getVm(before.machine!.vsphereRef!)).rejects.toThrow();
    expect((await stack.vsphere.listVms()).filter((v) => v.name.startsWith(before.machine!.name))).toHaveLength(1);
  });
});

describe('failover', () => {
  it('refuses to end a failover that was never started', async () => {
    const result = await mutate('endFailover');
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_STATE' });
    expect(result.errors?.[0]?.message).toMatch(/not in failover/);
  });

  it('snapshots the failover system, skips auto-restore into it, and fails back on a manual snapshot', async () => {
    const started = await mutate('startFailover');
    expect(started.errors).toBeUndefined();
    await eventually(async () => (await cloneRow()).failover, { what: 'failover on' });
    const second = await mutate('startFailover');
    expect(second.errors?.[0]?.message).toMatch(/already in failover/);
    expect((await mutate('stopClone')).errors?.[0]?.extensions?.code).toBe('INVALID_STATE');

    const clone = await cloneRow();
    const restoresBefore = await stack.prisma.restore.count({ where: { cloneId } });
    const snapshotId = await scheduledSnapshot();
    const snapshot = await stack.prisma.snapshot.findUniqueOrThrow({ where: { id: snapshotId } });
    expect(snapshot.sourceMachineId).toBe(clone.machineId);
    // Give a (wrong) auto-restore every chance to show up before asserting there is none.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await stack.prisma.restore.count({ where: { cloneId } })).toBe(restoresBefore);

    const primaryBefore = await stack.prisma.machine.findFirstOrThrow({ where: { configurations: { some: { id: configurationId } } } });
    const failback = await mutate('createSnapshot', operator, '', 'id trigger');
    expect(failback.errors).toBeUndefined();
    expect(failback.data.createSnapshot.trigger).toBe('FAILBACK');
    await eventually(async () => !(await cloneRow()).failover, { what: 'failover off' });
    const restore = await stack.prisma.restore.findFirstOrThrow({ where: { trigger: 'FAILBACK', targetMachineId: primaryBefore.id } });
    expect(restore.status).toBe('DONE');
    const primaryAfter = await stack.prisma.machine.findUniqueOrThrow({ where: { id: primaryBefore.id } });
    expect(primaryAfter.vsphereRef).not.toBe(primaryBefore.vsphereRef);
    expect((await stack.vsphere.getVm(primaryAfter.vsphereRef!)).name).toBe(primaryBefore.name);
  });

  it('ends failover carrying the state back by default, or discarding it on request', async () => {
    const primaryId = (await stack.prisma.configuration.findUniqueOrThrow({ where: { id: configurationId } })).primaryMachineId;
    const failbacks = () => stack.prisma.restore.count({ where: { trigger: 'FAILBACK', targetMachineId: primaryId, status: 'DONE' } });
    const snapshots = () => stack.prisma.snapshot.count({ where: { cloneId, trigger: 'FAILBACK', status: 'DONE' } });

    expect((await mutate('startFailover')).errors).toBeUndefined();
    await eventually(async () => (await cloneRow()).failover, { what: 'failover on' });
    const [restoresBefore, snapshotsBefore] = [await failbacks(), await snapshots()];
    expect((await mutate('endFailover')).errors).toBeUndefined();
    await eventually(async () => !(await cloneRow()).failover, { what: 'failover off' });
    expect(await failbacks()).toBe(restoresBefore + 1);
    expect(await snapshots()).toBe(snapshotsBefore + 1);

    expect((await mutate('startFailover')).errors).toBeUndefined();
    await eventually(async () => (await cloneRow()).failover, { what: 'failover on' });
    expect((await mutate('endFailover', operator, ', discardFailoverState: true')).errors).toBeUndefined();
    await eventually(async () => !(await cloneRow()).failover, { what: 'failover off' });
    // Discarded, not lost: the failover state is kept as a snapshot, and the primary is untouched.
    expect(await failbacks()).toBe(restoresBefore + 1);
    expect(await snapshots()).toBe(snapshotsBefore + 2);
  });
});

describe('crash detection', () => {
  it('marks a RUNNING clone CRASHED when the inventory finds its VM powered off, and starts it again', async () => {
    expect(await status()).toBe('RUNNING');
    const { machine } = await cloneRow();
    await stack.vsphere.powerOff(machine!.vsphereRef!); // behind Enclave's back
    await stack.temporal.workflow.execute('inventorySyncWorkflow', {
      taskQueue: stack.taskQueue,
      workflowId: `inventory-sync-test-${randomUUID()}`,
    });
    await untilStatus('CRASHED');
    expect((await cloneRow()).statusReason).toMatch(/powered off or missing/);

    expect((await mutate('startClone')).errors).toBeUndefined();
    await untilStatus('RUNNING');
    expect((await stack.vsphere.getVm(machine!.vsphereRef!)).powerState).toBe('poweredOn');
  });

  it('does not call an operator stop a crash', async () => {
    expect((await mutate('stopClone')).errors).toBeUndefined();
    await untilStatus('STOPPED');
    await stack.temporal.workflow.execute('inventorySyncWorkflow', {
      taskQueue: stack.taskQueue,
      workflowId: `inventory-sync-test-${randomUUID()}`,
    });
    expect(await status()).toBe('STOPPED');
    expect((await mutate('startClone')).errors).toBeUndefined();
    await untilStatus('RUNNING');
  });
});

describe('provisioning failures and deletes', () => {
  it('ends FAILED with the reason and no VM when the network vanished', async () => {
    const vanished = await stack.prisma.network.create({
      data: { name: 'vanished-net', vsphereRef: 'Network:network-999999', kind: 'STANDARD' },
    });
    const vmsBefore = (await stack.vsphere.listVms()).length;
    const created = await createClone('Doomed standby', { networkId: encodeGlobalID('Network', vanished.id) });
    expect(created.errors).toBeUndefined();
    const doomed = await eventually(async () => {
      const row = await stack.prisma.clone.findFirst({ where: { name: 'Doomed standby' } });
      return row?.status === 'FAILED' ? row : undefined;
    }, { what: 'FAILED' });
    expect(doomed.statusReason).toMatch(/network/i);
    expect((await stack.vsphere.listVms()).length).toBe(vmsBefore);
    expect((await stack.vsphere.listVms()).some((vm) => vm.name.startsWith('Doomed standby'))).toBe(false);
  });

  it('deletes a clone while it is still provisioning, leaving no VM', async () => {
    const created = await createClone('Short-lived standby');
    expect(created.errors).toBeUndefined();
    const gid = created.data.createClone.id;
    const early = await gql(stack.api.url, `mutation($id: ID!) { startFailover(cloneId: $id) { id } }`, { id: gid }, operator);
    expect(early.errors?.[0]?.extensions?.code).toBe('INVALID_STATE');
    expect(early.errors?.[0]?.message).toMatch(/the clone is (PROVISIONING|STARTING)/);
    const deleted = await gql(stack.api.url, `mutation($id: ID!) { deleteClone(cloneId: $id) { id } }`, { id: gid }, admin);
    expect(deleted.errors).toBeUndefined();
    const row = await eventually(async () => {
      const r = await stack.prisma.clone.findFirst({ where: { name: 'Short-lived standby' } });
      return r?.status === 'DELETED' ? r : undefined;
    }, { what: 'DELETED' });
    expect(row.deletedAt).not.toBeNull();
    expect((await stack.vsphere.listVms()).some((vm) => vm.name.startsWith('Short-lived standby'))).toBe(false);
  });
});

describe('long-lived clones', () => {
  it('continue as new when the history grows, keeping their state and serving requests', async () => {
    // A clone whose workflow is started directly with a small history limit.
    const source = await stack.prisma.clone.findUniqueOrThrow({ where: { id: cloneId } });
    const row = await stack.prisma.clone.create({
      data: {
        name: 'Long-lived standby',
        description: 'continue-as-new',
        imageId: source.imageId,
        configurationId: source.configurationId,
        networkId: source.networkId,
        cpu: 1,
        ramGb: 1,
        rdpUsername: source.rdpUsername,
        rdpPasswordEnc: source.rdpPasswordEnc,
        createdById: source.createdById,
      },
    });
    const handle = await stack.temporal.workflow.start('cloneWorkflow', {
      taskQueue: stack.taskQueue,
      workflowId: `clone-${row.id}`,
      args: [{ cloneId: row.id, historyEventLimit: 40 }],
    });
    const rowStatus = async () => (await stack.prisma.clone.findUniqueOrThrow({ where: { id: row.id } })).status;
    await eventually(async () => (await rowStatus()) === 'RUNNING', { what: 'RUNNING' });
    const gid = encodeGlobalID('Clone', row.id);
    const act = (field: string) => gql(stack.api.url, `mutation($id: ID!) { ${field}(cloneId: $id) { id } }`, { id: gid }, operator);

    expect((await act('stopClone')).errors).toBeUndefined();
    await eventually(async () => (await rowStatus()) === 'STOPPED', { what: 'STOPPED' });
    await eventually(async () => (await handle.describe()).runId !== handle.firstExecutionRunId, { what: 'a new run' });

    // The new run knows the clone is STOPPED: it refuses a second stop and serves a start.
    expect((await act('stopClone')).errors?.[0]?.message).toMatch(/cannot stop a clone that is STOPPED/);
    expect((await act('startClone')).errors).toBeUndefined();
    await eventually(async () => (await rowStatus()) === 'RUNNING', { what: 'RUNNING again' });
    expect((await handle.describe()).status.name).toBe('RUNNING');
  });
});

