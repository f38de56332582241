// Activity options and failure helpers shared by every workflow, so all of them time out,
// heartbeat and retry the same way. Imported by workflow code: keep it deterministic.
import type { ActivityOptions } from '@temporalio/workflow';

const RETRYING = { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1m' } as const;

/** Faults that retrying cannot fix: activities raise them as ApplicationFailures of these types. */
export const PERMANENT_FAULTS = ['NotFound', 'DuplicateName', 'InsufficientResources', 'InvalidTransition', 'GuestTimeout', 'InvalidInput'];

/** Bookkeeping writes to PostgreSQL: quick, retried for as long as the database is away. */
export const BOOKKEEPING: ActivityOptions = {
  startToCloseTimeout: '30s',
  retry: { ...RETRYING, nonRetryableErrorTypes: PERMANENT_FAULTS },
};

/**
 * vSphere tasks: minutes long, heartbeating progress (the vSphere client reports at least every
 * 10 s), retried a few times for transient faults. A worker that dies mid-task is noticed in 30 s.
 */
export const VSPHERE_TASK: ActivityOptions = {
  startToCloseTimeout: '30m',
  heartbeatTimeout: '30s',
  retry: { ...RETRYING, maximumAttempts: 5, nonRetryableErrorTypes: PERMANENT_FAULTS },
};

/**
 * Waiting for a guest (alone or inside a restore): the activity enforces the configurable deadline.
 * It heartbeats at least every 10 s too, so a dead worker is noticed in 30 s, as for vSphere tasks
 * (a restore cut by a worker crash used to wait a minute before another worker took it over).
 */
export const GUEST_WAIT: ActivityOptions = {
  startToCloseTimeout: '3h',
  heartbeatTimeout: '30s',
  retry: { ...RETRYING, maximumAttempts: 3, nonRetryableErrorTypes: PERMANENT_FAULTS },
};

/** Activity failures wrap the real cause; the innermost message is the one an operator needs. */
export function failureReason(error: unknown): string {
  let current: unknown = error;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  return current instanceof Error ? current.message : String(error);
}
