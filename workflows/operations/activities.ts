// The one activity that records an Operation's progress for the workflow serving it: status
// (RUNNING, SUCCEEDED, FAILED, CANCELLED), phase, error and the snapshot it took, each change with
// its Event and a bus message (`operation.changed`) in one transaction. Idempotent: a retried call
// finds the change made, and a final status is never left again.
import { FINAL_OPERATION_STATUSES, type OperationStatusName } from '../../domain/operations.js';
import { notify } from '../../infra/eventBus.js';
import { recordEvent, SYSTEM } from '../../infra/events.js';
import type { PrismaClient } from '../../prisma/client.js';

export interface OperationChange {
  status?: Exclude<OperationStatusName, 'QUEUED'>;
  phase?: string;
  error?: string;
  snapshotId?: string;
}

const EVENT_OF_STATUS: Record<Exclude<OperationStatusName, 'QUEUED'>, string> = {
  RUNNING: 'operation.started',
  SUCCEEDED: 'operation.succeeded',
  FAILED: 'operation.failed',
  CANCELLED: 'operation.cancelled',
};

export function createOperationActivities({ prisma }: { prisma: PrismaClient }) {
  return {
    async recordOperation(operationId: string, change: OperationChange): Promise<void> {
      await prisma.$transaction(async (tx) => {
        // Row lock: concurrent retries of one change serialize here.
        const rows = await tx.$queryRaw<Array<{ id: string }>>`SELECT id FROM "Operation" WHERE id = ${operationId}::uuid FOR UPDATE`;
        // Gone: the API removed the row of a request it then saw refused. Nothing to record.
        if (rows.length === 0) return;
        const op = await tx.operation.findUniqueOrThrow({ where: { id: operationId } });
        if (FINAL_OPERATION_STATUSES.includes(op.status)) return; // done already (a retry)
        const statusChanged = change.status !== undefined && change.status !== op.status;
        const phaseChanged = change.phase !== undefined && change.phase !== op.phase;
        const snapshotChanged = change.snapshotId !== undefined && change.snapshotId !== op.snapshotId;
        if (!statusChanged && !phaseChanged && !snapshotChanged) return;
        const now = new Date();
        const final = change.status !== undefined && FINAL_OPERATION_STATUSES.includes(change.status);
        const updated = await tx.operation.update({
          where: { id: operationId },
          data: {
            ...(statusChanged ? { status: change.status } : {}),
            ...(statusChanged && change.status === 'RUNNING' ? { startedAt: now } : {}),
            ...(final ? { finishedAt: now } : {}),
            ...(phaseChanged ? { phase: change.phase } : {}),
            ...(change.error !== undefined ? { error: change.error } : {}),
            ...(snapshotChanged ? { snapshotId: change.snapshotId } : {}),
          },
        });
        // A failover that did not happen gives up its claim on the configuration's active system.
        if (final && updated.type === 'START_FAILOVER' && updated.status !== 'SUCCEEDED') {
          await tx.activeSystem.deleteMany({ where: { operationId, clone: { failover: false } } });
        }
        const data = {
          operationId,
          operationType: updated.type,
          ...(statusChanged ? { status: updated.status } : {}),
          ...(phaseChanged ? { phase: updated.phase } : {}),
          ...(change.error !== undefined ? { reason: change.error } : {}),
          ...(snapshotChanged ? { snapshotId: updated.snapshotId } : {}),
        };
        await recordEvent(tx, {
          actor: SYSTEM,
          subjectType: 'Operation',
          subjectId: operationId,
          cloneId: updated.cloneId,
          type: statusChanged ? EVENT_OF_STATUS[change.status!] : 'operation.progress',
          data,
        });
        await notify(tx, {
          topic: 'operation.changed',
          operationId,
          cloneId: updated.cloneId,
          status: updated.status,
          at: now.toISOString(),
        });
      });
    },
  };
}

export type OperationActivities = ReturnType<typeof createOperationActivities>;
