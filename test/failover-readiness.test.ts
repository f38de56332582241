// The failover readiness rule (domain/failoverReadiness.ts) and the operation type of each request
// (domain/operations.ts), without the stack.
import { describe, expect, it } from 'vitest';
import { defaultRpoTargetSeconds, failoverReadiness, type ReadinessInput } from '../domain/failoverReadiness.js';
import { operationType } from '../domain/operations.js';

const now = new Date('2026-11-23T12:00:00Z');
const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000);
const ready: ReadinessInput = {
  status: 'RUNNING',
  failover: false,
  lastRestore: { status: 'DONE', finishedAt: minutesAgo(9), error: null },
  lastRestoredAt: minutesAgo(10),
  rpoTargetSeconds: 3600,
  now,
};

describe('failover readiness', () => {
  it('is ready when RUNNING, not in failover, the last restore DONE and the lag within the RPO target', () => {
    expect(failoverReadiness(ready)).toEqual({ ready: true, reasons: [], blocking: [], standbyLagSeconds: 600 });
  });

  it('is not ready, overridably, without a restore, after a failed one, or lagging', () => {
    expect(failoverReadiness({ ...ready, lastRestore: null, lastRestoredAt: null })).toMatchObject({
      ready: false,
      blocking: [],
      reasons: ['the clone has not received a snapshot of the primary yet'],
      standbyLagSeconds: null,
    });
    const failed = failoverReadiness({ ...ready, lastRestore: { status: 'FAILED', finishedAt: minutesAgo(1), error: 'vSphere said no' } });
    expect(failed.reasons).toEqual(['its last restore ended FAILED at 2026-11-23T11:59:00.000Z: vSphere said no']);
    expect(failed.blocking).toEqual([]);
    const lagging = failoverReadiness({ ...ready, lastRestoredAt: minutesAgo(61) });
    expect(lagging.reasons).toEqual(["its standby lag (3660 s) exceeds the configuration's RPO target (3600 s)"]);
    expect(failoverReadiness({ ...ready, lastRestoredAt: minutesAgo(60) }).ready).toBe(true);
  });

  it('blocks, beyond what force overrides, a clone that is not RUNNING or already in failover', () => {
    expect(failoverReadiness({ ...ready, status: 'STOPPED' }).blocking).toEqual(['the clone is STOPPED; failover needs a RUNNING clone']);
    expect(failoverReadiness({ ...ready, failover: true }).blocking).toEqual(['the clone is already the active system (failover)']);
  });

  it('defaults the RPO target to two snapshot intervals, or a day for cron schedules', () => {
    expect(defaultRpoTargetSeconds({ scheduleIntervalSeconds: 3600 })).toBe(7200);
    expect(defaultRpoTargetSeconds({ scheduleIntervalSeconds: null })).toBe(86_400);
  });
});

describe('operation types', () => {
  it('name every request the clone workflow serves', () => {
    expect(operationType({ kind: 'startFailover' })).toBe('START_FAILOVER');
    expect(operationType({ kind: 'endFailover' })).toBe('END_FAILOVER');
    expect(operationType({ kind: 'createSnapshot' })).toBe('CREATE_SNAPSHOT');
    expect(operationType({ kind: 'restore' })).toBe('RESTORE');
    expect(operationType({ kind: 'delete' })).toBe('DELETE');
    expect((['start', 'stop', 'suspend', 'resume', 'reboot'] as const).map((action) => operationType({ kind: 'power', action }))).toEqual([
      'POWER_ON',
      'POWER_OFF',
      'SUSPEND',
      'RESUME',
      'REBOOT',
    ]);
  });
});
