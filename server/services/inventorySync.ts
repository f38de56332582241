// Running the inventory sync on request (an admin onboarding a vCenter does not wait for the
// schedule). One run at a time: concurrent requests, on any replica, wait for the same run.
import { WorkflowFailedError } from '@temporalio/client';
import { AppError } from '../../domain/errors.js';
import type { AppServices } from './types.js';

/** One requested run at a time per task queue (deployments sharing a namespace keep apart). */
export const requestedInventorySyncId = (taskQueue: string) => `inventory-sync-requested-${taskQueue}`;

/** How long the request waits for the run; the run itself goes on (workers may be busy or down). */
export const INVENTORY_SYNC_WAIT_MS = 120_000;

export async function syncInventoryNow(
  { temporal, settings }: Pick<AppServices, 'temporal' | 'settings'>,
  { waitMs = INVENTORY_SYNC_WAIT_MS }: { waitMs?: number } = {},
): Promise<void> {
  try {
    const handle = await temporal.workflow.start('inventorySyncWorkflow', {
      workflowId: requestedInventorySyncId(settings.temporal.taskQueue),
      taskQueue: settings.temporal.taskQueue,
      args: [],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowExecutionTimeout: '10m',
    });
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), waitMs)));
    const outcome = await Promise.race([handle.result(), gaveUp]).finally(() => clearTimeout(timer));
    if (outcome === 'timeout') {
      throw new AppError('UNAVAILABLE', `the inventory sync did not finish within ${waitMs / 1000} s (are workers running?); it goes on, and discoveredVms shows what it found`);
    }
  } catch (error) {
    if (error instanceof WorkflowFailedError) {
      throw new AppError('UNAVAILABLE', `the inventory sync failed: ${error.cause?.message ?? error.message}`);
    }
    throw error;
  }
}
