// The per-clone workflow `clone-<id>`: provisions the clone VM as a saga (each step that made
// something registers its undo), then serves the clone's requests one at a time until deleted.
// Deterministic: every effect goes through an activity.
import {
  condition,
  defineQuery,
  defineSignal,
  defineUpdate,
  isCancellation,
  log,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import type { CloneActivities } from './activities.js';

const RETRYING = { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1m' } as const;
// Faults that retrying cannot fix: the activities raise them as these types.
const PERMANENT = ['NotFound', 'DuplicateName', 'InsufficientResources', 'InvalidTransition', 'GuestTimeout', 'InvalidInput'];

/** Bookkeeping writes to PostgreSQL: quick, retried for as long as the database is away. */
const db = proxyActivities<CloneActivities>({
  startToCloseTimeout: '30s',
  retry: { ...RETRYING, nonRetryableErrorTypes: PERMANENT },
});

/** vSphere tasks: minutes long, heartbeating progress, retried a few times for transient faults. */
const vsphere = proxyActivities<CloneActivities>({
  startToCloseTimeout: '30m',
  heartbeatTimeout: '1m',
  retry: { ...RETRYING, maximumAttempts: 5, nonRetryableErrorTypes: PERMANENT },
});

/** Waiting for the guest: the activity enforces the configurable deadline itself. */
const guest = proxyActivities<CloneActivities>({
  startToCloseTimeout: '3h',
  heartbeatTimeout: '1m',
  retry: { ...RETRYING, maximumAttempts: 3, nonRetryableErrorTypes: PERMANENT },
});

export interface CloneWorkflowInput {
  cloneId: string;
}

export interface CloneWorkflowState {
  phase: 'provisioning' | 'serving' | 'deleting' | 'failed' | 'deleted';
  busy: string | null;
}

export const cloneStateQuery = defineQuery<CloneWorkflowState>('state');
/** A new DONE snapshot of the clone's configuration to restore onto the clone (if not in failover). */
export const autoRestoreSignal = defineSignal<[{ snapshotId: string }]>('autoRestore');
/** Tear the clone down; accepted in any phase but once. */
export const deleteCloneUpdate = defineUpdate<void, []>('deleteClone');

function failureReason(error: unknown): string {
  let current: unknown = error;
  // Activity failures wrap the real cause; the innermost message is the one an operator needs.
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  return current instanceof Error ? current.message : String(error);
}

export async function cloneWorkflow({ cloneId }: CloneWorkflowInput): Promise<void> {
  const state: CloneWorkflowState = { phase: 'provisioning', busy: null };
  let deleteRequested = false;
  setHandler(cloneStateQuery, () => state);
  setHandler(
    deleteCloneUpdate,
    () => {
      deleteRequested = true;
    },
    {
      validator: () => {
        if (deleteRequested || state.phase === 'deleting' || state.phase === 'deleted') {
          throw new Error('the clone is already being deleted');
        }
      },
    },
  );

  const provisioned = await provision(cloneId);
  state.phase = provisioned ? 'serving' : 'failed';

  // Requests are served one at a time; later issues add failover, snapshots and power actions.
  await condition(() => deleteRequested);
  state.phase = 'deleting';
  await db.updateClone(cloneId, { status: 'DELETING', phase: 'deleting', percent: 0 });
  await vsphere.destroyCloneVm(cloneId);
  await db.updateClone(cloneId, { status: 'DELETED', phase: 'deleted', percent: 100 });
  state.phase = 'deleted';
}

/** Returns true when the clone is RUNNING, false when it ended FAILED (nothing left behind). */
async function provision(cloneId: string): Promise<boolean> {
  const undo: Array<() => Promise<unknown>> = [];
  try {
    await db.updateClone(cloneId, { phase: 'cloning the image', percent: 5 });
    undo.push(() => vsphere.destroyCloneVm(cloneId));
    await vsphere.cloneVmFromImage(cloneId);

    await db.updateClone(cloneId, { phase: 'powering on', percent: 60 });
    await vsphere.powerOnCloneVm(cloneId);

    await db.updateClone(cloneId, { status: 'STARTING', phase: 'waiting for the guest', percent: 70 });
    await guest.waitForCloneGuest(cloneId);

    await db.updateClone(cloneId, { status: 'RUNNING', phase: 'ready', percent: 100 });
    return true;
  } catch (error) {
    if (isCancellation(error)) throw error;
    const reason = failureReason(error);
    log.warn('provisioning failed; compensating', { cloneId, reason });
    for (const step of undo.reverse()) await step();
    await db.updateClone(cloneId, { status: 'FAILED', reason, phase: 'failed', percent: 100 });
    return false;
  }
}
