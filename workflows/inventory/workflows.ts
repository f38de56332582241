// `inventory-sync`: refreshes PostgreSQL's view of vSphere, run by the Temporal Schedule of the
// same name. The four parts are independent, so one failing does not hold back the others; the
// run still fails (visible in the Schedule's recent actions) if any part did.
import { ApplicationFailure, getExternalWorkflowHandle, patched, proxyActivities } from '@temporalio/workflow';
import { vmDownSignal } from '../clone/messages.js';
import { cloneWorkflowId } from '../ids.js';
import type { InventoryActivities } from './activities.js';
import type { DiscoveryActivities } from './discovery.js';

const inventory = proxyActivities<InventoryActivities & DiscoveryActivities>({
  startToCloseTimeout: '5m',
  heartbeatTimeout: '1m',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 3 },
});

export async function inventorySyncWorkflow(): Promise<void> {
  const parts = {
    machines: inventory.syncMachineInventory(),
    networks: inventory.syncNetworkInventory(),
    templates: inventory.syncTemplateInventory(),
    capacity: inventory.sampleCapacity(),
    // Added after histories were recorded: runs of older code did not discover.
    ...(patched('inventory-discovery') ? { discovery: inventory.syncDiscoveredVms() } : {}),
  };
  const outcomes = await Promise.allSettled(Object.values(parts));
  const machines = outcomes[0]!;
  if (machines.status === 'fulfilled') {
    // A clone whose VM was found down is told so; its workflow checks again and decides.
    for (const cloneId of (machines.value as { downCloneIds: string[] }).downCloneIds) {
      await getExternalWorkflowHandle(cloneWorkflowId(cloneId))
        .signal(vmDownSignal)
        .catch(() => undefined); // the clone was deleted meanwhile
    }
  }
  const failed = Object.keys(parts).filter((_, i) => outcomes[i]!.status === 'rejected');
  if (failed.length > 0) {
    const first = outcomes.find((outcome) => outcome.status === 'rejected') as PromiseRejectedResult;
    throw ApplicationFailure.create({
      message: `inventory sync failed for: ${failed.join(', ')}`,
      type: 'InventorySyncFailed',
      nonRetryable: true,
      cause: first.reason instanceof Error ? first.reason : undefined,
    });
  }
}
