// @enclave/sdk: the typed client of the Enclave GraphQL API.
export { createClient, type ClientOptions, type EnclaveClient } from './client.js';
export { EnclaveError, EnclaveNetworkError, type EnclaveErrorCode, type FieldProblem, type GraphQLErrorPayload } from './errors.js';
export { EnclaveOperationError, EnclaveWaitError, type OperationWaitOptions, type WaitOptions } from './flows.js';
export { paginate, type Connection, type PageOptions } from './pagination.js';
export type { RequestOptions, TokenSource } from './transport.js';
export type * from './types.js';
export type * as Operations from './generated/graphql.js';
