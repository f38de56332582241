// Records workflow histories for test/replay.test.ts: drives every workflow type along its main
// paths on the real stack and writes each history as JSON to test/replay/histories/, one file per
// path. Run with `npm run histories:record` when a new workflow path needs a recorded history.
import { writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { HISTORIES_DIR, historyToJson } from './histories.js';
import { encryptSecret, generatePassword } from '../../infra/secrets.js';
import { CLONE_ID, CLONE_STATUS } from '../../workflows/searchAttributes.js';
import {
  cloneRequestUpdate,
  cloneStateQuery,
  createSnapshotUpdate,
  deleteCloneUpdate,
  type CloneRequest,
  type CloneWorkflowState,
} from '../../workflows/clone/messages.js';
import { eventually } from '../support/eventually.js';
import { startTestStack, type TestStack } from '../support/stack.js';

const HISTORIES = HISTORIES_DIR;

let stack: TestStack;
let configurationId: string;
let actorId: string;

beforeAll(async () => {
  stack = await startTestStack();
  configurationId = stack.seed.configurationIds[0]!;
  actorId = (await stack.prisma.user.findUniqueOrThrow({ where: { username: 'operator' } })).id;
});

afterAll(async () => {
  await stack?.close();
});

async function save(name: string, handle: WorkflowHandle, runId?: string): Promise<void> {
  const history = await stack.temporal.workflow.getHandle(handle.workflowId, runId).fetchHistory();
  writeFileSync(new URL(`${name}.json`, HISTORIES), historyToJson(history));
}

/** Creates the clone row as the API does and starts its workflow with the API's options. */
async function startClone(name: string, options: { networkId?: string; historyEventLimit?: number } = {}) {
  const network = await stack.prisma.network.findFirstOrThrow({ where: { name: 'VM Network' } });
  const image = await stack.prisma.vmImage.findFirstOrThrow({ orderBy: { name: 'asc' } });
  const clone = await stack.prisma.clone.create({
    data: {
      name,
      description: 'recorded for the replay test',
      imageId: image.id,
      configurationId,
      networkId: options.networkId ?? network.id,
      cpu: 1,
      ramGb: 1,
      progressPhase: 'queued',
      rdpUsername: 'enclave',
      rdpPasswordEnc: encryptSecret(generatePassword(), stack.workerEnv.ENCLAVE_SECRET_KEY!),
      createdById: actorId,
    },
  });
  const handle = await stack.temporal.workflow.start('cloneWorkflow', {
    workflowId: `clone-${clone.id}`,
    taskQueue: stack.taskQueue,
    args: [{ cloneId: clone.id, ...(options.historyEventLimit ? { historyEventLimit: options.historyEventLimit } : {}) }],
    memo: { cloneId: clone.id, name },
    typedSearchAttributes: [
      { key: CLONE_ID, value: clone.id },
      { key: CLONE_STATUS, value: 'PROVISIONING' },
    ],
  });
  return { cloneId: clone.id, handle };
}

/** Waits until the workflow serves nothing and reports `expected`. */
function idle(handle: WorkflowHandle, expected: Partial<CloneWorkflowState>): Promise<CloneWorkflowState> {
  return eventually(
    async () => {
      const state = await handle.query(cloneStateQuery);
      const quiet = state.busy === null && state.queued.length === 0 && state.pendingRestore === null;
      const matches = Object.entries(expected).every(([key, value]) => state[key as keyof CloneWorkflowState] === value);
      return quiet && matches ? state : undefined;
    },
    { what: `idle with ${JSON.stringify(expected)}` },
  );
}

type RequestBody = CloneRequest extends infer R ? (R extends CloneRequest ? Omit<R, 'actorId'> : never) : never;

async function request(handle: WorkflowHandle, body: RequestBody, then: Partial<CloneWorkflowState>) {
  await handle.executeUpdate(cloneRequestUpdate, { args: [{ ...body, actorId } as CloneRequest] });
  await idle(handle, then);
}

async function deleteAndFinish(handle: WorkflowHandle): Promise<void> {
  await handle.executeUpdate(deleteCloneUpdate, { args: [{ actorId }] });
  await handle.result();
}

async function scheduledSnapshot(): Promise<{ snapshotId: string; handle: WorkflowHandle }> {
  const handle = await stack.temporal.workflow.start('snapshotWorkflow', {
    taskQueue: stack.taskQueue,
    workflowId: `snapshot-${configurationId}-recorded-${randomUUID()}`,
    args: [{ configurationId, trigger: 'SCHEDULED' }],
  });
  return { snapshotId: ((await handle.result()) as { snapshotId: string }).snapshotId, handle };
}

it('records provisioning, power actions, a crash check and delete', async () => {
  const { cloneId, handle } = await startClone('Replay power');
  await idle(handle, { phase: 'serving', status: 'RUNNING' });
  await request(handle, { kind: 'power', action: 'stop' }, { status: 'STOPPED' });
  await request(handle, { kind: 'power', action: 'start' }, { status: 'RUNNING' });
  await request(handle, { kind: 'power', action: 'suspend' }, { status: 'PAUSED' });
  await request(handle, { kind: 'power', action: 'resume' }, { status: 'RUNNING' });
  await request(handle, { kind: 'power', action: 'reboot' }, { status: 'RUNNING' });

  const { machine } = await stack.prisma.clone.findUniqueOrThrow({ where: { id: cloneId }, include: { machine: true } });
  await stack.vsphere.powerOff(machine!.vsphereRef!); // behind Enclave's back
  const sync = await stack.temporal.workflow.start('inventorySyncWorkflow', {
    taskQueue: stack.taskQueue,
    workflowId: `inventory-sync-recorded-${randomUUID()}`,
  });
  await sync.result();
  await save('inventory-sync-vm-down', sync);
  await idle(handle, { status: 'CRASHED' });
  await request(handle, { kind: 'power', action: 'start' }, { status: 'RUNNING' });

  await deleteAndFinish(handle);
  await save('clone-provision-power-crash-delete', handle);
});

it('records an inventory sync that discovers VMs and templates', async () => {
  const sync = await stack.temporal.workflow.start('inventorySyncWorkflow', {
    taskQueue: stack.taskQueue,
    workflowId: `inventory-sync-recorded-${randomUUID()}`,
  });
  await sync.result();
  expect(await stack.prisma.discoveredVm.count()).toBeGreaterThan(0);
  await save('inventory-sync-discovery', sync);
});

it('records continue-as-new and the run that continues', async () => {
  const { handle } = await startClone('Replay long-lived', { historyEventLimit: 40 });
  await idle(handle, { phase: 'serving', status: 'RUNNING' });
  const first = (await handle.describe()).runId;
  await request(handle, { kind: 'power', action: 'stop' }, { status: 'STOPPED' });
  await eventually(async () => (await handle.describe()).runId !== first, { what: 'a new run' });
  await request(handle, { kind: 'power', action: 'start' }, { status: 'RUNNING' });
  await deleteAndFinish(handle);
  await save('clone-continue-as-new-first-run', handle, first);
  await save('clone-continue-as-new-second-run', handle);
});

it('records a manual snapshot and a scheduled snapshot with its auto-restore', async () => {
  const { cloneId, handle } = await startClone('Replay snapshots');
  await idle(handle, { phase: 'serving', status: 'RUNNING' });
  await handle.executeUpdate(createSnapshotUpdate, { args: [{ actorId }] });
  await idle(handle, { status: 'RUNNING' });

  const scheduled = await scheduledSnapshot();
  await save('snapshot-scheduled-auto-restore', scheduled.handle);
  await eventually(
    () => stack.prisma.restore.findFirst({ where: { snapshotId: scheduled.snapshotId, cloneId, status: 'DONE' } }),
    { what: 'the auto-restore' },
  );
  await idle(handle, { status: 'RUNNING' });

  await deleteAndFinish(handle);
  await save('clone-manual-snapshot-auto-restore-delete', handle);
});

it('records failover and failback: by manual snapshot, carried, discarded', async () => {
  // Provisioning restores the configuration's latest snapshot (the previous scenario made one).
  const { handle } = await startClone('Replay failover');
  await idle(handle, { phase: 'serving', status: 'RUNNING' });
  await request(handle, { kind: 'startFailover' }, { failover: true });

  const scheduled = await scheduledSnapshot(); // captures the failover system; restores nothing
  await save('snapshot-scheduled-during-failover', scheduled.handle);

  await handle.executeUpdate(createSnapshotUpdate, { args: [{ actorId }] }); // fails back
  await idle(handle, { failover: false });
  await request(handle, { kind: 'startFailover' }, { failover: true });
  await request(handle, { kind: 'endFailover', discardFailoverState: false }, { failover: false });
  await request(handle, { kind: 'startFailover' }, { failover: true });
  await request(handle, { kind: 'endFailover', discardFailoverState: true }, { failover: false });

  await deleteAndFinish(handle);
  await save('clone-failover-failback-delete', handle);
});

it('records requests as operations: fenced failover, failback starting the primary, snapshot, reboot, delete', async () => {
  // Provisioning restores the configuration's latest snapshot (an earlier scenario made one).
  const { cloneId, handle } = await startClone('Replay operations');
  await idle(handle, { phase: 'serving', status: 'RUNNING' });
  // The Operation rows the API writes before it sends each request.
  const operation = async (type: 'START_FAILOVER' | 'END_FAILOVER' | 'CREATE_SNAPSHOT' | 'REBOOT' | 'DELETE') =>
    (await stack.prisma.operation.create({ data: { cloneId, type, requestedById: actorId } })).id;
  await request(handle, { kind: 'startFailover', fencePrimary: true, operationId: await operation('START_FAILOVER') }, { failover: true });
  await request(
    handle,
    { kind: 'endFailover', discardFailoverState: false, startPrimary: true, operationId: await operation('END_FAILOVER') },
    { failover: false },
  );
  await handle.executeUpdate(createSnapshotUpdate, { args: [{ actorId, operationId: await operation('CREATE_SNAPSHOT'), startPrimary: true }] });
  await idle(handle, { status: 'RUNNING' });
  await request(handle, { kind: 'power', action: 'reboot', operationId: await operation('REBOOT') }, { status: 'RUNNING' });
  await handle.executeUpdate(deleteCloneUpdate, { args: [{ actorId, operationId: await operation('DELETE') }] });
  await handle.result();
  const statuses = await stack.prisma.operation.findMany({ where: { cloneId }, select: { status: true } });
  expect(statuses.map((o) => o.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
  await save('clone-operations-fenced-failover-delete', handle);
});

it('records a provisioning that ends FAILED, then its delete', async () => {
  const vanished = await stack.prisma.network.create({
    data: { name: 'vanished-net', vsphereRef: 'Network:network-999999', kind: 'STANDARD' },
  });
  const { handle } = await startClone('Replay doomed', { networkId: vanished.id });
  const state = await idle(handle, { phase: 'failed' });
  expect(state.status).toBe('FAILED');
  await deleteAndFinish(handle);
  await save('clone-provisioning-failed-delete', handle);
});

it('records a delete during provisioning', async () => {
  const { cloneId, handle } = await startClone('Replay short-lived');
  // The VM exists (its undo is registered) and the clone is not RUNNING yet.
  await eventually(async () => (await stack.prisma.clone.findUniqueOrThrow({ where: { id: cloneId } })).machineId, {
    what: 'the clone VM',
    intervalMs: 50,
  });
  await deleteAndFinish(handle);
  const events = (await handle.fetchHistory()).events ?? [];
  expect(events.some((e) => e.activityTaskCancelRequestedEventAttributes || e.activityTaskCanceledEventAttributes)).toBe(true);
  await save('clone-delete-during-provisioning', handle);
});
