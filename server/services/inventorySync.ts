// Running the inventory sync on request (an admin onboarding a vCenter does not wait for the
// schedule). One run at a time: concurrent requests, on any replica, wait for the same run.
import { WorkflowFailedError } from '@temporalio/client';
import { AppError } from '../../domain/errors.js';
import type { AppServices } from './types.js';

export const REQUESTED_INVENTORY_SYNC_ID = 'inventory-sync-requested';

export async function syncInventoryNow({ temporal, settings }: Pick<AppServices, 'temporal' | 'settings'>): Promise<void> {
  try {
    const handle = await temporal.workflow.start('inventorySyncWorkflow', {
      workflowId: REQUESTED_INVENTORY_SYNC_ID,
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
