// `snapshot-<configurationId>-…`: one snapshot of a configuration's active system (or of a given
// machine), then retention, then the auto-restore loop: every clone of the configuration that
// is running and not in failover is signalled to restore the new snapshot. Started by the
// configuration's Temporal Schedule, by a retry of a failed snapshot, or as a child of a clone
// workflow. Deterministic: every effect goes through an activity or a signal.
import {
  ApplicationFailure,
  CancellationScope,
  getExternalWorkflowHandle,
  isCancellation,
  log,
  proxyActivities,
  workflowInfo,
} from '@temporalio/workflow';
import { autoRestoreSignal } from '../clone/messages.js';
import { cloneWorkflowId } from '../ids.js';
import { BOOKKEEPING, failureReason, VSPHERE_TASK } from '../policies.js';
import type { SnapshotActivities } from './activities.js';

// One proxy per timeout class (workflows/policies.ts), each exposing only what runs under it.
const bookkeeping = proxyActivities<Pick<SnapshotActivities, 'beginSnapshot' | 'finishSnapshotFailed' | 'clonesToAutoRestore'>>(BOOKKEEPING);
const vsphereTasks = proxyActivities<Pick<SnapshotActivities, 'captureSnapshot' | 'applyRetention'>>(VSPHERE_TASK);

export interface SnapshotWorkflowInput {
  configurationId: string;
  trigger: 'SCHEDULED' | 'MANUAL' | 'FAILBACK';
  sourceMachineId?: string;
  cloneId?: string;
  requestedById?: string;
  retryOfId?: string;
}

export async function snapshotWorkflow(input: SnapshotWorkflowInput): Promise<{ snapshotId: string }> {
  // Not cancellable: a cancel arriving now must still find the row, to record it CANCELLED.
  const { snapshotId } = await CancellationScope.nonCancellable(() =>
    bookkeeping.beginSnapshot({ ...input, workflowId: workflowInfo().workflowId }),
  );

  try {
    await vsphereTasks.captureSnapshot(snapshotId);
  } catch (error) {
    const cancelled = isCancellation(error);
    const reason = cancelled ? 'cancelled' : failureReason(error);
    await CancellationScope.nonCancellable(() => bookkeeping.finishSnapshotFailed(snapshotId, { reason, cancelled }));
    if (cancelled) throw error;
    // Fail the run too, so the Schedule's recent actions and the Temporal UI show it.
    throw ApplicationFailure.nonRetryable(`snapshot ${snapshotId} failed: ${reason}`, 'SnapshotFailed');
  }

  try {
    await vsphereTasks.applyRetention(input.configurationId);
  } catch (error) {
    if (isCancellation(error)) throw error;
    // The snapshot itself is good; the next snapshot's retention prunes what this one could not.
    log.warn('retention failed', { configurationId: input.configurationId, reason: failureReason(error) });
  }

  // Only the configuration's scheduled snapshots of its active system feed the auto-restore loop;
  // manual and failback snapshots are the clone workflow's to restore.
  if (input.trigger === 'SCHEDULED') {
    for (const cloneId of await bookkeeping.clonesToAutoRestore(input.configurationId)) {
      try {
        await getExternalWorkflowHandle(cloneWorkflowId(cloneId)).signal(autoRestoreSignal, { snapshotId });
      } catch (error) {
        if (isCancellation(error)) throw error;
        // The clone's workflow has ended (e.g. deleted meanwhile): nothing to restore onto.
        log.info('clone workflow not signalled', { cloneId, reason: failureReason(error) });
      }
    }
  }
  return { snapshotId };
}
