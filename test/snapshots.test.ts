// The configuration snapshot loop on real components: Temporal Schedules start snapshotWorkflow,
// which snapshots the primary in vcsim, prunes beyond retention, and signals the configuration's
// clones to restore; failed snapshots are retried, running ones cancelled.
import { encodeGlobalID } from '@pothos/plugin-relay';
import { ScheduleNotFoundError, WorkflowFailedError, type ScheduleHandle } from '@temporalio/client';
import { CancelledFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from './support/eventually.js';
import { configurationScheduleId } from '../workflows/snapshots/ids.js';
import { cancelSnapshot, retrySnapshot, SnapshotStateError } from '../server/services/snapshots.js';
import {
  deleteConfigurationSchedule,
  syncAllConfigurationSchedules,
  syncConfigurationSchedule,
} from '../workflows/snapshots/schedules.js';
import type { snapshotWorkflow } from '../workflows/snapshots/workflows.js';
import { cloneWorkflowId } from '../workflows/ids.js';
import { gql, loginAs } from './support/graphql.js';
import { startTestStack, type TestStack } from './support/stack.js';

// Every capture takes 2 s in vcsim, long enough to cancel one while it runs.
const CAPTURE_DELAY_MS = 2000;
// A cron that never fires during a test: these tests trigger the Schedules themselves.
const NEVER = '0 0 1 1 *';

let stack: TestStack;
let adminId: string;
/** One configuration per test area, each with a primary of its own. */
let config: { retention: string; autoRestore: string; failing: string; cancel: string };

async function configurationRow(id: string) {
  return stack.prisma.configuration.findUniqueOrThrow({
    where: { id },
    select: { id: true, name: true, scheduleIntervalSeconds: true, scheduleCron: true },
  });
}

async function primaryVmRef(configurationId: string): Promise<string> {
  const { primaryMachine } = await stack.prisma.configuration.findUniqueOrThrow({
    where: { id: configurationId },
    include: { primaryMachine: true },
  });
  return primaryMachine.vsphereRef!;
}

/** Triggers the Schedule once and returns what the snapshot workflow it started returned. */
async function runScheduleOnce(handle: ScheduleHandle): Promise<{ snapshotId: string }> {
  const before = (await handle.describe()).info.numActionsTaken;
  await handle.trigger();
  const action = await eventually(async () => {
    const { info } = await handle.describe();
    return info.numActionsTaken > before ? info.recentActions.at(-1) : undefined;
  });
  const { workflowId, firstExecutionRunId } = action.action.workflow;
  return stack.temporal.workflow.getHandle<typeof snapshotWorkflow>(workflowId, firstExecutionRunId).result();
}

async function scheduleFor(configurationId: string, changes: { retention?: number; scheduleIntervalSeconds?: number | null; scheduleCron?: string | null }) {
  await stack.prisma.configuration.update({ where: { id: configurationId }, data: changes });
  await syncConfigurationSchedule(stack.temporal, stack.taskQueue, await configurationRow(configurationId));
  return stack.temporal.schedule.getHandle(configurationScheduleId(configurationId));
}

/** Starts a snapshot workflow directly, as the retry and the clone workflow do. */
async function startSnapshot(configurationId: string, label: string) {
  return stack.temporal.workflow.start<typeof snapshotWorkflow>('snapshotWorkflow', {
    taskQueue: stack.taskQueue,
    workflowId: `snapshot-${configurationId}-${label}`,
    args: [{ configurationId, trigger: 'MANUAL', requestedById: adminId }],
  });
}

beforeAll(async () => {
  stack = await startTestStack({ vcsimOptions: { methodDelay: `CreateSnapshot:${CAPTURE_DELAY_MS}` } });
  adminId = (await stack.prisma.user.findUniqueOrThrow({ where: { username: 'admin' } })).id;
  const [retention, autoRestore, failing, cancel] = stack.seed.configurationIds;
  config = { retention: retention!, autoRestore: autoRestore!, failing: failing!, cancel: cancel! };
});

afterAll(async () => {
  if (stack) {
    for (const id of stack.seed.configurationIds) await deleteConfigurationSchedule(stack.temporal, id);
    await stack.close();
  }
});

describe('scheduled snapshots and retention', () => {
  const taken: string[] = [];

  it('snapshots the primary through the configuration Schedule, with a real vSphere snapshot', async () => {
    const handle = await scheduleFor(config.retention, { retention: 2, scheduleIntervalSeconds: null, scheduleCron: NEVER });
    const { snapshotId } = await runScheduleOnce(handle);
    taken.push(snapshotId);

    const snapshot = await stack.prisma.snapshot.findUniqueOrThrow({ where: { id: snapshotId }, include: { sourceMachine: true } });
    expect(snapshot).toMatchObject({ status: 'DONE', trigger: 'SCHEDULED', configurationId: config.retention, cloneId: null, error: null });
    expect(snapshot.sourceMachine.kind).toBe('PRIMARY');
    expect(snapshot.workflowId).toMatch(new RegExp(`^snapshot-${config.retention}-`));
    expect(snapshot.durationMs).toBeGreaterThanOrEqual(CAPTURE_DELAY_MS - 100);
    expect(snapshot.finishedAt).not.toBeNull();

    const inVsphere = await stack.vsphere.listSnapshots(snapshot.sourceMachine.vsphereRef!);
    expect(inVsphere).toContainEqual(expect.objectContaining({ ref: snapshot.vsphereRef, name: snapshot.name, quiesced: false }));

    const events = await stack.prisma.event.findMany({ where: { subjectId: snapshotId }, orderBy: { createdAt: 'asc' } });
    expect(events.map((e) => e.type)).toEqual(['snapshot.started', 'snapshot.done']);
  });

  it('keeps the last N snapshots, never the newest one restored onto a machine', async () => {
    const handle = stack.temporal.schedule.getHandle(configurationScheduleId(config.retention));
    const vmRef = await primaryVmRef(config.retention);
    taken.push((await runScheduleOnce(handle)).snapshotId);
    // Nothing beyond retention 2 yet.
    expect(await stack.prisma.snapshot.count({ where: { configurationId: config.retention, prunedAt: { not: null } } })).toBe(0);

    taken.push((await runScheduleOnce(handle)).snapshotId);
    const [first, second, third] = taken as [string, string, string];
    const pruned = await stack.prisma.snapshot.findUniqueOrThrow({ where: { id: first } });
    expect(pruned.prunedAt).not.toBeNull();
    expect(pruned.status).toBe('DONE'); // the record stays as history
    const refs = (await stack.vsphere.listSnapshots(vmRef)).map((s) => s.ref);
    expect(refs).not.toContain(pruned.vsphereRef);
    expect(await stack.prisma.event.count({ where: { subjectId: first, type: 'snapshot.pruned' } })).toBe(1);

    // The second snapshot is what some machine last received: it survives the next pruning.
    const target = await stack.prisma.machine.findFirstOrThrow({ where: { id: { not: pruned.sourceMachineId } } });
    await stack.prisma.restore.create({
      data: { snapshotId: second, targetMachineId: target.id, trigger: 'AUTO', status: 'DONE', finishedAt: new Date() },
    });
    const fourth = (await runScheduleOnce(handle)).snapshotId;
    const rows = await stack.prisma.snapshot.findMany({ where: { id: { in: [second, third, fourth] } } });
    expect(rows.every((row) => row.prunedAt === null)).toBe(true);
    const left = (await stack.vsphere.listSnapshots(vmRef)).map((s) => s.ref);
    expect(left).toEqual(expect.arrayContaining(rows.map((row) => row.vsphereRef)));
  });
});

describe('auto-restore loop', () => {
  it('signals every running clone of the configuration that is not in failover', async () => {
    const token = await loginAs(stack.api.url, 'admin', stack.users.admin.password);
    const network = await stack.prisma.network.findFirstOrThrow({ where: { name: 'VM Network' } });
    const created = await gql(
      stack.api.url,
      `mutation($input: CreateCloneInput!) { createClone(input: $input) { id } }`,
      {
        input: {
          name: 'Auto restore standby',
          description: 'receives every scheduled snapshot',
          imageId: encodeGlobalID('VmImage', stack.seed.imageIds[0]!),
          configurationId: encodeGlobalID('Configuration', config.autoRestore),
          networkId: encodeGlobalID('Network', network.id),
          cpu: 1,
          ramGb: 1,
        },
      },
      token,
    );
    expect(created.errors).toBeUndefined();
    const clone = await eventually(() =>
      stack.prisma.clone.findFirst({ where: { name: 'Auto restore standby', status: 'RUNNING' } }),
    );

    const handle = await scheduleFor(config.autoRestore, { scheduleIntervalSeconds: null, scheduleCron: NEVER });
    const { snapshotId } = await runScheduleOnce(handle);

    const history = await stack.temporal.workflow.getHandle(cloneWorkflowId(clone.id)).fetchHistory();
    const signals = (history.events ?? [])
      .map((event) => event.workflowExecutionSignaledEventAttributes)
      .filter((signal) => signal?.signalName === 'autoRestore')
      .map((signal) => JSON.parse(Buffer.from(signal!.input!.payloads![0]!.data!).toString('utf8')));
    expect(signals).toEqual([{ snapshotId }]);
  });
});

describe('failed snapshots and retries', () => {
  let failedId: string;

  it('ends FAILED with the reason when the primary VM is gone', async () => {
    await stack.vsphere.destroyVm(await primaryVmRef(config.failing));
    const run = await startSnapshot(config.failing, 'vm-gone');
    await expect(run.result()).rejects.toBeInstanceOf(WorkflowFailedError);

    const snapshot = await stack.prisma.snapshot.findUniqueOrThrow({ where: { workflowId: run.workflowId } });
    failedId = snapshot.id;
    expect(snapshot).toMatchObject({ status: 'FAILED', trigger: 'MANUAL', requestedById: adminId, vsphereRef: null });
    expect(snapshot.error).toMatch(/deleted|not found/i);
    const failedEvent = await stack.prisma.event.findFirstOrThrow({ where: { subjectId: snapshot.id, type: 'snapshot.failed' } });
    expect(failedEvent.data).toMatchObject({ reason: snapshot.error });
  });

  it('retries a FAILED snapshot as a new one linked by retryOf', async () => {
    const { snapshotId } = await retrySnapshot(stack.temporal, stack.taskQueue, stack.prisma, failedId, adminId);
    const retry = await stack.prisma.snapshot.findUniqueOrThrow({ where: { id: snapshotId } });
    expect(retry).toMatchObject({ retryOfId: failedId, configurationId: config.failing, requestedById: adminId, trigger: 'MANUAL' });

    // The VM is still gone, so the retry fails too, and records why.
    await expect(stack.temporal.workflow.getHandle(retry.workflowId!).result()).rejects.toBeInstanceOf(WorkflowFailedError);
    const ended = await stack.prisma.snapshot.findUniqueOrThrow({ where: { id: snapshotId } });
    expect(ended.status).toBe('FAILED');
    expect(ended.error).toMatch(/deleted|not found/i);
  });

  it('lets only one of two concurrent retries start', async () => {
    const outcomes = await Promise.allSettled([
      retrySnapshot(stack.temporal, stack.taskQueue, stack.prisma, failedId, adminId),
      retrySnapshot(stack.temporal, stack.taskQueue, stack.prisma, failedId, adminId),
    ]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const refused = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toBeInstanceOf(SnapshotStateError);
    expect(refused.reason).toMatchObject({ reason: 'ALREADY_RETRIED', code: 'CONFLICT' });
  });

  it('refuses to retry a snapshot that did not fail', async () => {
    const done = await stack.prisma.snapshot.findFirstOrThrow({ where: { status: 'DONE' } });
    const refusal = await retrySnapshot(stack.temporal, stack.taskQueue, stack.prisma, done.id, adminId).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(SnapshotStateError);
    expect(refusal).toMatchObject({ reason: 'NOT_FAILED', code: 'INVALID_STATE' });
  });
});

describe('cancelling a snapshot', () => {
  it('cancels a capture in progress: CANCELLED, and no snapshot left in vSphere', async () => {
    const vmRef = await primaryVmRef(config.cancel);
    const run = await startSnapshot(config.cancel, 'cancelled');
    const inProgress = await eventually(() => stack.prisma.snapshot.findUnique({ where: { workflowId: run.workflowId } }));
    expect(inProgress.status).toBe('IN_PROGRESS');

    await cancelSnapshot(stack.temporal, stack.prisma, inProgress.id, adminId);
    const failure = await run.result().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    expect((failure as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);

    const cancelled = await stack.prisma.snapshot.findUniqueOrThrow({ where: { id: inProgress.id } });
    expect(cancelled).toMatchObject({ status: 'CANCELLED', vsphereRef: null });
    const events = await stack.prisma.event.findMany({ where: { subjectId: inProgress.id }, orderBy: { createdAt: 'asc' } });
    expect(events.map((e) => e.type)).toEqual(['snapshot.started', 'snapshot.cancel_requested', 'snapshot.cancelled']);
    expect(events[1]!.actorId).toBe(adminId);
    // vSphere finishes the task it had started; the capture then removes what it made.
    await eventually(async () => !(await stack.vsphere.listSnapshots(vmRef)).some((s) => s.name === inProgress.name), { timeoutMs: 20_000 });
  });

  it('refuses to cancel a snapshot that is not in progress', async () => {
    const cancelled = await stack.prisma.snapshot.findFirstOrThrow({ where: { status: 'CANCELLED' } });
    const refusal = await cancelSnapshot(stack.temporal, stack.prisma, cancelled.id).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(SnapshotStateError);
    expect(refusal).toMatchObject({ reason: 'NOT_IN_PROGRESS' });
  });
});

describe('the configuration Schedule in Temporal', () => {
  it('runs on its interval, shows the configuration, pauses, and keeps the pause across updates', async () => {
    const handle = await scheduleFor(config.cancel, { scheduleIntervalSeconds: 2, scheduleCron: null });
    const configuration = await configurationRow(config.cancel);
    const described = await handle.describe();
    expect(described.memo).toEqual({ configurationName: configuration.name });
    expect(described.spec.intervals).toMatchObject([{ every: 2000 }]);
    expect(described.policies.overlap).toBe('SKIP');
    expect(described.action).toMatchObject({ workflowType: 'snapshotWorkflow', taskQueue: stack.taskQueue });

    // It fires by itself.
    await eventually(async () => (await handle.describe()).info.numActionsTaken >= 1, { timeoutMs: 30_000 });
    await eventually(() =>
      stack.prisma.snapshot.findFirst({ where: { configurationId: config.cancel, trigger: 'SCHEDULED', status: 'DONE' } }),
    );

    await handle.pause('maintenance window');
    const paused = await handle.describe();
    expect(paused.state).toMatchObject({ paused: true, note: 'maintenance window' });
    const taken = paused.info.numActionsTaken;
    await new Promise((resolve) => setTimeout(resolve, 5000));
    expect((await handle.describe()).info.numActionsTaken).toBe(taken);

    // A configuration change (here a rename, which recreates the Schedule) keeps the pause.
    await stack.prisma.configuration.update({ where: { id: config.cancel }, data: { name: `${configuration.name} (renamed)` } });
    await syncConfigurationSchedule(stack.temporal, stack.taskQueue, await configurationRow(config.cancel));
    const renamed = await handle.describe();
    expect(renamed.memo).toEqual({ configurationName: `${configuration.name} (renamed)` });
    expect(renamed.state.paused).toBe(true);
  });

  it('syncs every configuration, and deletes a Schedule whose configuration takes no scheduled snapshots', async () => {
    await syncAllConfigurationSchedules(stack.temporal, stack.taskQueue, stack.prisma);
    for (const id of stack.seed.configurationIds) {
      await expect(stack.temporal.schedule.getHandle(configurationScheduleId(id)).describe()).resolves.toBeTruthy();
    }
    const handle = await scheduleFor(config.failing, { scheduleIntervalSeconds: null, scheduleCron: null });
    await expect(handle.describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);
  });
});
