// The clone request rules: which request a clone's workflow accepts in which state, counting the
// requests it has already queued. Pure; the clone workflow's update validators ask it, and ask
// again when a queued request is dequeued (requests served before it may have changed the state).
import type { CloneStatusName } from './cloneStatus.js';

export type PowerAction = 'start' | 'stop' | 'suspend' | 'resume' | 'reboot';

/** What the rules need of a request (the workflow's requests also carry the actor). */
export type CloneRequestRuleInput =
  | { kind: 'startFailover' }
  | { kind: 'endFailover' }
  | { kind: 'createSnapshot' }
  | { kind: 'restore' }
  | { kind: 'power'; action: PowerAction };

export type CloneRequestKind = CloneRequestRuleInput['kind'];

/** Where the clone's workflow is in its life: provisioning, then serving requests until deleted. */
export type ClonePhase = 'provisioning' | 'serving' | 'failed' | 'deleting' | 'deleted';

export interface CloneRequestState {
  phase: ClonePhase;
  status: CloneStatusName;
  failover: boolean;
  /** A delete was accepted (the workflow finishes what it serves, then tears the clone down). */
  deleteRequested: boolean;
  /** Kinds of the requests accepted and not yet served, oldest first. */
  queued: readonly CloneRequestKind[];
}

/** The statuses each power action starts from. */
export const POWER_FROM: Readonly<Record<PowerAction, readonly CloneStatusName[]>> = {
  start: ['STOPPED', 'CRASHED'],
  stop: ['RUNNING', 'STARTING', 'PAUSED', 'CRASHED'],
  suspend: ['RUNNING'],
  resume: ['PAUSED'],
  reboot: ['RUNNING'],
};

/** The statuses in which the clone has a VM to snapshot. */
const SNAPSHOT_FROM: readonly CloneStatusName[] = ['RUNNING', 'STOPPED', 'PAUSED'];

const beingDeleted = (state: CloneRequestState) =>
  state.deleteRequested || state.phase === 'deleting' || state.phase === 'deleted';

/** Why `request` cannot be accepted (or served) now, or null when it can. */
export function requestRejection(request: CloneRequestRuleInput, state: CloneRequestState): string | null {
  if (beingDeleted(state)) return 'the clone is being deleted';
  if (state.phase !== 'serving') return `the clone is ${state.status}`;
  const failoverQueued = state.queued.includes('startFailover');
  // A queued power action changes the status before a request accepted now is served; what it
  // will be is not known here, so nothing that depends on it is accepted meanwhile (it would be
  // refused when served, i.e. dropped without a word).
  const powerQueued = state.queued.includes('power');
  // During failover a queued manual snapshot fails back too.
  const failbackQueued = state.queued.includes('endFailover') || (state.failover && state.queued.includes('createSnapshot'));
  switch (request.kind) {
    case 'startFailover':
      if (state.failover || failoverQueued) return 'the clone is already in failover';
      if (state.status !== 'RUNNING') return `failover needs a RUNNING clone; it is ${state.status}`;
      if (powerQueued) return 'a power action is queued; start failover once it is done';
      return null;
    case 'endFailover':
      if (!state.failover && !failoverQueued) return 'the clone is not in failover';
      if (failbackQueued) return 'failback is already under way';
      return null;
    case 'createSnapshot':
      if (!SNAPSHOT_FROM.includes(state.status)) return `a snapshot needs the clone VM; the clone is ${state.status}`;
      if (state.failover && failbackQueued) return 'failback is already under way';
      return null;
    case 'restore':
      // The active system holds live work that a restore would overwrite.
      if (state.failover || failoverQueued) return 'the clone is the active system (failover); end failover before restoring it';
      if (state.status !== 'RUNNING') return `a restore needs a RUNNING clone; it is ${state.status}`;
      if (powerQueued) return 'a power action is queued; restore the clone once it is done';
      if (state.queued.includes('restore')) return 'a restore of this clone is already queued';
      return null;
    case 'power':
      if (!POWER_FROM[request.action].includes(state.status)) return `cannot ${request.action} a clone that is ${state.status}`;
      if (powerQueued) return `another power action is queued; ${request.action} the clone once it is done`;
      if ((state.failover || failoverQueued) && (request.action === 'stop' || request.action === 'suspend')) {
        return `the clone is the active system (failover); end failover before you ${request.action} it`;
      }
      return null;
  }
}

/**
 * Why a delete cannot be accepted, or null: a clone is deleted once, in any phase, but never while
 * it is (or is about to become) the active system: its state may be the only current copy.
 */
export function deleteRejection(state: Pick<CloneRequestState, 'phase' | 'deleteRequested'> & Partial<Pick<CloneRequestState, 'failover' | 'queued'>>): string | null {
  if (state.deleteRequested || state.phase === 'deleting' || state.phase === 'deleted') return 'the clone is already being deleted';
  if (state.failover || state.queued?.includes('startFailover')) {
    return 'the clone is the active system (failover): end failover first';
  }
  return null;
}
