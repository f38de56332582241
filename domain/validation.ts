// Field rules of DESIGN.md §1, shared by the API (input checks) and the seed. Each check returns
// problems rather than throwing, so a client learns about every bad field in one round trip.
import type { FieldProblem } from './errors.js';
import { cloneNameProblem } from './input.js';
import { RPO_TARGET_RANGE } from './failoverReadiness.js';

export const USERNAME_PATTERN = /^[a-z][a-z0-9_]{2,29}$/;

export class Problems {
  readonly list: FieldProblem[] = [];

  add(field: string, message: string): void {
    this.list.push({ field, message });
  }

  length(field: string, value: string, min: number, max?: number): void {
    const n = [...value].length;
    if (n < min) this.add(field, `must be at least ${min} characters`);
    else if (max !== undefined && n > max) this.add(field, `must be at most ${max} characters`);
  }

  intAtLeast(field: string, value: number, min: number): void {
    if (!Number.isInteger(value) || value < min) this.add(field, `must be an integer of at least ${min}`);
  }

  get empty(): boolean {
    return this.list.length === 0;
  }
}

export interface CloneInputFields {
  name: string;
  description?: string | null;
  cpu: number;
  ramGb: number;
}

/**
 * Shape rules of a clone; references and capacity are checked against the database. Name and
 * description are judged (and stored) trimmed; the description is optional (omitted, empty or
 * spaces only is stored empty).
 */
export function checkCloneInput(input: CloneInputFields, prefix = 'input'): Problems {
  const problems = new Problems();
  const nameProblem = cloneNameProblem(input.name.trim());
  if (nameProblem) problems.add(`${prefix}.name`, nameProblem);
  problems.length(`${prefix}.description`, (input.description ?? '').trim(), 0, 128);
  problems.intAtLeast(`${prefix}.cpu`, input.cpu, 1);
  problems.intAtLeast(`${prefix}.ramGb`, input.ramGb, 1);
  return problems;
}

export function checkUserInput(input: { username: string; name: string }, prefix = 'input'): Problems {
  const problems = new Problems();
  if (!USERNAME_PATTERN.test(input.username)) {
    problems.add(`${prefix}.username`, '3–30 lowercase letters, digits or underscores, starting with a letter');
  }
  problems.length(`${prefix}.name`, input.name.trim(), 5, 100);
  return problems;
}

export function checkApplicationInput(input: { name: string; description: string }, prefix = 'input'): Problems {
  const problems = new Problems();
  problems.length(`${prefix}.name`, input.name.trim(), 5, 100);
  // Optional: a description of spaces only is stored as the empty one.
  problems.length(`${prefix}.description`, input.description.trim(), 0, 1000);
  return problems;
}

/** Snapshots more often than this would overlap on real vSphere (a snapshot takes minutes). */
export const MIN_SCHEDULE_INTERVAL_SECONDS = 300;
export const MAX_RETENTION = 1000;

export interface ConfigurationScheduleFields {
  scheduleIntervalSeconds?: number | null;
  scheduleCron?: string | null;
  retention?: number | null;
  /** The standby lag a clone may have and be ready for failover (domain/failoverReadiness.ts). */
  rpoTargetSeconds?: number | null;
}

export function checkConfigurationInput(
  input: { name: string } & ConfigurationScheduleFields,
  prefix = 'input',
): Problems {
  const problems = new Problems();
  problems.length(`${prefix}.name`, input.name.trim(), 5, 100);
  checkSchedule(problems, input, prefix);
  return problems;
}

/** Exactly one of interval and cron; `retention` keeps at least one snapshot to restore from. */
export function checkSchedule(problems: Problems, input: ConfigurationScheduleFields, prefix = 'input'): void {
  const hasInterval = input.scheduleIntervalSeconds !== null && input.scheduleIntervalSeconds !== undefined;
  const hasCron = input.scheduleCron !== null && input.scheduleCron !== undefined;
  if (hasInterval === hasCron) {
    problems.add(`${prefix}.scheduleIntervalSeconds`, 'give exactly one of scheduleIntervalSeconds and scheduleCron');
  }
  if (hasInterval) problems.intAtLeast(`${prefix}.scheduleIntervalSeconds`, input.scheduleIntervalSeconds!, MIN_SCHEDULE_INTERVAL_SECONDS);
  if (hasCron) {
    const error = cronError(input.scheduleCron!);
    if (error) problems.add(`${prefix}.scheduleCron`, error);
  }
  if (input.rpoTargetSeconds !== null && input.rpoTargetSeconds !== undefined) {
    const { min, max } = RPO_TARGET_RANGE;
    if (!Number.isInteger(input.rpoTargetSeconds) || input.rpoTargetSeconds < min || input.rpoTargetSeconds > max) {
      problems.add(`${prefix}.rpoTargetSeconds`, `must be an integer from ${min} to ${max} (seconds)`);
    }
  }
  if (input.retention !== null && input.retention !== undefined) {
    if (!Number.isInteger(input.retention) || input.retention < 1 || input.retention > MAX_RETENTION) {
      problems.add(`${prefix}.retention`, `must be an integer from 1 to ${MAX_RETENTION}`);
    }
  }
}

// The five standard cron fields, which Temporal Schedules accept as `cronExpressions`.
const CRON_FIELDS = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12 },
  { name: 'day of week', min: 0, max: 7 },
] as const;

/** Why `expression` is not a five-field cron expression (numbers, `*`, ranges, lists, steps), or null. */
export function cronError(expression: string): string | null {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== CRON_FIELDS.length) return 'must have five fields: minute hour day-of-month month day-of-week';
  for (const [index, part] of parts.entries()) {
    const field = CRON_FIELDS[index]!;
    for (const item of part.split(',')) {
      const match = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(item);
      const numbers = match ? [match[2], match[3]].filter((n): n is string => n !== undefined).map(Number) : [];
      const step = match?.[4] === undefined ? 1 : Number(match[4]);
      if (!match || step < 1 || numbers.some((n) => n < field.min || n > field.max) || (numbers.length === 2 && numbers[0]! > numbers[1]!)) {
        return `invalid ${field.name} "${item}" (allowed ${field.min}–${field.max})`;
      }
    }
  }
  return null;
}
