// The clone request rules (domain/cloneRequests.ts), without Temporal: every request kind in every
// status, in and out of failover, with the queued requests that change the answer.
import { describe, expect, it } from 'vitest';
import { CLONE_STATUSES, type CloneStatusName } from '../domain/cloneStatus.js';
import {
  deleteRejection,
  POWER_FROM,
  requestRejection,
  type CloneRequestKind,
  type CloneRequestRuleInput,
  type CloneRequestState,
  type PowerAction,
} from '../domain/cloneRequests.js';

const serving = (status: CloneStatusName, more: Partial<CloneRequestState> = {}): CloneRequestState => ({
  phase: 'serving',
  status,
  failover: false,
  deleteRequested: false,
  queued: [],
  ...more,
});

const REQUESTS: CloneRequestRuleInput[] = [
  { kind: 'startFailover' },
  { kind: 'endFailover' },
  { kind: 'createSnapshot' },
  { kind: 'restore' },
  ...(['start', 'stop', 'suspend', 'resume', 'reboot'] as const).map((action) => ({ kind: 'power' as const, action })),
];
const label = (request: CloneRequestRuleInput) => (request.kind === 'power' ? `power ${request.action}` : request.kind);

describe('a clone that is not serving', () => {
  it.each(REQUESTS.map((r) => [label(r), r] as const))('refuses %s while it is being deleted, in every phase', (_, request) => {
    for (const phase of ['provisioning', 'serving', 'failed'] as const) {
      expect(requestRejection(request, serving('RUNNING', { phase, deleteRequested: true }))).toBe('the clone is being deleted');
    }
    for (const phase of ['deleting', 'deleted'] as const) {
      expect(requestRejection(request, serving('DELETING', { phase }))).toBe('the clone is being deleted');
    }
  });

  it.each(REQUESTS.map((r) => [label(r), r] as const))('refuses %s while provisioning or after it failed, naming the status', (_, request) => {
    expect(requestRejection(request, serving('PROVISIONING', { phase: 'provisioning' }))).toBe('the clone is PROVISIONING');
    expect(requestRejection(request, serving('STARTING', { phase: 'provisioning' }))).toBe('the clone is STARTING');
    expect(requestRejection(request, serving('FAILED', { phase: 'failed' }))).toBe('the clone is FAILED');
  });
});

describe('power actions', () => {
  const cases = (Object.keys(POWER_FROM) as PowerAction[]).flatMap((action) =>
    CLONE_STATUSES.map((status) => [action, status, POWER_FROM[action].includes(status)] as const),
  );

  it.each(cases)('%s from %s: allowed %s (not in failover)', (action, status, allowed) => {
    const reason = requestRejection({ kind: 'power', action }, serving(status));
    expect(reason).toBe(allowed ? null : `cannot ${action} a clone that is ${status}`);
  });

  it('starts from STOPPED or CRASHED, stops from any running or crashed status, suspends and reboots only RUNNING, resumes only PAUSED', () => {
    expect(POWER_FROM).toEqual({
      start: ['STOPPED', 'CRASHED'],
      stop: ['RUNNING', 'STARTING', 'PAUSED', 'CRASHED'],
      suspend: ['RUNNING'],
      resume: ['PAUSED'],
      reboot: ['RUNNING'],
    });
  });

  it.each(['stop', 'suspend'] as const)('refuses to %s the active system during failover', (action) => {
    expect(requestRejection({ kind: 'power', action }, serving('RUNNING', { failover: true }))).toBe(
      `the clone is the active system (failover); end failover before you ${action} it`,
    );
  });

  it('still reboots, and refuses an impossible action by its status first, during failover', () => {
    expect(requestRejection({ kind: 'power', action: 'reboot' }, serving('RUNNING', { failover: true }))).toBeNull();
    expect(requestRejection({ kind: 'power', action: 'stop' }, serving('STOPPED', { failover: true }))).toBe('cannot stop a clone that is STOPPED');
  });
});

describe('failover', () => {
  it.each(CLONE_STATUSES.map((status) => [status] as const))('starts only from RUNNING (here %s)', (status) => {
    const reason = requestRejection({ kind: 'startFailover' }, serving(status));
    expect(reason).toBe(status === 'RUNNING' ? null : `failover needs a RUNNING clone; it is ${status}`);
  });

  it('refuses a second start, in failover or with one queued', () => {
    expect(requestRejection({ kind: 'startFailover' }, serving('RUNNING', { failover: true }))).toBe('the clone is already in failover');
    expect(requestRejection({ kind: 'startFailover' }, serving('RUNNING', { queued: ['startFailover'] }))).toBe('the clone is already in failover');
  });

  it('ends only in failover or with a start queued', () => {
    expect(requestRejection({ kind: 'endFailover' }, serving('RUNNING'))).toBe('the clone is not in failover');
    expect(requestRejection({ kind: 'endFailover' }, serving('RUNNING', { failover: true }))).toBeNull();
    expect(requestRejection({ kind: 'endFailover' }, serving('RUNNING', { queued: ['startFailover'] }))).toBeNull();
  });

  const failbackQueues: Array<[string, CloneRequestKind[]]> = [
    ['an end of failover', ['endFailover']],
    ['a manual snapshot (which fails back)', ['createSnapshot']],
  ];
  it.each(failbackQueues)('refuses to end a failover twice: %s is queued', (_, queued) => {
    expect(requestRejection({ kind: 'endFailover' }, serving('RUNNING', { failover: true, queued }))).toBe('failback is already under way');
    expect(requestRejection({ kind: 'createSnapshot' }, serving('RUNNING', { failover: true, queued }))).toBe('failback is already under way');
  });

  it('does not count a queued snapshot as failback outside failover', () => {
    expect(requestRejection({ kind: 'createSnapshot' }, serving('RUNNING', { queued: ['createSnapshot'] }))).toBeNull();
    expect(requestRejection({ kind: 'endFailover' }, serving('RUNNING', { queued: ['startFailover', 'createSnapshot'] }))).toBeNull();
  });

  it('counts a queued end of failover even before failover has started', () => {
    const queued: CloneRequestKind[] = ['startFailover', 'endFailover'];
    expect(requestRejection({ kind: 'endFailover' }, serving('RUNNING', { queued }))).toBe('failback is already under way');
  });
});

