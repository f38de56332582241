// The clone workflow's activities, one proxy per timeout class (workflows/policies.ts), each
// exposing only the activities that run under that class.
import { proxyActivities } from '@temporalio/workflow';
import { BOOKKEEPING, GUEST_WAIT, VSPHERE_TASK } from '../policies.js';
import type { RestoreActivities } from '../restores/activities.js';
import type { SnapshotActivities } from '../snapshots/activities.js';
import type { CloneActivities } from './activities.js';
import type { OperationActivities } from '../operations/activities.js';

type Activities = CloneActivities & RestoreActivities & SnapshotActivities & OperationActivities;

/** Quick writes and reads of PostgreSQL. */
export const bookkeeping = proxyActivities<
  Pick<
    Activities,
    'updateClone' | 'setFailover' | 'recordOperation' | 'describeClone' | 'latestSnapshot' | 'beginRestore' | 'finishRestore' | 'beginSnapshot' | 'finishSnapshotFailed'
  >
>(BOOKKEEPING);

/** vSphere tasks on the clone's VM. */
export const vsphereTasks = proxyActivities<
  Pick<Activities, 'cloneVmFromImage' | 'powerOnCloneVm' | 'powerCloneVm' | 'destroyCloneVm' | 'isCloneVmDown' | 'captureSnapshot' | 'discardRestore' | 'fencePrimary' | 'startPrimary'>
>(VSPHERE_TASK);

/** Work that waits for a guest to come up: the guest alone, or a rebuild that ends with one. */
export const guestWaits = proxyActivities<Pick<Activities, 'waitForCloneGuest' | 'waitForCustomization' | 'rebuildFromSnapshot'>>(GUEST_WAIT);
