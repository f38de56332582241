// The inventory sync's Temporal Schedule: one per deployment, visible and pausable in the UI.
import { ScheduleAlreadyRunning, ScheduleNotFoundError, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import type { inventorySyncWorkflow } from './workflows.js';

export const INVENTORY_SYNC_SCHEDULE_ID = 'inventory-sync';

/** Creates the Schedule, or updates its interval and task queue (a pause set in the UI survives). */
export async function syncInventorySchedule(client: Client, taskQueue: string, intervalSeconds: number): Promise<void> {
  const spec = { intervals: [{ every: `${intervalSeconds}s` }] };
  const action = {
    type: 'startWorkflow' as const,
    workflowType: 'inventorySyncWorkflow' as const,
    taskQueue,
    // Temporal appends the scheduled time to this prefix.
    workflowId: INVENTORY_SYNC_SCHEDULE_ID,
    args: [] as Parameters<typeof inventorySyncWorkflow>,
  };
  const update = () => client.schedule.getHandle(INVENTORY_SYNC_SCHEDULE_ID).update((previous) => ({ ...previous, spec, action }));
  try {
    await update();
  } catch (error) {
    if (!(error instanceof ScheduleNotFoundError)) throw error;
    try {
      await client.schedule.create({
        scheduleId: INVENTORY_SYNC_SCHEDULE_ID,
        spec,
        action,
        policies: { overlap: ScheduleOverlapPolicy.SKIP },
      });
    } catch (raced) {
      // Another process created it meanwhile: make it match.
      if (!(raced instanceof ScheduleAlreadyRunning)) throw raced;
      await update();
    }
  }
}
