// Operations: every request to a clone's workflow becomes an Operation row, in one place. The
// row is written QUEUED (with any claim the request needs, in the same transaction), the request
// goes to the workflow carrying its ID, and the workflow marks it RUNNING, its phases, and
// SUCCEEDED, FAILED or CANCELLED (workflows/operations/activities.ts). A request the workflow
// refuses leaves nothing behind: its row and claim are removed and the caller gets the reason.
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { AppError } from '../../domain/errors.js';
import type { OperationTypeName } from '../../domain/operations.js';
import { notify } from '../../infra/eventBus.js';
import { recordCloneEvent } from '../../infra/events.js';
import type { Prisma } from '../../prisma/client.js';
import { cloneWorkflowId } from '../../workflows/ids.js';
import type { ActingUser, AppServices } from './types.js';

export interface QueueRequest<T> {
  type: OperationTypeName;
  /** What the request asked for besides its type (shown as `Operation.options`); never secrets. */
  options?: Record<string, unknown>;
  forced?: boolean;
  snapshotId?: string;
  /** Runs in the transaction that writes the Operation, e.g. to claim the configuration's active system. */
  claim?: (tx: Prisma.TransactionClient, operationId: string) => Promise<void>;
  /** Sends the request to the clone's workflow; its validator answers at once. */
  send: (handle: WorkflowHandle, operationId: string) => Promise<T>;
  /** The audit event of the accepted request (`clone.<what>_requested`) and its details. */
  audit: { type: string; data?: Record<string, unknown> };
}

/** Writes the Operation, sends the request, and answers with the Operation's ID and the workflow's answer. */
export async function queueCloneOperation<T>(
  services: Pick<AppServices, 'prisma' | 'temporal'>,
  user: ActingUser,
  cloneId: string,
  request: QueueRequest<T>,
): Promise<{ operationId: string; answer: T }> {
  const { prisma } = services;
  const operation = await prisma.$transaction(async (tx) => {
    const row = await tx.operation.create({
      data: {
        cloneId,
        type: request.type,
        requestedById: user.id,
        options: (request.options ?? {}) as Prisma.InputJsonValue,
        forced: request.forced ?? false,
        snapshotId: request.snapshotId ?? null,
      },
      select: { id: true },
    });
    await request.claim?.(tx, row.id);
    // Announced with the row, before the workflow can start it: a follower sees QUEUED before
    // RUNNING (announced after the update, it could arrive after the workflow's RUNNING).
    await notify(tx, { topic: 'operation.changed', operationId: row.id, cloneId, status: 'QUEUED', at: new Date().toISOString() });
    return row;
  });
  let answer: T;
  try {
    answer = await askCloneWorkflow(services, cloneId, (handle) => request.send(handle, operation.id));
  } catch (error) {
    await prisma.$transaction(async (tx) => {
      await tx.activeSystem.deleteMany({ where: { operationId: operation.id } });
      await tx.operation.deleteMany({ where: { id: operation.id, status: 'QUEUED' } });
      // The refused request's row is gone: its followers see a last change with no operation.
      await notify(tx, { topic: 'operation.changed', operationId: operation.id, cloneId, status: 'CANCELLED', at: new Date().toISOString() });
    });
    throw error;
  }
  await prisma.$transaction(async (tx) => {
    await recordCloneEvent(tx, { kind: 'USER', userId: user.id }, cloneId, request.audit.type, { ...request.audit.data, operationId: operation.id, operationType: request.type });
  });
  return { operationId: operation.id, answer };
}

/**
 * Sends one request to the clone's workflow. The workflow's validator answers at once: a
 * rejection becomes INVALID_STATE carrying the workflow's reason.
 */
export async function askCloneWorkflow<T>(
  { temporal }: Pick<AppServices, 'temporal'>,
  cloneId: string,
  call: (handle: WorkflowHandle) => Promise<T>,
): Promise<T> {
  try {
    return await call(temporal.workflow.getHandle(cloneWorkflowId(cloneId)));
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError) {
      throw new AppError('INVALID_STATE', error.cause?.message ?? error.message);
    }
    if (error instanceof WorkflowNotFoundError) {
      throw new AppError('INVALID_STATE', 'the clone has no running workflow (it was deleted or never started)');
    }
    throw error;
  }
}
