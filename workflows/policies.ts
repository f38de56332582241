// Activity options and failure helpers shared by every workflow, so all of them time out,
// heartbeat and retry the same way. Imported by workflow code: keep it deterministic.
import type { ActivityOptions, LocalActivityOptions } from '@temporalio/workflow';

const RETRYING = { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1m' } as const;

/** Faults that retrying cannot fix: activities raise them as ApplicationFailures of these types. */
export const PERMANENT_FAULTS = ['NotFound', 'DuplicateName', 'InsufficientResources', 'InvalidTransition', 'GuestTimeout', 'InvalidInput'];

/** Bookkeeping writes to PostgreSQL: quick, retried for as long as the database is away. */
export const BOOKKEEPING: ActivityOptions = {
  startToCloseTimeout: '30s',
  retry: { ...RETRYING, nonRetryableErrorTypes: PERMANENT_FAULTS },
};

/**
 * The same writes as local activities: run by the worker inside the workflow task that asks for
 * them, recorded as a marker. No activity task goes through the Temporal server, and no workflow
 * task follows to hear the result: a clone's provisioning made 6 of its 12 round trips for these
 * (issue 16). A worker that dies before the workflow task completes runs the write again, so
 * they must be idempotent. Retries back off as above; past a minute the wait is a durable timer.
 */
export const LOCAL_BOOKKEEPING: LocalActivityOptions = {
  startToCloseTimeout: BOOKKEEPING.startToCloseTimeout,
  retry: BOOKKEEPING.retry,
  localRetryThreshold: '1m',
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
