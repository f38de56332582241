// The clone workflow's activities, one proxy per timeout class (workflows/policies.ts), each
// exposing only the activities that run under that class.
import { patched, proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import { BOOKKEEPING, GUEST_WAIT, LOCAL_BOOKKEEPING, VSPHERE_TASK } from '../policies.js';
import type { RestoreActivities } from '../restores/activities.js';
import type { SnapshotActivities } from '../snapshots/activities.js';
import type { CloneActivities } from './activities.js';
import type { OperationActivities } from '../operations/activities.js';

type Activities = CloneActivities & RestoreActivities & SnapshotActivities & OperationActivities;

type Bookkeeping = Pick<
  Activities,
  'updateClone' | 'setFailover' | 'recordOperation' | 'describeClone' | 'latestSnapshot' | 'beginRestore' | 'finishRestore' | 'beginSnapshot' | 'finishSnapshotFailed'
>;

/** Names part of running histories: never rename. */
const LOCAL_BOOKKEEPING_PATCH = 'local-bookkeeping';

const asLocal = proxyLocalActivities<Bookkeeping>(LOCAL_BOOKKEEPING);
const asTasks = proxyActivities<Bookkeeping>(BOOKKEEPING);

/**
 * Quick writes and reads of PostgreSQL, as local activities (policies.ts). Histories recorded
 * before that ran them as activity tasks, and replay the same way: the patch marker is written
 * before the first local one, and a replay that meets none uses the activity tasks.
 */
export const bookkeeping: Bookkeeping = new Proxy({} as Bookkeeping, {
  get: (_target, name: keyof Bookkeeping) => (patched(LOCAL_BOOKKEEPING_PATCH) ? asLocal : asTasks)[name],
});

/** vSphere tasks on the clone's VM. */
export const vsphereTasks = proxyActivities<
  Pick<Activities, 'cloneVmFromImage' | 'powerOnCloneVm' | 'powerCloneVm' | 'destroyCloneVm' | 'isCloneVmDown' | 'captureSnapshot' | 'discardRestore' | 'fencePrimary' | 'startPrimary'>
>(VSPHERE_TASK);

/** Work that waits for a guest to come up: the guest alone, or a rebuild that ends with one. */
export const guestWaits = proxyActivities<Pick<Activities, 'waitForCloneGuest' | 'waitForCustomization' | 'rebuildFromSnapshot'>>(GUEST_WAIT);
