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

/**
 * What every request carries besides its kind. `operationId` names the Operation row the API
 * queued for it (requests of older histories have none): the workflow marks it RUNNING, its
 * phases, and SUCCEEDED or FAILED.
 */
interface RequestBase {
  actorId: string;
  operationId?: string;
}

/**
 * `fencePrimary`: power the primary off (when reachable) before the clone becomes the active
 * system. `startPrimary`: power the primary on before operations return to it. Both absent in
 * requests of older histories (which did neither).
 */
export type CloneRequest =
  | (RequestBase & { kind: 'startFailover'; fencePrimary?: boolean })
  | (RequestBase & { kind: 'endFailover'; discardFailoverState: boolean; startPrimary?: boolean })
  | (RequestBase & { kind: 'createSnapshot'; startPrimary?: boolean })
  /** Point-in-time restore of a DONE snapshot of the clone's configuration onto the clone (MANUAL). */
  | (RequestBase & { kind: 'restore'; snapshotId: string })
  | (RequestBase & { kind: 'power'; action: PowerAction });

export type SnapshotRequest = Omit<Extract<CloneRequest, { kind: 'createSnapshot' }>, 'kind'>;
/** Older histories sent the delete without an argument: handlers see undefined then. */
export type DeleteRequest = { actorId?: string; operationId?: string };

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
export const createSnapshotUpdate = defineUpdate<{ snapshotId: string }, [SnapshotRequest]>('createSnapshot');
/** Tear the clone down; accepted in any phase but once, and never in failover. */
export const deleteCloneUpdate = defineUpdate<void, [DeleteRequest]>('deleteClone');

