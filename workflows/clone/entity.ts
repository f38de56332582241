// The clone entity inside its workflow: the state the workflow keeps and reports, the handlers of
// its messages, and the requests it serves one at a time (failover, failback, manual snapshots,
// power actions, crash checks, auto-restores). Deterministic: every effect goes through an activity.
import { condition, log, setHandler, upsertMemo, upsertSearchAttributes, uuid4, workflowInfo, type CancellationScope, type Payload } from '@temporalio/workflow';
import { deleteRejection, requestRejection, type PowerAction } from '../../domain/cloneRequests.js';
import type { CloneStatusName } from '../../domain/cloneStatus.js';
import { failureReason } from '../policies.js';
import { CLONE_STATUS } from '../searchAttributes.js';
import { currentTrace, inTrace } from '../traceScope.js';
import type { CloneFacts } from './activities.js';
import type { OperationChange } from '../operations/activities.js';
import {
  autoRestoreSignal,
  cloneRequestUpdate,
  cloneStateQuery,
  createSnapshotUpdate,
  deleteCloneUpdate,
  vmDownSignal,
  type CloneRequest,
  type CloneWorkflowInput,
  type DeleteRequest,
  type CloneWorkflowState,
} from './messages.js';
import { bookkeeping, guestWaits, vsphereTasks } from './proxies.js';

/**
 * An accepted request; a manual snapshot's caller waits on `snapshot` for the row's ID (or why
 * not). It is served in its caller's trace.
 */
interface QueuedRequest {
  request: CloneRequest;
  snapshot?: { id?: string; error?: string };
  trace: Payload | undefined;
}

type Progress = { phase?: string; percent?: number; reason?: string };

export class CloneEntity {
  readonly state: CloneWorkflowState;
  private readonly queue: QueuedRequest[] = [];
  private deleteRequested = false;
  /** The DELETE operation, when the API queued one. */
  private deleteOperationId: string | undefined;
  private deleteTrace: Payload | undefined;
  /** The trace of the signal that asked for the pending auto-restore (the snapshot's), if any. */
  private pendingRestoreTrace: Payload | undefined;
  private crashSuspected = false;
  /** The provisioning saga's scope while it runs: a delete cancels it. */
  provisioning: CancellationScope | undefined;
  private facts: CloneFacts | undefined; // see cloneFacts()

  constructor(
    readonly cloneId: string,
    resume?: CloneWorkflowInput['resume'],
  ) {
    this.state = {
      phase: resume ? 'serving' : 'provisioning',
      status: resume?.status ?? 'PROVISIONING',
      failover: resume?.failover ?? false,
      busy: null,
      queued: [],
      pendingRestore: resume?.pendingRestore ?? null,
    };
  }

  registerHandlers(): void {
    setHandler(cloneStateQuery, () => ({ ...this.state, queued: this.queue.map((q) => q.request.kind) }));
    setHandler(vmDownSignal, () => {
      this.crashSuspected = true;
    });
    setHandler(autoRestoreSignal, ({ snapshotId }) => {
      // Only the newest snapshot matters: a newer one supersedes a restore not yet begun.
      this.state.pendingRestore = snapshotId;
      this.pendingRestoreTrace = currentTrace();
    });
    setHandler(
      cloneRequestUpdate,
      (request) => {
        this.queue.push({ request, trace: currentTrace() });
        return { accepted: true };
      },
      {
        validator: (request) => {
          if (request.kind === 'createSnapshot') throw new Error('use the createSnapshot update');
          this.refuseUnlessPossible(request);
        },
      },
    );
    setHandler(
      createSnapshotUpdate,
      async (args) => {
        const entry = { request: { kind: 'createSnapshot', ...args }, snapshot: {}, trace: currentTrace() } satisfies QueuedRequest;
        const snapshot: { id?: string; error?: string } = entry.snapshot;
        this.queue.push(entry);
        await condition(() => snapshot.id !== undefined || snapshot.error !== undefined);
        if (snapshot.error !== undefined) throw new Error(snapshot.error);
        return { snapshotId: snapshot.id! };
      },
      { validator: (args) => this.refuseUnlessPossible({ kind: 'createSnapshot', ...args }) },
    );
    setHandler(
      deleteCloneUpdate,
      (request: DeleteRequest) => {
        this.deleteRequested = true;
        // Older histories sent no argument.
        this.deleteOperationId = (request as DeleteRequest | undefined)?.operationId;
        this.deleteTrace = currentTrace();
        this.provisioning?.cancel();
      },
      {
        validator: (_request: DeleteRequest) => {
          const reason = deleteRejection({
            phase: this.state.phase,
            deleteRequested: this.deleteRequested,
            failover: this.state.failover,
            queued: this.queue.map((q) => q.request.kind),
          });
          if (reason) throw new Error(reason);
        },
      },
    );
  }

