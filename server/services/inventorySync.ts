// Running the inventory sync on request (an admin onboarding a vCenter does not wait for the
// schedule). One run at a time: concurrent requests, on any replica, wait for the same run.
import { WorkflowFailedError } from '@temporalio/client';
import { AppError } from '../../domain/errors.js';
import type { AppServices } from './types.js';

/** One requested run at a time per task queue (deployments sharing a namespace keep apart). */
export const requestedInventorySyncId = (taskQueue: string) => `inventory-sync-requested-${taskQueue}`;

export async function syncInventoryNow({ temporal, settings }: Pick<AppServices, 'temporal' | 'settings'>): Promise<void> {
  try {
    const handle = await temporal.workflow.start('inventorySyncWorkflow', {
      workflowId: requestedInventorySyncId(settings.temporal.taskQueue),
      taskQueue: settings.temporal.taskQueue,
      args: [],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowExecutionTimeout: '10m',
    });
    await handle.result();
  } catch (error) {
    if (error instanceof WorkflowFailedError) {
      throw new AppError('UNAVAILABLE', `the inventory sync failed: ${error.cause?.message ?? error.message}`);
    }
    throw error;
  }
}
