// Errors the API reports to clients with a machine-readable code. The server turns them into
// GraphQL errors (extensions.code / extensions.field); anything else is masked as internal.

/**
 * Every code the API puts in `extensions.code`, with what it means. The one list: the schema's
 * ErrorCode enum is built from it, and the SDK's error type is generated from the schema.
 */
export const ERROR_CODES = {
  VALIDATION:
    'An input is malformed or out of range; `field` (and `problems`) name the inputs at fault. No string argument ' +
    'may hold control characters (NUL, newline, tab …), bidi controls (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, ' +
    'U+061C) or more than 1000 characters; IDs must be IDs this API issued; pages and list arguments hold at most 100 items.',
  NOT_FOUND: 'An object the operation refers to does not exist.',
  FORBIDDEN: "The caller's role does not allow the operation.",
  UNAUTHENTICATED: 'No valid session: log in and send `Authorization: Bearer <token>`.',
  INVALID_STATE: 'The object is not in a state that allows the operation.',
  CONFLICT: 'The operation clashes with an existing object or a concurrent request.',
  RATE_LIMITED: 'Too many attempts; try again later.',
  UNAVAILABLE: 'A service the operation needs (the database, Temporal, vSphere) did not answer; retrying later may work.',
  INTERNAL: 'An unexpected failure of the server; the details are in its log, never in the response.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface FieldProblem {
  field: string;
  message: string;
}

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
    /** Every field problem when a validation found several. */
    readonly problems?: FieldProblem[],
  ) {
    super(message);
    this.name = 'AppError';
  }

  /** What clients see besides the message; GraphQL copies this onto the error that wraps it. */
  get extensions(): { code: ErrorCode; field?: string; problems?: FieldProblem[] } {
    return {
      code: this.code,
      ...(this.field ? { field: this.field } : {}),
      ...(this.problems ? { problems: this.problems } : {}),
    };
  }
}

export const validationError = (problems: FieldProblem[]) =>
  new AppError('VALIDATION', problems.map((p) => `${p.field}: ${p.message}`).join('; '), problems[0]?.field, problems);

export const notFound = (what: string, field?: string) => new AppError('NOT_FOUND', `${what} not found`, field);

export const conflict = (message: string, field?: string) => new AppError('CONFLICT', message, field);

export const invalidState = (message: string) => new AppError('INVALID_STATE', message);
