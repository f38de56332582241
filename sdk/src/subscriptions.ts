// Subscriptions over graphql-ws. The WebSocket opens with the first subscription and closes
// after the last. When it drops (server restart, network), graphql-ws reconnects with backoff and
// re-subscribes every active subscription; each connection sends a freshly resolved token, so a
// `getToken` that refreshes re-authenticates the new connection. Messages sent while no socket
// was open are lost: callers that must not miss a state re-read it on `onConnected`.
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';
import { EnclaveError, EnclaveNetworkError, type GraphQLErrorPayload } from './errors.js';
import type { TypedDocumentString } from './generated/graphql.js';
import { messageOf, type TokenSource } from './transport.js';

export interface SubscriptionTransportOptions {
  wsUrl: string;
  getToken: TokenSource;
  /** A WebSocket constructor; defaults to the global one (Node 22+, browsers). */
  webSocketImpl: unknown;
  /** Reconnection attempts before a subscription fails; Infinity by default. */
  reconnectAttempts: number;
  /** Upper bound of the exponential backoff between attempts. */
  maxReconnectDelayMs: number;
}

export interface SubscriptionTransport {
  /** Iterates the subscription's results, each narrowed by `pick` (usually to its root field). */
  subscribe<R, V, T>(document: TypedDocumentString<R, V>, variables: V | undefined, pick: (data: R) => T): AsyncIterableIterator<T>;
  /** Calls `listener` each time a connection is (re-)established; returns a function that stops. */
  onConnected(listener: () => void): () => void;
  dispose(): Promise<void>;
}

export function createSubscriptionTransport(options: SubscriptionTransportOptions): SubscriptionTransport {
  const listeners = new Set<() => void>();
  let ws: WsClient | undefined;

  // Created on first use so that HTTP-only integrators need no WebSocket implementation.
  const client = () =>
    (ws ??= createWsClient({
      url: options.wsUrl,
      ...(options.webSocketImpl ? { webSocketImpl: options.webSocketImpl } : {}),
      connectionParams: async () => {
        const token = await options.getToken();
        return token ? { authorization: `Bearer ${token}` } : {};
      },
      retryAttempts: options.reconnectAttempts,
      // Any drop is worth retrying: the server may be restarting or a proxy may have cut the link.
      shouldRetry: () => true,
      retryWait: (retries) => sleep(backoff(retries, options.maxReconnectDelayMs)),
      on: { connected: () => listeners.forEach((listener) => listener()) },
    }));

  return {
    subscribe(document, variables, pick) {
      const results = client().iterate({ query: document.toString(), variables: (variables ?? {}) as Record<string, unknown> });
      return mapResults(results, pick);
    },
    onConnected(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async dispose() {
      await ws?.dispose();
      ws = undefined;
    },
  };
}

type WsResult = { data?: unknown; errors?: readonly GraphQLErrorPayload[] };

/** Picks from each result's data, turning GraphQL errors and socket failures into the SDK's errors. */
function mapResults<R, T>(results: AsyncIterableIterator<WsResult>, pick: (data: R) => T): AsyncIterableIterator<T> {
  const iterator: AsyncIterableIterator<T> = {
    async next() {
      let result: IteratorResult<WsResult>;
      try {
        result = await results.next();
      } catch (error) {
        throw toSdkError(error);
      }
      if (result.done) return { done: true, value: undefined };
      if (result.value.errors?.length) {
        await results.return?.();
        throw new EnclaveError([...result.value.errors]);
      }
      return { done: false, value: pick(result.value.data as R) };
    },
    async return() {
      await results.return?.();
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

// graphql-ws rejects with the server's error list, a CloseEvent, or an Error of its own.
function toSdkError(error: unknown): Error {
  if (Array.isArray(error)) return new EnclaveError(error as GraphQLErrorPayload[]);
  if (isCloseEvent(error)) {
    return new EnclaveNetworkError(`Enclave subscription socket closed (${error.code}${error.reason ? `: ${error.reason}` : ''})`, {
      cause: error,
    });
  }
  if (error instanceof Error && !(error instanceof EnclaveError)) {
    return new EnclaveNetworkError(`Enclave subscription failed: ${messageOf(error)}`, { cause: error });
  }
  return error instanceof Error ? error : new EnclaveNetworkError(`Enclave subscription failed: ${String(error)}`);
}

function isCloseEvent(value: unknown): value is { code: number; reason: string } {
  return typeof value === 'object' && value !== null && 'code' in value && typeof value.code === 'number' && 'reason' in value;
}

/** Exponential from half a second, capped, with jitter so many clients do not reconnect in step. */
function backoff(retries: number, maxMs: number): number {
  const base = Math.min(maxMs, 500 * 2 ** retries);
  return base / 2 + Math.random() * (base / 2);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