  /** Why `request` cannot be served now, or null. Counts requests already queued. */
  private rejection(request: CloneRequest): string | null {
    return requestRejection(request, {
      phase: this.state.phase,
      status: this.state.status,
      failover: this.state.failover,
      deleteRequested: this.deleteRequested,
      queued: this.queue.map((q) => q.request.kind),
    });
  }

  private refuseUnlessPossible(request: CloneRequest): void {
    const reason = this.rejection(request);
    if (reason) throw new Error(reason);
  }

  /** True when a delete waits, or something is there to serve. */
  hasWork(): boolean {
    return (
      this.deleteRequested ||
      this.queue.length > 0 ||
      (this.state.phase === 'serving' && (this.crashSuspected || this.state.pendingRestore !== null))
    );
  }

  get deleting(): boolean {
    return this.deleteRequested;
  }

  /** Nothing waits to be served and no delete is pending: the run may hand over to a new one. */
  get quiet(): boolean {
    return this.queue.length === 0 && !this.deleteRequested;
  }

  /** What a continued run needs to carry on. */
  resumeState(): NonNullable<CloneWorkflowInput['resume']> {
    return { status: this.state.status, failover: this.state.failover, pendingRestore: this.state.pendingRestore };
  }

  /**
   * Serves one thing: the oldest request, else a crash check, else the pending auto-restore. Each
   * in the trace of whoever asked for it; a crash check in none (its activities start their own).
   */
  async serveNext(): Promise<void> {
    const next = this.queue.shift();
    if (next) {
      this.state.busy = next.request.kind;
      await inTrace(next.trace, () => this.serveRequest(next));
    } else if (this.crashSuspected) {
      this.crashSuspected = false;
      this.state.busy = 'crashCheck';
      await inTrace(undefined, () => this.checkForCrash().catch((error: unknown) => this.recordFailure('crash check', error)));
    } else {
      const snapshotId = this.state.pendingRestore!;
      this.state.pendingRestore = null;
      this.state.busy = 'autoRestore';
      await inTrace(this.pendingRestoreTrace, () =>
        this.autoRestore(snapshotId).catch((error: unknown) => this.recordFailure('autoRestore', error)),
      );
    }
    this.state.busy = null;
  }

  private async serveRequest({ request, snapshot }: QueuedRequest): Promise<void> {
    // Accepted against the state of its time; requests served before it may have changed that.
    const reason = this.rejection(request);
    const { operationId } = request;
    const served = reason
      ? Promise.reject(new Error(`no longer possible: ${reason}`))
      : this.markOperation(operationId, { status: 'RUNNING' }).then(() => this.serve(request, snapshot));
    await served.then(
      () => this.markOperation(operationId, { status: 'SUCCEEDED' }),
      (error: unknown) => {
        if (snapshot) snapshot.error ??= failureReason(error);
        return this.recordFailure(request.kind, error, operationId);
      },
    );
  }

  /** Removes the clone VM and ends the clone DELETED, in the delete's trace. */
  tearDown(): Promise<void> {
    return inTrace(this.deleteTrace, () => this.removeClone());
  }

