// Two kinds of failure an integrator handles differently: the API answered and refused
// (EnclaveError, with the API's machine-readable code and the offending input field), or no
// usable answer arrived at all (EnclaveNetworkError: unreachable, a proxy's error page, a closed
// socket), where retrying later is the usual remedy.

import { ErrorCode } from './generated/enums.js';

/** The codes the API puts in `extensions.code`: its schema's ErrorCode enum (see the API's README, "Errors"). */
export type EnclaveErrorCode = ErrorCode;

const CODES: ReadonlySet<string> = new Set<string>(Object.values(ErrorCode));

export interface FieldProblem {
  /** The input path, e.g. `input.name`. */
  field: string;
  message: string;
}

/** One entry of a GraphQL response's `errors`, as the server sent it. */
export interface GraphQLErrorPayload {
  message: string;
  path?: ReadonlyArray<string | number>;
  extensions?: Record<string, unknown>;
}

/** The API refused the operation. `code`, `field` and `problems` describe the first error. */
export class EnclaveError extends Error {
  override readonly name = 'EnclaveError';
  readonly code: EnclaveErrorCode;
  /** The input field at fault, for input errors (`input.name`, `cloneId`, ...). */
  readonly field: string | undefined;
  /** Every bad field when validation found several. */
  readonly problems: FieldProblem[];
  /** Every error of the response, including the first. */
  readonly errors: GraphQLErrorPayload[];

  constructor(errors: GraphQLErrorPayload[]) {
    const first = errors[0] ?? { message: 'Unknown error' };
    super(first.message);
    this.errors = errors;
    this.code = codeOf(first);
    const { field, problems } = first.extensions ?? {};
    this.field = typeof field === 'string' ? field : undefined;
    this.problems = Array.isArray(problems) ? (problems as FieldProblem[]) : [];
  }
}

/** No usable GraphQL answer: the server was unreachable, the socket closed, or the reply was not GraphQL. */
export class EnclaveNetworkError extends Error {
  override readonly name = 'EnclaveNetworkError';
  /** The HTTP status, when a response arrived. */
  readonly status: number | undefined;

  constructor(message: string, options: { status?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.status = options.status;
  }
}

// GraphQL's own errors (a document the server's schema does not know, e.g. an SDK newer than the
// server, or variables of the wrong type) carry no code of ours but are refusals of the input,
// located in the document rather than at a result path; anything else unknown is the server's.
function codeOf(error: GraphQLErrorPayload): EnclaveErrorCode {
  const code = error.extensions?.code;
  if (typeof code === 'string' && CODES.has(code)) return code as EnclaveErrorCode;
  return error.path ? 'INTERNAL' : 'VALIDATION';
}
