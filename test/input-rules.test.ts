// The input layer's rules on their own: text, clone names, paging, cursors, literal LIKE patterns
// and the argument path of GraphQL's coercion errors.
import { describe, expect, it } from 'vitest';
import { CLONE_NAME_RULE, cloneNameProblem, containsText, likeLiteral, MAX_PAGE_SIZE, MAX_STRING_LENGTH, pageProblems, textProblem } from '../domain/input.js';
import { coercionField } from '../server/errors.js';
import { isConnectionCursor } from '../server/schema/input.js';

describe('text rule', () => {
  it('takes ordinary text, accents and emoji', () => {
    for (const ok of ['Line 1 standby', 'Zoë’s “plant” 🚀', '', 'x'.repeat(MAX_STRING_LENGTH)]) expect(textProblem(ok)).toBeNull();
  });

  it('refuses NUL, controls, bidi controls and over-long text', () => {
    for (const bad of ['a\u0000', 'a\n', 'a\t', '\u001b[31m', '\u007f', '\u0085', '\u202a', '\u202e', '\u2066', '\u2069', '\u200e', '\u200f', '\u061c', 'x'.repeat(MAX_STRING_LENGTH + 1)]) {
      expect(textProblem(bad), JSON.stringify(bad)).not.toBeNull();
    }
  });
});

describe('clone names', () => {
  it('takes letters, digits, space, hyphen, underscore and dot between a letter or digit at each end', () => {
    for (const ok of ['Line 1 standby', 'clone-01', 'SCADA_2.standby', 'abcde', 'a'.repeat(64)]) expect(cloneNameProblem(ok)).toBeNull();
  });

  it('refuses everything else', () => {
    for (const bad of ['abcd', 'a'.repeat(65), 'a/b c d', 'a%b c d', 'a\\b c d', ' abcde', '-abcde', 'abcde.', 'Zoë standby', 'a\u00a0bcde', "a'bcde"]) {
      expect(cloneNameProblem(bad), bad).toBe(CLONE_NAME_RULE);
    }
  });
});

describe('paging', () => {
  const cursor = Buffer.from('GPC:S:0190f2a4-3b1c-7d2e-8f00-123456789abc').toString('base64');
  const fields = (args: Parameters<typeof pageProblems>[0]) => pageProblems(args, isConnectionCursor).map((p) => p.field);

  it('takes forward and backward pages up to the maximum size', () => {
    expect(fields({})).toEqual([]);
    expect(fields({ first: 0 })).toEqual([]);
    expect(fields({ first: MAX_PAGE_SIZE, after: cursor })).toEqual([]);
    expect(fields({ last: 10, before: cursor })).toEqual([]);
  });

  it('refuses negative or oversized pages, mixed directions and foreign cursors', () => {
    expect(fields({ first: -1 })).toEqual(['first']);
    expect(fields({ last: MAX_PAGE_SIZE + 1 })).toEqual(['last']);
    expect(fields({ first: 1, last: 1 })).toEqual(['last']);
    expect(fields({ first: 1, before: cursor })).toEqual(['before']);
    expect(fields({ last: 1, after: cursor })).toEqual(['after']);
    expect(fields({ after: 'R1BDOlM6MQ==' })).toEqual(['after']); // GPC:S:1
    expect(fields({ after: `${cursor}\n` })).toEqual(['after']); // not the canonical spelling
  });
});

describe('literal LIKE patterns', () => {
  it('escapes the wildcards and the escape character', () => {
    expect(likeLiteral('100%_done\\')).toBe('100\\%\\_done\\\\');
    expect(likeLiteral('plain')).toBe('plain');
  });

  it('match case-insensitively, except a text without letters, which has no case', () => {
    expect(containsText('VM-03')).toEqual({ contains: 'VM-03', mode: 'insensitive' });
    expect(containsText('-03')).toEqual({ contains: '-03' });
    expect(containsText('1.2 3_4%')).toEqual({ contains: '1.2 3\\_4\\%' });
    // Outside ASCII a caseless-looking character may come from lowercasing another (İ → i̇).
    expect(containsText('\u0307')).toEqual({ contains: '\u0307', mode: 'insensitive' });
    expect(containsText('ß')).toEqual({ contains: 'ß', mode: 'insensitive' });
  });
});

describe('coercion errors', () => {
  it('name the argument path', () => {
    expect(coercionField('Variable "$input" got invalid value "two" at "input.cpu"; Int cannot represent non-integer value: "two"')).toBe('input.cpu');
    expect(coercionField('Variable "$input" got invalid value {}; Field "name" of required type "String!" was not provided.')).toBe('input.name');
    expect(coercionField('Variable "$input" got invalid value { x: 1 }; Field "x" is not defined by type "CreateCloneInput".')).toBe('input.x');
    expect(coercionField('Variable "$ids" got invalid value 1 at "ids[1]"; ID cannot represent value: {}')).toBe('ids.1');
    expect(coercionField('Variable "$cloneId" of required type "ID!" was not provided.')).toBe('cloneId');
    expect(coercionField('Cannot query field "x" on type "Query".')).toBeNull();
  });
});
