// Rules every API argument obeys, whatever the operation: text free of control, NUL and bidi
// characters and of bounded length, clone names vSphere and guests take as they are, page sizes
// and cursors the connections understand. Pure; the API applies them in one place
// (server/schema/input.ts) before any resolver runs, and the field rules in validation.ts use them.

/** The longest string any argument takes (in code points); field rules are stricter. */
export const MAX_STRING_LENGTH = 1000;

/** The largest page a connection returns; a larger `first`/`last` is refused, not cut short. */
export const MAX_PAGE_SIZE = 100;

/** The page size of a connection queried without `first`/`last`. */
export const DEFAULT_PAGE_SIZE = 20;

/** The longest list any argument takes (e.g. `nodes(ids:)`). */
export const MAX_LIST_LENGTH = 100;

/**
 * Characters no argument may contain: C0 controls (NUL, tab, newline …), DEL and C1 controls;
 * the bidi embeddings/overrides U+202A–U+202E and isolates U+2066–U+2069, and the marks
 * U+200E, U+200F and U+061C, which reorder how a name is displayed (Trojan-source style).
 * NUL would also reach PostgreSQL, which refuses it in text (error 22021).
 */
// eslint-disable-next-line no-control-regex
const FORBIDDEN_CHARACTER = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

const describe = (char: string) => `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/** Why `value` cannot be any argument's text, or null. */
export function textProblem(value: string): string | null {
  const forbidden = FORBIDDEN_CHARACTER.exec(value);
  if (forbidden) return `must not contain control or bidi characters (found ${describe(forbidden[0])})`;
  if ([...value].length > MAX_STRING_LENGTH) return `must be at most ${MAX_STRING_LENGTH} characters`;
  return null;
}

/**
 * Clone names: 5–64 characters of ASCII letters, digits, space, hyphen, underscore and dot,
 * starting and ending with a letter or digit. vSphere escapes `/`, `\` and `%` in VM names and
 * inventory paths, and guest hostnames are derived from the name, so nothing outside this set is
 * taken. The one statement of the set: the schema's description of `CreateCloneInput.name` quotes it.
 */
export const CLONE_NAME_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9 ._-]{3,62})[A-Za-z0-9]$/;

export const CLONE_NAME_RULE =
  '5–64 characters: ASCII letters, digits, space, hyphen (-), underscore (_) and dot (.), ' +
  'starting and ending with a letter or digit; unique. Leading and trailing spaces are trimmed.';

/** Why `name` (already trimmed) cannot name a clone, or null. */
export function cloneNameProblem(name: string): string | null {
  return CLONE_NAME_PATTERN.test(name) ? null : CLONE_NAME_RULE;
}

export interface PageArguments {
  first?: number | null;
  last?: number | null;
  before?: string | null;
  after?: string | null;
}

/**
 * Problems of a connection's paging arguments: sizes from 0 to MAX_PAGE_SIZE, forward (`first`,
 * `after`) or backward (`last`, `before`) paging but not a mix, and cursors this API issued.
 */
export function pageProblems(args: PageArguments, isCursor: (cursor: string) => boolean): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  for (const field of ['first', 'last'] as const) {
    const value = args[field];
    if (value !== null && value !== undefined && (!Number.isInteger(value) || value < 0 || value > MAX_PAGE_SIZE)) {
      problems.push({ field, message: `must be an integer from 0 to ${MAX_PAGE_SIZE}` });
    }
  }
  const given = (value: unknown) => value !== null && value !== undefined;
  if (given(args.first) && given(args.last)) problems.push({ field: 'last', message: 'give first or last, not both' });
  if (given(args.first) && given(args.before)) problems.push({ field: 'before', message: 'pages forward with first and after, or backward with last and before' });
  if (given(args.last) && given(args.after)) problems.push({ field: 'after', message: 'pages forward with first and after, or backward with last and before' });
  for (const field of ['before', 'after'] as const) {
    const value = args[field];
    if (given(value) && !isCursor(value!)) problems.push({ field, message: 'is not a cursor of this list' });
  }
  return problems;
}

/** The largest bound of an integer range filter (CPU cores, GB of RAM): far beyond any VM. */
export const MAX_RANGE_BOUND = 1_000_000;

export interface IntRange {
  min?: number | null;
  max?: number | null;
}

/** Problems of an integer range filter (`{ min, max }`, both included, either open): bounds from 0 to MAX_RANGE_BOUND, min ≤ max. */
export function intRangeProblems(range: IntRange): { field: 'min' | 'max'; message: string }[] {
  const problems: { field: 'min' | 'max'; message: string }[] = [];
  const given = (value: number | null | undefined): value is number => value !== null && value !== undefined;
  for (const field of ['min', 'max'] as const) {
    const value = range[field];
    if (given(value) && (!Number.isInteger(value) || value < 0 || value > MAX_RANGE_BOUND)) {
      problems.push({ field, message: `must be an integer from 0 to ${MAX_RANGE_BOUND}` });
    }
  }
  if (problems.length === 0 && given(range.min) && given(range.max) && range.min > range.max) {
    problems.push({ field: 'max', message: `must be at least min (${range.min})` });
  }
  return problems;
}

/** `value` for a LIKE pattern that matches it literally (`\` is PostgreSQL's default LIKE escape). */
export function likeLiteral(value: string): string {
  return value.replace(/[\\%_]/g, (char) => `\\${char}`);
}

/**
 * The name filters' "contains `text`, case-insensitive", as a Prisma string filter. A text of ASCII
 * characters that are not letters (digits, `-`, `.`, space) has no case, and no character
 * lowercases into one, so it matches the same rows case-sensitively: PostgreSQL's LIKE, which
 * reads them about 2.5× faster than ILIKE (issue 16: a clone number searched at 100,000 clones
 * scanned 2,200 names in 1.2 ms instead of 3.3 ms).
 */
export function containsText(text: string): { contains: string; mode?: 'insensitive' } {
  return /^[^A-Za-z\u0080-\u{10FFFF}]*$/u.test(text) ? { contains: likeLiteral(text) } : { contains: likeLiteral(text), mode: 'insensitive' };
}
