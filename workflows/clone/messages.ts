// The clone workflow's messages: its input, the requests it serves, the state it reports, and the
// updates, signals and query that carry them. The API and the other workflows import this module,
// never the workflow itself. Names are part of running histories: never rename one.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ClonePhase, PowerAction } from '../../domain/cloneRequests.js';
import type { CloneStatusName } from '../../domain/cloneStatus.js';

export interface CloneWorkflowInput {
  cloneId: string;
  /** Override of DEFAULT_HISTORY_EVENT_LIMIT (tests use a small one to exercise continue-as-new). */
  historyEventLimit?: number;
  /** Set when continuing as new: the clone was provisioned by an earlier run. */
  resume?: { status: CloneStatusName; failover: boolean; pendingRestore: string | null };
}

export type CloneRequest =
  | { kind: 'startFailover'; actorId: string }
  | { kind: 'endFailover'; actorId: string; discardFailoverState: boolean }
  | { kind: 'createSnapshot'; actorId: string }
  /** Point-in-time restore of a DONE snapshot of the clone's configuration onto the clone (MANUAL). */
  | { kind: 'restore'; actorId: string; snapshotId: string }
  | { kind: 'power'; actorId: string; action: PowerAction };

export interface CloneWorkflowState {
  phase: ClonePhase;
  status: CloneStatusName;
  failover: boolean;
  busy: string | null;
  queued: string[];
  pendingRestore: string | null;
}

export const cloneStateQuery = defineQuery<CloneWorkflowState>('state');
/** A new DONE snapshot of the clone's configuration to restore onto the clone (if not in failover). */
export const autoRestoreSignal = defineSignal<[{ snapshotId: string }]>('autoRestore');
/** The inventory sync found the clone VM powered off or gone; the workflow checks and may mark CRASHED. */
export const vmDownSignal = defineSignal('vmDown');
/** Queue a request; rejected at once, with the reason, when the clone's state does not allow it. */
export const cloneRequestUpdate = defineUpdate<{ accepted: true }, [CloneRequest]>('request');
/** Manual snapshot: answers once the Snapshot row exists, so the API can return it. */
export const createSnapshotUpdate = defineUpdate<{ snapshotId: string }, [{ actorId: string }]>('createSnapshot');
/** Tear the clone down; accepted in any phase but once. */
export const deleteCloneUpdate = defineUpdate<void, []>('deleteClone');

