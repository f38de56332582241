// GraphQL over HTTP with fetch: one POST per operation, the bearer token resolved per request so
// a `getToken` can refresh it, and every failure turned into EnclaveError or EnclaveNetworkError.
import { EnclaveError, EnclaveNetworkError, type GraphQLErrorPayload } from './errors.js';
import type { TypedDocumentString } from './generated/graphql.js';

export type TokenSource = () => string | null | undefined | Promise<string | null | undefined>;

export interface RequestOptions {
  /** Aborts the request; the promise then rejects with the signal's reason. */
  signal?: AbortSignal;
}

export interface HttpTransportOptions {
  url: string;
  getToken: TokenSource;
  fetch: typeof fetch;
  headers: Record<string, string>;
}

interface GraphQLResponse {
  data?: Record<string, unknown> | null;
  errors?: GraphQLErrorPayload[];
}

export type HttpRequest = <R, V>(document: TypedDocumentString<R, V>, variables: V | undefined, options?: RequestOptions) => Promise<R>;

export function createHttpTransport(options: HttpTransportOptions): HttpRequest {
  return async (document, variables, requestOptions = {}) => {
    const token = await options.getToken();
    let response: Response;
    try {
      response = await options.fetch(options.url, {
        method: 'POST',
        headers: {
          ...options.headers,
          'content-type': 'application/json',
          accept: 'application/graphql-response+json, application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify({ query: document.toString(), variables: variables ?? {} }),
        ...(requestOptions.signal ? { signal: requestOptions.signal } : {}),
      });
    } catch (error) {
      if (requestOptions.signal?.aborted) throw requestOptions.signal.reason;
      throw new EnclaveNetworkError(`Enclave API unreachable at ${options.url}: ${messageOf(error)}`, { cause: error });
    }
    const body = await readBody(response);
    // A GraphQL error answer may come with a 4xx status (graphql-response+json); it is still an
    // answer from the API, so its errors win over the status.
    if (body?.errors?.length) throw new EnclaveError(body.errors);
    if (!response.ok || !body?.data) {
      throw new EnclaveNetworkError(`Enclave API answered HTTP ${response.status} without a GraphQL result`, {
        status: response.status,
      });
    }
    return body.data as never;
  };
}

async function readBody(response: Response): Promise<GraphQLResponse | undefined> {
  const type = response.headers.get('content-type') ?? '';
  if (!type.includes('json')) return undefined;
  try {
    return (await response.json()) as GraphQLResponse;
  } catch {
    return undefined;
  }
}

export function messageOf(error: unknown): string {
  if (error instanceof Error) {
    // fetch reports the interesting part (ECONNREFUSED, ...) in its cause.
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}