describe('manual snapshots', () => {
  it.each(CLONE_STATUSES.map((status) => [status] as const))('need the clone VM (here %s)', (status) => {
    const allowed = ['RUNNING', 'STOPPED', 'PAUSED'].includes(status);
    expect(requestRejection({ kind: 'createSnapshot' }, serving(status))).toBe(
      allowed ? null : `a snapshot needs the clone VM; the clone is ${status}`,
    );
  });

  it('are accepted during failover (they fail back)', () => {
    expect(requestRejection({ kind: 'createSnapshot' }, serving('RUNNING', { failover: true }))).toBeNull();
  });
});

describe('point-in-time restore', () => {
  const restore = { kind: 'restore' } as const;

  it('is accepted only for a RUNNING clone', () => {
    for (const status of CLONE_STATUSES) {
      const reason = requestRejection(restore, serving(status));
      if (status === 'RUNNING') expect(reason).toBeNull();
      else expect(reason, status).not.toBeNull();
    }
  });

  it('never overwrites the active system: refused in failover or with failover queued', () => {
    expect(requestRejection(restore, serving('RUNNING', { failover: true }))).toMatch(/active system.*end failover/);
    expect(requestRejection(restore, serving('RUNNING', { queued: ['startFailover'] }))).toMatch(/active system/);
  });

  it('is refused while a power action or another restore is queued', () => {
    expect(requestRejection(restore, serving('RUNNING', { queued: ['power'] }))).toMatch(/power action is queued/);
    expect(requestRejection(restore, serving('RUNNING', { queued: ['restore'] }))).toMatch(/already queued/);
    expect(requestRejection(restore, serving('RUNNING', { queued: ['createSnapshot'] }))).toBeNull();
  });
});

describe('delete', () => {
  it.each(['provisioning', 'serving', 'failed'] as const)('is accepted once while %s', (phase) => {
    expect(deleteRejection({ phase, deleteRequested: false })).toBeNull();
    expect(deleteRejection({ phase, deleteRequested: true })).toBe('the clone is already being deleted');
  });

  it.each(['deleting', 'deleted'] as const)('is refused while %s', (phase) => {
    expect(deleteRejection({ phase, deleteRequested: false })).toBe('the clone is already being deleted');
  });
  it('is refused in failover, or with a failover queued: end failover first', () => {
    const reason = 'the clone is the active system (failover): end failover first';
    expect(deleteRejection({ phase: 'serving', deleteRequested: false, failover: true, queued: [] })).toBe(reason);
    expect(deleteRejection({ phase: 'serving', deleteRequested: false, failover: false, queued: ['startFailover'] })).toBe(reason);
    expect(deleteRejection({ phase: 'serving', deleteRequested: false, failover: false, queued: ['power', 'endFailover'] })).toBeNull();
  });
});

describe('requests that would be dropped when served are refused now', () => {
  const power = (action: PowerAction): CloneRequestRuleInput => ({ kind: 'power', action });

  it.each(['start', 'stop', 'suspend', 'resume', 'reboot'] as const)('refuses %s while another power action is queued', (action) => {
    const from = POWER_FROM[action][0]!;
    expect(requestRejection(power(action), serving(from, { queued: ['power'] }))).toBe(
      `another power action is queued; ${action} the clone once it is done`,
    );
    expect(requestRejection(power(action), serving(from))).toBeNull();
  });

  it('refuses a second stop while the first is queued', () => {
    expect(requestRejection(power('stop'), serving('RUNNING', { queued: ['power'] }))).toMatch(/another power action is queued/);
  });

  it.each(['stop', 'suspend'] as const)('refuses to %s a clone whose failover is queued', (action) => {
    expect(requestRejection(power(action), serving('RUNNING', { queued: ['startFailover'] }))).toBe(
      `the clone is the active system (failover); end failover before you ${action} it`,
    );
  });

  it('refuses failover while a power action is queued, and still reboots with failover queued', () => {
    expect(requestRejection({ kind: 'startFailover' }, serving('RUNNING', { queued: ['power'] }))).toBe(
      'a power action is queued; start failover once it is done',
    );
    expect(requestRejection(power('reboot'), serving('RUNNING', { queued: ['startFailover'] }))).toBeNull();
  });
});
