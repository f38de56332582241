// The API's errors as the UI shows them: `extensions.code` (domain/errors.ts) and, for input
// problems, `extensions.problems` / `extensions.field` (e.g. `input.name`).
import type { CombinedError } from 'urql';

export interface FieldProblem {
  field: string;
  message: string;
}

export interface ApiError {
  code: string;
  message: string;
  problems: FieldProblem[];
}

const FRIENDLY: Record<string, string> = {
  RATE_LIMITED: 'Too many attempts. Wait a few minutes and try again.',
  UNAVAILABLE: 'A service Enclave needs did not answer. Try again shortly.',
  INTERNAL: 'Enclave failed unexpectedly; the details are in the server log.',
  FORBIDDEN: 'Your role does not allow this.',
};

export function apiError(error: CombinedError | undefined | null): ApiError | null {
  if (!error) return null;
  if (error.networkError && error.graphQLErrors.length === 0) {
    return { code: 'NETWORK', message: 'Enclave could not be reached. Check the connection and try again.', problems: [] };
  }
  const first = error.graphQLErrors[0];
  const extensions = (first?.extensions ?? {}) as { code?: string; field?: string; problems?: FieldProblem[] };
  const code = extensions.code ?? 'INTERNAL';
  const message = first?.message ?? error.message;
  const problems =
    extensions.problems && extensions.problems.length > 0
      ? extensions.problems
      : extensions.field
        ? [{ field: extensions.field, message }]
        : [];
  return { code, message: code in FRIENDLY && code !== 'FORBIDDEN' ? FRIENDLY[code]! : message, problems };
}

/** The problems of one input field (`input.name` → `name`). */
export function problemsFor(error: ApiError | null, field: string, prefix = 'input.'): string[] {
  return (error?.problems ?? []).filter((p) => p.field === `${prefix}${field}`).map((p) => p.message);
}
