// The clone status machine (DESIGN.md §1): one table. Every status write goes through it (the
// clone workflow's updateClone activity asserts the transition), so an impossible change fails
// loudly instead of corrupting the read model. Failover is a separate flag, not a status.

export const CLONE_STATUSES = [
  'PROVISIONING',
  'STARTING',
  'RUNNING',
  'STOPPED',
  'PAUSED',
  'CRASHED',
  'FAILED',
  'DELETING',
  'DELETED',
] as const;

export type CloneStatusName = (typeof CLONE_STATUSES)[number];

/** from → the statuses it may move to. Anything else is rejected with InvalidTransitionError. */
export const CLONE_TRANSITIONS: Readonly<Record<CloneStatusName, readonly CloneStatusName[]>> = {
  PROVISIONING: ['STARTING', 'FAILED', 'DELETING'],
  STARTING: ['RUNNING', 'CRASHED', 'FAILED', 'STOPPED', 'DELETING'],
  RUNNING: ['STOPPED', 'PAUSED', 'STARTING', 'CRASHED', 'DELETING'],
  STOPPED: ['STARTING', 'DELETING'],
  PAUSED: ['RUNNING', 'STOPPED', 'DELETING'],
  CRASHED: ['STARTING', 'STOPPED', 'DELETING'],
  // A FAILED clone has no VM left (the provisioning saga removed it); it can only be deleted.
  FAILED: ['DELETING'],
  DELETING: ['DELETED'],
  DELETED: [],
};

export class InvalidTransitionError extends Error {
  constructor(
    readonly from: CloneStatusName,
    readonly to: CloneStatusName,
  ) {
    super(`a clone cannot go from ${from} to ${to}`);
    this.name = 'InvalidTransitionError';
  }
}

export function canTransition(from: CloneStatusName, to: CloneStatusName): boolean {
  return from === to || CLONE_TRANSITIONS[from].includes(to);
}

export function assertTransition(from: CloneStatusName, to: CloneStatusName): void {
  if (!canTransition(from, to)) throw new InvalidTransitionError(from, to);
}
