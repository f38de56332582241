// The per-clone workflow `clone-<id>`: provisions the clone VM as a saga (each step that made
// something registers its undo), then serves the clone's requests one at a time until deleted:
// failover, failback, manual snapshots, power actions and background auto-restores.
// Requests arrive as updates, so the API learns at once whether one was accepted or why not.
// Deterministic: every effect goes through an activity.
import {
  allHandlersFinished,
  CancellationScope,
  condition,
  continueAsNew,
  isCancellation,
  log,
  proxyActivities,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type { CloneStatusName } from '../../domain/cloneStatus.js';
import { BOOKKEEPING, failureReason, GUEST_WAIT, VSPHERE_TASK } from '../policies.js';
import type { RestoreActivities } from '../restores/activities.js';
import { CLONE_STATUS } from '../searchAttributes.js';
import type { SnapshotActivities } from '../snapshots/activities.js';
import type { CloneActivities, CloneFacts, PowerAction } from './activities.js';
import {
  autoRestoreSignal,
  cloneRequestUpdate,
  cloneStateQuery,
  createSnapshotUpdate,
  deleteCloneUpdate,
  vmDownSignal,
  type CloneRequest,
  type CloneWorkflowInput,
  type CloneWorkflowState,
} from './messages.js';

type Activities = CloneActivities & RestoreActivities & SnapshotActivities;

const db = proxyActivities<Activities>(BOOKKEEPING);
const vsphere = proxyActivities<Activities>(VSPHERE_TASK);
const guest = proxyActivities<Activities>(GUEST_WAIT);

/** Continue as new past this many history events (Temporal may suggest it sooner). */
const DEFAULT_HISTORY_EVENT_LIMIT = 10_000;

const POWER_FROM: Record<PowerAction, readonly CloneStatusName[]> = {
  start: ['STOPPED', 'CRASHED'],
  stop: ['RUNNING', 'STARTING', 'PAUSED', 'CRASHED'],
  suspend: ['RUNNING'],
  resume: ['PAUSED'],
  reboot: ['RUNNING'],
};

export async function cloneWorkflow({ cloneId, resume, historyEventLimit }: CloneWorkflowInput): Promise<void> {
  const state: CloneWorkflowState = {
    phase: resume ? 'serving' : 'provisioning',
    status: resume?.status ?? 'PROVISIONING',
    failover: resume?.failover ?? false,
    busy: null,
    queued: [],
    pendingRestore: resume?.pendingRestore ?? null,
  };
  const queue: Array<{ request: CloneRequest; snapshot?: { id?: string; error?: string } }> = [];
  let deleteRequested = false;
  let crashSuspected = false;
  let facts: CloneFacts | undefined; // see cloneFacts()

  /**
   * The workflow's own view changes before the database's: a client that sees the new status
   * and sends a request at once must find the workflow already agreeing with it.
   */
  async function setStatus(status: CloneStatusName, progress: { phase?: string; percent?: number; reason?: string } = {}) {
    state.status = status;
    upsertMemo({ status });
    upsertSearchAttributes([{ key: CLONE_STATUS, value: status }]);
    await db.updateClone(cloneId, { status, ...progress });
  }

  async function setFailover(on: boolean, actorId: string) {
    state.failover = on; // before the database, as in setStatus
    await db.setFailover(cloneId, on, actorId);
  }

  /** Why `request` cannot be served now, or null. Counts requests already queued. */
  function rejection(request: CloneRequest): string | null {
    if (deleteRequested || state.phase === 'deleting' || state.phase === 'deleted') return 'the clone is being deleted';
    if (state.phase !== 'serving') return `the clone is ${state.status}`;
    const failoverQueued = queue.some((q) => q.request.kind === 'startFailover');
    const failbackQueued = queue.some(
      (q) => q.request.kind === 'endFailover' || (q.request.kind === 'createSnapshot' && state.failover),
    );
    switch (request.kind) {
      case 'startFailover':
        if (state.failover || failoverQueued) return 'the clone is already in failover';
        if (state.status !== 'RUNNING') return `failover needs a RUNNING clone; it is ${state.status}`;
        return null;
      case 'endFailover':
        if (!state.failover && !failoverQueued) return 'the clone is not in failover';
        if (failbackQueued) return 'failback is already under way';
        return null;
      case 'createSnapshot':
        if (state.status !== 'RUNNING' && state.status !== 'STOPPED' && state.status !== 'PAUSED') {
          return `a snapshot needs the clone VM; the clone is ${state.status}`;
        }
        if (state.failover && failbackQueued) return 'failback is already under way';
        return null;
      case 'power':
        if (!POWER_FROM[request.action].includes(state.status)) {
          return `cannot ${request.action} a clone that is ${state.status}`;
        }
        if (state.failover && (request.action === 'stop' || request.action === 'suspend')) {
          return `the clone is the active system (failover); end failover before you ${request.action} it`;
        }
        return null;
    }
  }

  setHandler(cloneStateQuery, () => ({ ...state, queued: queue.map((q) => q.request.kind) }));
  setHandler(vmDownSignal, () => {
    crashSuspected = true;
  });
  setHandler(autoRestoreSignal, ({ snapshotId }) => {
    // Only the newest snapshot matters: a newer one supersedes a restore not yet begun.
    state.pendingRestore = snapshotId;
  });
  setHandler(
    cloneRequestUpdate,
    (request) => {
      queue.push({ request });
      return { accepted: true };
    },
    {
      validator: (request) => {
        if (request.kind === 'createSnapshot') throw new Error('use the createSnapshot update');
        const reason = rejection(request);
        if (reason) throw new Error(reason);
      },
    },
  );
  setHandler(
    createSnapshotUpdate,
    async ({ actorId }) => {
      const entry: (typeof queue)[number] = { request: { kind: 'createSnapshot', actorId }, snapshot: {} };
      queue.push(entry);
      await condition(() => entry.snapshot!.id !== undefined || entry.snapshot!.error !== undefined);
      if (entry.snapshot!.error !== undefined) throw new Error(entry.snapshot!.error);
      return { snapshotId: entry.snapshot!.id! };
    },
    {
      validator: ({ actorId }) => {
        const reason = rejection({ kind: 'createSnapshot', actorId });
        if (reason) throw new Error(reason);
      },
    },
  );
  setHandler(
    deleteCloneUpdate,
    () => {
      deleteRequested = true;
      provisioning?.cancel();
    },
    {
      validator: () => {
        if (deleteRequested || state.phase === 'deleting' || state.phase === 'deleted') {
          throw new Error('the clone is already being deleted');
        }
      },
    },
  );

  let provisioning: CancellationScope | undefined;
  if (!resume) {
    provisioning = new CancellationScope();
    const provisioned = await provisioning.run(() => provision()).catch((error: unknown) => {
      if (isCancellation(error)) return false; // deleted while provisioning; the saga already cleaned up
      throw error;
    });
    provisioning = undefined;
    state.phase = provisioned ? 'serving' : 'failed';
  }

  // Serve requests one at a time; background restores run when no operator request waits.
  for (;;) {
    await condition(
      () =>
        deleteRequested ||
        queue.length > 0 ||
        (state.phase === 'serving' && (crashSuspected || state.pendingRestore !== null)),
    );
    if (deleteRequested) break;
    const next = queue.shift();
    if (next) {
      // Accepted against the state of its time; requests served before it may have changed that.
      const reason = rejection(next.request);
      state.busy = next.request.kind;
      const served = reason ? Promise.reject(new Error(`no longer possible: ${reason}`)) : serve(next.request, next.snapshot);
      await served.catch((error: unknown) => {
        if (next.snapshot) next.snapshot.error ??= failureReason(error);
        return recordFailure(next.request.kind, error);
      });
    } else if (crashSuspected) {
      crashSuspected = false;
      state.busy = 'crashCheck';
      await checkForCrash().catch((error: unknown) => recordFailure('crash check', error));
    } else {
      const snapshotId = state.pendingRestore!;
      state.pendingRestore = null;
      state.busy = 'autoRestore';
      await autoRestore(snapshotId).catch((error: unknown) => recordFailure('autoRestore', error));
    }
    state.busy = null;
    // Keep the history small: hand the state to a fresh run when it grows large and nothing waits.
    const info = workflowInfo();
    const large = info.continueAsNewSuggested || info.historyLength > (historyEventLimit ?? DEFAULT_HISTORY_EVENT_LIMIT);
    if (large && queue.length === 0 && !deleteRequested) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof cloneWorkflow>({
        cloneId,
        ...(historyEventLimit ? { historyEventLimit } : {}),
        resume: { status: state.status, failover: state.failover, pendingRestore: state.pendingRestore },
      });
    }
  }

  // Requests still queued will not run: their callers (a waiting createSnapshot) hear why.
  for (const entry of queue.splice(0)) if (entry.snapshot) entry.snapshot.error = 'the clone is being deleted';
  state.phase = 'deleting';
  await setStatus('DELETING', { phase: 'deleting', percent: 0 });
  await vsphere.destroyCloneVm(cloneId);
  await setStatus('DELETED', { phase: 'deleted', percent: 100 });
  state.phase = 'deleted';
  await condition(allHandlersFinished);

  async function recordFailure(request: string, error: unknown): Promise<void> {
    const reason = failureReason(error);
    log.warn('request failed', { cloneId, request, reason });
    await db.updateClone(cloneId, { reason: `${request} failed: ${reason}` });
  }

  /** Returns true when the clone is RUNNING, false when it ended FAILED (nothing left behind). */
  async function provision(): Promise<boolean> {
    const undo: Array<() => Promise<unknown>> = [];
    try {
      await db.updateClone(cloneId, { phase: 'cloning the image', percent: 5 });
      undo.push(() => vsphere.destroyCloneVm(cloneId));
      await vsphere.cloneVmFromImage(cloneId);

      await db.updateClone(cloneId, { phase: 'powering on', percent: 50 });
      await vsphere.powerOnCloneVm(cloneId);

      await setStatus('STARTING', { phase: 'waiting for the guest', percent: 60 });
      await guest.waitForCloneGuest(cloneId);

      const latest = await db.latestSnapshot((await cloneFacts()).configurationId);
      if (latest) {
        await db.updateClone(cloneId, { phase: 'restoring the latest snapshot', percent: 80 });
        await restoreOnto(latest, 'clone', 'AUTO');
      }
      // Serving from here: requests accepted while RUNNING is written run right after.
      state.phase = 'serving';
      await setStatus('RUNNING', { phase: 'ready', percent: 100 });
      return true;
    } catch (error) {
      const reason = isCancellation(error) ? 'deleted while provisioning' : failureReason(error);
      log.warn('provisioning stopped; compensating', { cloneId, reason });
      // Compensation must run even when the scope was cancelled by a delete.
      await CancellationScope.nonCancellable(async () => {
        for (const step of undo.reverse()) await step();
        if (!isCancellation(error)) await setStatus('FAILED', { reason, phase: 'failed', percent: 100 });
      });
      if (isCancellation(error)) throw error;
      return false;
    }
  }

  /**
   * The clone's machines and configuration, read once per run after the VM exists: none of them
   * change afterwards (a restore swaps the VM behind the same Machine row).
   */
  async function cloneFacts(): Promise<CloneFacts> {
    facts ??= await db.describeClone(cloneId);
    return facts;
  }

  /** Rebuilds the clone's or the primary's VM from the snapshot; the old VM is restored if anything fails. */
  async function restoreOnto(snapshotId: string, target: 'clone' | 'primary', trigger: 'AUTO' | 'FAILBACK') {
    const { machineId, primaryMachineId } = await cloneFacts();
    const { restoreId } = await db.beginRestore({
      snapshotId,
      ...(target === 'clone' ? { targetMachineId: machineId!, cloneId } : { targetMachineId: primaryMachineId }),
      trigger,
    });
    try {
      await guest.rebuildFromSnapshot(restoreId);
    } catch (error) {
      await vsphere.discardRestore(restoreId);
      await db.finishRestore(restoreId, { error: failureReason(error) });
      throw error;
    }
    await db.finishRestore(restoreId, {});
  }

  /** Captures the clone VM; returns the DONE snapshot's ID. */
  async function snapshotCloneVm(
    trigger: 'MANUAL' | 'FAILBACK',
    actorId: string,
    onStarted?: (snapshotId: string) => void,
  ): Promise<string> {
    const { configurationId, machineId } = await cloneFacts();
    const { snapshotId } = await db.beginSnapshot({
      configurationId,
      trigger,
      sourceMachineId: machineId!,
      cloneId,
      requestedById: actorId,
      // Unique per request and stable across replays, so a retried begin finds its own row.
      workflowId: `${workflowInfo().workflowId}/snapshot-${uuid4()}`,
    });
    onStarted?.(snapshotId);
    try {
      await vsphere.captureSnapshot(snapshotId);
    } catch (error) {
      await db.finishSnapshotFailed(snapshotId, { reason: failureReason(error) });
      throw error;
    }
    return snapshotId;
  }

  /** Carries the failover system's state back to the primary (unless discarded) and leaves failover. */
  async function failback(actorId: string, discard: boolean, onSnapshot?: (snapshotId: string) => void) {
    // Either way the failover state is captured first, so nothing is lost.
    const snapshotId = await snapshotCloneVm('FAILBACK', actorId, onSnapshot);
    if (!discard) await restoreOnto(snapshotId, 'primary', 'FAILBACK');
    await setFailover(false, actorId);
  }

  async function serve(request: CloneRequest, snapshot?: { id?: string; error?: string }): Promise<void> {
    switch (request.kind) {
      case 'startFailover':
        return setFailover(true, request.actorId);
      case 'endFailover':
        return failback(request.actorId, request.discardFailoverState);
      case 'createSnapshot': {
        const started = (id: string) => (snapshot!.id = id);
        // During failover a manual snapshot captures the failover system and triggers failback.
        if (state.failover) return failback(request.actorId, false, started);
        await snapshotCloneVm('MANUAL', request.actorId, started);
        return;
      }
      case 'power':
        return power(request.action);
    }
  }

  async function power(action: PowerAction): Promise<void> {
    await vsphere.powerCloneVm(cloneId, action);
    switch (action) {
      case 'stop':
        return setStatus('STOPPED');
      case 'suspend':
        return setStatus('PAUSED');
      case 'resume':
        return setStatus('RUNNING');
      case 'start':
      case 'reboot':
        await setStatus('STARTING', { phase: 'waiting for the guest', percent: 60 });
        await guest.waitForCloneGuest(cloneId);
        return setStatus('RUNNING', { phase: 'ready', percent: 100 });
    }
  }

  /**
   * The inventory saw the VM down, but that observation may predate an operator's stop or a
   * restore's swap: only a RUNNING clone whose current VM is down right now has crashed.
   */
  async function checkForCrash(): Promise<void> {
    if (state.status !== 'RUNNING') return;
    if (!(await vsphere.isCloneVmDown(cloneId))) return;
    await setStatus('CRASHED', { reason: 'the clone VM was found powered off or missing (not by Enclave)' });
  }

  async function autoRestore(snapshotId: string): Promise<void> {
    // In failover the clone is the active system: overwriting it would lose live work.
    if (state.failover || state.status !== 'RUNNING') return;
    await restoreOnto(snapshotId, 'clone', 'AUTO');
  }
}
