// Errors the API reports to clients with a machine-readable code. The server turns them into
// GraphQL errors (extensions.code / extensions.field); anything else is masked as internal.

export type ErrorCode =
  | 'VALIDATION'
  | 'NOT_FOUND'
  | 'FORBIDDEN'
  | 'UNAUTHENTICATED'
  | 'INVALID_STATE'
  | 'CONFLICT'
  | 'RATE_LIMITED'
  /** A service the operation needs (Temporal, vSphere) did not answer; retrying later may work. */
  | 'UNAVAILABLE';

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
