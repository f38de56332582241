// Snapshot operations behind the API's mutations: retry a FAILED snapshot, cancel an IN_PROGRESS
// one (the snapshots themselves are taken by workflows/snapshots). They refuse with a
// SnapshotStateError (an AppError, so the API reports its code) whose `reason` says why.
import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { AppError, notFound, type ErrorCode } from '../../domain/errors.js';
import { recordEvent, SYSTEM, type Actor } from '../../infra/events.js';
import type { PrismaClient } from '../../prisma/client.js';
import { isUniqueViolation } from '../../prisma/errors.js';
import { snapshotRetryWorkflowId } from '../../workflows/snapshots/ids.js';
import { createSnapshotRecord, endSnapshot } from '../../workflows/snapshots/records.js';
import type { snapshotWorkflow } from '../../workflows/snapshots/workflows.js';

export type SnapshotRefusal =
  /** Only FAILED snapshots can be retried. */
  | 'NOT_FAILED'
  /** A retry of this snapshot is running or succeeded. */
  | 'ALREADY_RETRIED'
  /** A failback snapshot is part of ending failover; the clone's failover operations repeat it. */
  | 'FAILBACK'
  /** Only IN_PROGRESS snapshots can be cancelled. */
  | 'NOT_IN_PROGRESS';

export class SnapshotStateError extends AppError {
  constructor(
    readonly reason: SnapshotRefusal,
    message: string,
    code: ErrorCode = 'INVALID_STATE',
  ) {
    super(code, message);
    this.name = 'SnapshotStateError';
  }
}

/**
 * Starts a new snapshot of the failed one's configuration and source machine, linked to it by
 * retryOf. The new row exists (IN_PROGRESS) when this returns; its workflow does the rest.
 */
export async function retrySnapshot(
  client: Client,
  taskQueue: string,
  prisma: PrismaClient,
  snapshotId: string,
  requestedById: string,
): Promise<{ snapshotId: string }> {
  const failed = await prisma.snapshot.findUnique({
    where: { id: snapshotId },
    include: { retries: { select: { status: true } } },
  });
  if (!failed) throw notFound('snapshot', 'snapshotId');
  if (failed.status !== 'FAILED') {
    throw new SnapshotStateError('NOT_FAILED', `only a FAILED snapshot can be retried; this one is ${failed.status}`);
  }
  if (failed.trigger === 'FAILBACK') {
    throw new SnapshotStateError('FAILBACK', 'a failback snapshot is retried by ending the failover again');
  }
  if (failed.retries.some((retry) => retry.status === 'IN_PROGRESS' || retry.status === 'DONE')) {
    throw new SnapshotStateError('ALREADY_RETRIED', 'this snapshot has already been retried', 'CONFLICT');
  }

  const workflowId = snapshotRetryWorkflowId(failed.configurationId, failed.id, failed.retries.length + 1);
  const input = {
    configurationId: failed.configurationId,
    trigger: failed.trigger,
    sourceMachineId: failed.sourceMachineId,
    ...(failed.cloneId ? { cloneId: failed.cloneId } : {}),
    requestedById,
    retryOfId: failed.id,
  };
  // The row first, so the caller can show it at once; the workflow's beginSnapshot adopts it by
  // workflowId. Its uniqueness also settles two concurrent retries: only one row can be made.
  let created: { snapshotId: string };
  try {
    created = await createSnapshotRecord(prisma, {
      ...input,
      cloneId: failed.cloneId,
      workflowId,
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new SnapshotStateError('ALREADY_RETRIED', 'this snapshot is being retried already', 'CONFLICT');
    }
    throw error;
  }
  try {
    await client.workflow.start<typeof snapshotWorkflow>('snapshotWorkflow', {
      taskQueue,
      workflowId,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      args: [input],
    });
  } catch (error) {
    const reason = error instanceof WorkflowExecutionAlreadyStartedError ? 'a retry with this ID already ran' : 'its workflow could not be started';
    await endSnapshot(prisma, created.snapshotId, { status: 'FAILED', reason });
    if (error instanceof WorkflowExecutionAlreadyStartedError) {
      throw new SnapshotStateError('ALREADY_RETRIED', 'this snapshot is being retried already', 'CONFLICT');
    }
    throw new AppError('UNAVAILABLE', `the snapshot retry could not be started: ${error instanceof Error ? error.message : String(error)}`);
  }
  return created;
}

/**
 * Asks the snapshot's workflow to stop; the workflow records CANCELLED and removes any partial
 * vSphere snapshot. Without a running snapshot workflow the snapshot is recorded CANCELLED here.
 */
export async function cancelSnapshot(client: Client, prisma: PrismaClient, snapshotId: string, requestedById?: string): Promise<void> {
  const snapshot = await prisma.snapshot.findUnique({ where: { id: snapshotId }, select: { status: true, workflowId: true, cloneId: true } });
  if (!snapshot) throw notFound('snapshot', 'snapshotId');
  if (snapshot.status !== 'IN_PROGRESS') {
    throw new SnapshotStateError('NOT_IN_PROGRESS', `only an IN_PROGRESS snapshot can be cancelled; this one is ${snapshot.status}`);
  }
  const actor: Actor = requestedById ? { kind: 'USER', userId: requestedById } : SYSTEM;
  await recordEvent(prisma, { actor, subjectType: 'Snapshot', subjectId: snapshotId, cloneId: snapshot.cloneId, type: 'snapshot.cancel_requested' });
  if (snapshot.workflowId) {
    try {
      await client.workflow.getHandle(snapshot.workflowId).cancel();
      return;
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
    }
  }
  // No workflow of its own to cancel: it has ended, or the snapshot is a step of a clone's
  // workflow. Recorded here; a capture still running sees it and removes its vSphere snapshot.
  await endSnapshot(prisma, snapshotId, { status: 'CANCELLED', reason: 'cancelled; its workflow was no longer running' }, actor);
}
