// Field rules of DESIGN.md §1, shared by the API (input checks) and the seed. Each check returns
// problems rather than throwing, so a client learns about every bad field in one round trip.
import type { FieldProblem } from './errors.js';

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
  description: string;
  cpu: number;
  ramGb: number;
}

/** Shape rules of a clone; references and capacity are checked against the database. */
export function checkCloneInput(input: CloneInputFields, prefix = 'input'): Problems {
  const problems = new Problems();
  problems.length(`${prefix}.name`, input.name.trim(), 5, 64);
  problems.length(`${prefix}.description`, input.description, 1, 128);
  problems.intAtLeast(`${prefix}.cpu`, input.cpu, 1);
  problems.intAtLeast(`${prefix}.ramGb`, input.ramGb, 1);
  return problems;
}

export function checkUserInput(input: { username: string; name: string }, prefix = 'input'): Problems {
  const problems = new Problems();
  if (!USERNAME_PATTERN.test(input.username)) {
    problems.add(`${prefix}.username`, '3–30 lowercase letters, digits or underscores, starting with a letter');
  }
  problems.length(`${prefix}.name`, input.name, 5, 100);
  return problems;
}
