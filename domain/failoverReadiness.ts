// Whether a clone is ready to become the active system (DESIGN.md §2, Start failover): it is
// RUNNING, not in failover already, its last restore succeeded and its standby lag is within its
// configuration's RPO target. Pure; the API's `Clone.failoverReadiness` and startFailover's
// refusal both read it. `force` overrides the restore and lag reasons only: a clone that is not
// RUNNING, or another active system of the configuration, is refused even when forced.
import type { CloneStatusName } from './cloneStatus.js';

/** The RPO target of a configuration created without one: two snapshot intervals, else a day. */
export function defaultRpoTargetSeconds(schedule: { scheduleIntervalSeconds?: number | null }): number {
  return schedule.scheduleIntervalSeconds ? 2 * schedule.scheduleIntervalSeconds : 86_400;
}

/** The RPO targets a configuration accepts: a minute to a year. */
export const RPO_TARGET_RANGE = { min: 60, max: 31_536_000 } as const;

/** The one rule of "behind its RPO": a standby lag (null before the first restore) past the target. */
export function exceedsRpo(standbyLagSeconds: number | null, rpoTargetSeconds: number): boolean {
  return standbyLagSeconds !== null && standbyLagSeconds > rpoTargetSeconds;
}

export interface ReadinessInput {
  status: CloneStatusName;
  failover: boolean;
  /** The clone's newest finished restore, if any. */
  lastRestore: { status: 'DONE' | 'FAILED' | 'CANCELLED'; finishedAt: Date | null; error: string | null } | null;
  /** When the state the clone holds was captured (null before its first restore). */
  lastRestoredAt: Date | null;
  rpoTargetSeconds: number;
  now: Date;
}

export interface Readiness {
  ready: boolean;
  /** Why not, one sentence each; empty when ready. */
  reasons: string[];
  /** The reasons `force` cannot override. */
  blocking: string[];
  standbyLagSeconds: number | null;
}

export function failoverReadiness(input: ReadinessInput): Readiness {
  const blocking: string[] = [];
  const overridable: string[] = [];
  if (input.failover) blocking.push('the clone is already the active system (failover)');
  if (input.status !== 'RUNNING') blocking.push(`the clone is ${input.status}; failover needs a RUNNING clone`);
  const lag = input.lastRestoredAt ? Math.max(0, Math.floor((input.now.getTime() - input.lastRestoredAt.getTime()) / 1000)) : null;
  if (input.lastRestore === null) {
    overridable.push('the clone has not received a snapshot of the primary yet');
  } else if (input.lastRestore.status !== 'DONE') {
    const when = input.lastRestore.finishedAt ? ` at ${input.lastRestore.finishedAt.toISOString()}` : '';
    const why = input.lastRestore.error ? `: ${input.lastRestore.error}` : '';
    overridable.push(`its last restore ended ${input.lastRestore.status}${when}${why}`);
  }
  if (exceedsRpo(lag, input.rpoTargetSeconds)) {
    overridable.push(`its standby lag (${lag} s) exceeds the configuration's RPO target (${input.rpoTargetSeconds} s)`);
  }
  const reasons = [...blocking, ...overridable];
  return { ready: reasons.length === 0, reasons, blocking, standbyLagSeconds: lag };
}