  /** Requests still queued hear why they will not run; then the VM goes and the clone ends DELETED. */
  private async removeClone(): Promise<void> {
    for (const entry of this.queue.splice(0)) {
      if (entry.snapshot) entry.snapshot.error = 'the clone is being deleted';
      await this.markOperation(entry.request.operationId, { status: 'CANCELLED', error: 'the clone is being deleted' });
    }
    await this.markOperation(this.deleteOperationId, { status: 'RUNNING' });
    this.state.phase = 'deleting';
    await this.setStatus('DELETING', { phase: 'deleting', percent: 0 });
    await vsphereTasks.destroyCloneVm(this.cloneId);
    await this.setStatus('DELETED', { phase: 'deleted', percent: 100 });
    this.state.phase = 'deleted';
    await this.markOperation(this.deleteOperationId, { status: 'SUCCEEDED' });
  }

  /**
   * Records a step of the request's Operation (status, phase, error), with its Event and bus
   * message. Requests of older histories carry no Operation: then nothing is recorded.
   */
  private async markOperation(operationId: string | undefined, change: OperationChange): Promise<void> {
    if (operationId !== undefined) await bookkeeping.recordOperation(operationId, change);
  }

  /**
   * The workflow's own view changes before the database's: a client that sees the new status
   * and sends a request at once must find the workflow already agreeing with it.
   */
  async setStatus(status: CloneStatusName, progress: Progress = {}): Promise<void> {
    this.state.status = status;
    upsertMemo({ status });
    upsertSearchAttributes([{ key: CLONE_STATUS, value: status }]);
    await bookkeeping.updateClone(this.cloneId, { status, ...progress });
  }

  private async setFailover(on: boolean, actorId: string): Promise<void> {
    this.state.failover = on; // before the database, as in setStatus
    await bookkeeping.setFailover(this.cloneId, on, actorId);
  }

  private async recordFailure(request: string, error: unknown, operationId?: string): Promise<void> {
    const reason = failureReason(error);
    log.warn('request failed', { cloneId: this.cloneId, request, reason });
    // The Operation ends FAILED with the reason and an Event; older histories only had the note.
    if (operationId !== undefined) return this.markOperation(operationId, { status: 'FAILED', error: reason });
    await bookkeeping.updateClone(this.cloneId, { reason: `${request} failed: ${reason}` });
  }

  /**
   * The clone's machines and configuration, read once per run after the VM exists: none of them
   * change afterwards (a restore swaps the VM behind the same Machine row).
   */
  async cloneFacts(): Promise<CloneFacts> {
    this.facts ??= await bookkeeping.describeClone(this.cloneId);
    return this.facts;
  }

  /** Rebuilds the clone's or the primary's VM from the snapshot; the old VM is restored if anything fails. */
  async restoreOnto(snapshotId: string, target: 'clone' | 'primary', trigger: 'AUTO' | 'MANUAL' | 'FAILBACK'): Promise<void> {
    const { machineId, primaryMachineId } = await this.cloneFacts();
    const { restoreId } = await bookkeeping.beginRestore({
      snapshotId,
      ...(target === 'clone' ? { targetMachineId: machineId!, cloneId: this.cloneId } : { targetMachineId: primaryMachineId }),
      trigger,
    });
    try {
      await guestWaits.rebuildFromSnapshot(restoreId);
    } catch (error) {
      await vsphereTasks.discardRestore(restoreId);
      await bookkeeping.finishRestore(restoreId, { error: failureReason(error) });
      throw error;
    }
    await bookkeeping.finishRestore(restoreId, {});
  }

  /** Captures the clone VM; returns the DONE snapshot's ID. */
  private async snapshotCloneVm(trigger: 'MANUAL' | 'FAILBACK', actorId: string, onStarted?: (snapshotId: string) => void): Promise<string> {
    const { configurationId, machineId } = await this.cloneFacts();
    const { snapshotId } = await bookkeeping.beginSnapshot({
      configurationId,
      trigger,
      sourceMachineId: machineId!,
      cloneId: this.cloneId,
      requestedById: actorId,
      // Unique per request and stable across replays, so a retried begin finds its own row.
      workflowId: `${workflowInfo().workflowId}/snapshot-${uuid4()}`,
    });
    onStarted?.(snapshotId);
    try {
      await vsphereTasks.captureSnapshot(snapshotId);
    } catch (error) {
      await bookkeeping.finishSnapshotFailed(snapshotId, { reason: failureReason(error) });
      throw error;
    }
    return snapshotId;
  }

  /**
   * Carries the failover system's state back to the primary (unless discarded), powers the
   * primary on (when asked: it was fenced) and leaves failover.
   */
  private async failback(
    request: { actorId: string; operationId?: string; startPrimary?: boolean },
    discard: boolean,
    onSnapshot?: (snapshotId: string) => void,
  ): Promise<void> {
    const { actorId, operationId } = request;
    // Either way the failover state is captured first, so nothing is lost.
    await this.markOperation(operationId, { phase: 'capturing the failover system' });
    const snapshotId = await this.snapshotCloneVm('FAILBACK', actorId, onSnapshot);
    await this.markOperation(operationId, { snapshotId });
    if (!discard) {
      await this.markOperation(operationId, { phase: 'restoring the failover state onto the primary' });
      await this.restoreOnto(snapshotId, 'primary', 'FAILBACK');
    }
    if (request.startPrimary) {
      await this.markOperation(operationId, { phase: 'powering the primary on' });
      await vsphereTasks.startPrimary(this.cloneId, actorId);
    }
    await this.markOperation(operationId, { phase: 'returning operations to the primary' });
    await this.setFailover(false, actorId);
  }

  /** Fences the primary (when asked and reachable), then makes the clone the active system. */
  private async startFailover(request: Extract<CloneRequest, { kind: 'startFailover' }>): Promise<void> {
    if (request.fencePrimary) {
      await this.markOperation(request.operationId, { phase: 'fencing the primary' });
      await vsphereTasks.fencePrimary(this.cloneId, request.actorId);
    }
    await this.markOperation(request.operationId, { phase: 'making the clone the active system' });
    await this.setFailover(true, request.actorId);
  }

  private async serve(request: CloneRequest, snapshot?: { id?: string; error?: string }): Promise<void> {
    switch (request.kind) {
      case 'startFailover':
        return this.startFailover(request);
      case 'endFailover':
        return this.failback(request, request.discardFailoverState);
      case 'createSnapshot': {
        const started = (id: string) => (snapshot!.id = id);
        // During failover a manual snapshot captures the failover system and triggers failback.
        if (this.state.failover) return this.failback(request, false, started);
        const snapshotId = await this.snapshotCloneVm('MANUAL', request.actorId, started);
        await this.markOperation(request.operationId, { snapshotId });
        return;
      }
      case 'restore':
        return this.restoreOnto(request.snapshotId, 'clone', 'MANUAL');
      case 'power':
        return this.power(request.action);
    }
  }

  private async power(action: PowerAction): Promise<void> {
    await vsphereTasks.powerCloneVm(this.cloneId, action);
    switch (action) {
      case 'stop':
        return this.setStatus('STOPPED');
      case 'suspend':
        return this.setStatus('PAUSED');
      case 'resume':
        return this.setStatus('RUNNING');
      case 'start':
      case 'reboot':
        await this.setStatus('STARTING', { phase: 'waiting for the guest', percent: 60 });
        await guestWaits.waitForCloneGuest(this.cloneId);
        return this.setStatus('RUNNING', { phase: 'ready', percent: 100 });
    }
  }

  /**
   * The inventory saw the VM down, but that observation may predate an operator's stop or a
   * restore's swap: only a RUNNING clone whose current VM is down right now has crashed.
   */
  private async checkForCrash(): Promise<void> {
    if (this.state.status !== 'RUNNING') return;
    if (!(await vsphereTasks.isCloneVmDown(this.cloneId))) return;
    await this.setStatus('CRASHED', { reason: 'the clone VM was found powered off or missing (not by Enclave)' });
  }

  private async autoRestore(snapshotId: string): Promise<void> {
    // In failover the clone is the active system: overwriting it would lose live work.
    if (this.state.failover || this.state.status !== 'RUNNING') return;
    await this.restoreOnto(snapshotId, 'clone', 'AUTO');
  }
}
