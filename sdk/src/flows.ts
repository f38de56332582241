// Waiting for a clone to reach a state, or for an operation to finish. The subscription reports changes as they happen; a
// poll runs beside it (at start, on every reconnect and at an interval) because a subscription
// only sees changes made after it is registered and misses those made while its socket was
// down, and because some deployments may not pass WebSockets at all.
import { EnclaveError } from './errors.js';
import type { CloneStatus, OperationStatus } from './generated/graphql.js';
import type { RequestOptions } from './transport.js';
import type { Clone, CloneStatusChange, Operation, OperationChange } from './types.js';

export interface WaitOptions {
  /** Give up after this many milliseconds (default 30 minutes: real provisioning takes 10–15). */
  timeout?: number;
  /** Milliseconds between polls beside the subscription (default 5000). */
  pollInterval?: number;
  /**
   * Statuses that end the wait with an error because the awaited state will not come by itself
   * (default FAILED, CRASHED, DELETED, except those awaited).
   */
  failOn?: CloneStatus[];
  signal?: AbortSignal;
}

/** The awaited state did not come: the timeout passed or the clone reached a `failOn` status. */
export class EnclaveWaitError extends Error {
  override readonly name = 'EnclaveWaitError';
  constructor(
    message: string,
    readonly reason: 'TIMEOUT' | 'UNEXPECTED_STATUS',
    /** The clone as last seen. */
    readonly clone: Clone | null,
  ) {
    super(message);
  }
}

/** What the wait needs of the client. */
export interface CloneWatcher {
  clone(variables: { id: string }, options?: RequestOptions): Promise<Clone | null>;
  cloneStatusChanged(variables?: { cloneId?: string | null }): AsyncIterableIterator<CloneStatusChange>;
  onConnected(listener: () => void): () => void;
}

const DEFAULT_TIMEOUT_MS = 30 * 60_000;
const DEFAULT_POLL_MS = 5_000;
const TERMINAL: CloneStatus[] = ['FAILED', 'CRASHED', 'DELETED'];

/** Resolves with the clone once `until(clone)` holds. */
export function waitForClone(
  watcher: CloneWatcher,
  cloneId: string,
  until: (clone: Clone) => boolean,
  options: WaitOptions & { awaited?: CloneStatus[] } = {},
): Promise<Clone> {
  const failOn = options.failOn ?? TERMINAL.filter((status) => !options.awaited?.includes(status));
  return watch<Clone, CloneStatusChange>({
    what: 'clone',
    id: cloneId,
    idField: 'cloneId',
    read: (signal) => watcher.clone({ id: cloneId }, { signal }),
    changes: watcher.cloneStatusChanged({ cloneId }),
    fromChange: (change) => change.clone,
    onConnected: (listener) => watcher.onConnected(listener),
    settle: (clone) => {
      if (until(clone)) return { value: clone };
      if (!failOn.includes(clone.status)) return undefined;
      const reason = clone.statusReason ? `: ${clone.statusReason}` : '';
      return { error: new EnclaveWaitError(`Clone ${clone.name} is ${clone.status}${reason}`, 'UNEXPECTED_STATUS', clone) };
    },
    lastClone: (last) => last,
    options,
  });
}

/** Resolves with the clone once its status is `status` (or one of them). */
export function waitForCloneStatus(
  watcher: CloneWatcher,
  cloneId: string,
  status: CloneStatus | CloneStatus[],
  options: WaitOptions = {},
): Promise<Clone> {
  const awaited = Array.isArray(status) ? status : [status];
  return waitForClone(watcher, cloneId, (clone) => awaited.includes(clone.status), { ...options, awaited });
}

/** Waiting for an operation: the timeout, poll interval and abort signal of WaitOptions. */
export interface OperationWaitOptions extends Pick<WaitOptions, 'timeout' | 'pollInterval' | 'signal'> {
  /** Reject when the operation ends FAILED or CANCELLED (default true); otherwise resolve with it. */
  rejectOnFailure?: boolean;
}

/** The operation ended FAILED or CANCELLED: `operation.error` says why. */
export class EnclaveOperationError extends Error {
  override readonly name = 'EnclaveOperationError';
  constructor(readonly operation: Operation) {
    super(`${operation.type} ${operation.status}${operation.error ? `: ${operation.error}` : ''}`);
  }
}

/** What waiting for an operation needs of the client. */
export interface OperationWatcher {
  operation(variables: { id: string }, options?: RequestOptions): Promise<Operation | null>;
  operationChanged(variables?: { operationId?: string | null }): AsyncIterableIterator<OperationChange>;
  onConnected(listener: () => void): () => void;
}

const FINAL_OPERATION: OperationStatus[] = ['SUCCEEDED', 'FAILED', 'CANCELLED'];

/**
 * Resolves with the operation once it is final (SUCCEEDED; FAILED or CANCELLED reject unless
 * `rejectOnFailure: false`). Subscription and polling side by side, as for clones.
 */
export function waitForOperation(watcher: OperationWatcher, operationId: string, options: OperationWaitOptions = {}): Promise<Operation> {
  return watch<Operation, OperationChange>({
    what: 'operation',
    id: operationId,
    idField: 'id',
    read: (signal) => watcher.operation({ id: operationId }, { signal }),
    changes: watcher.operationChanged({ operationId }),
    fromChange: (change) => change.operation,
    onConnected: (listener) => watcher.onConnected(listener),
    settle: (operation) => {
      if (!FINAL_OPERATION.includes(operation.status)) return undefined;
      if (operation.status !== 'SUCCEEDED' && options.rejectOnFailure !== false) return { error: new EnclaveOperationError(operation) };
      return { value: operation };
    },
    lastClone: () => null,
    options,
  });
}

/** One wait: what it reads, what changes it follows, and when it ends. */
interface Watch<T extends { status: string }, C> {
  what: 'clone' | 'operation';
  id: string;
  /** The argument a NOT_FOUND names. */
  idField: string;
  read(signal: AbortSignal): Promise<T | null>;
  changes: AsyncIterableIterator<C>;
  fromChange(change: C): T | null | undefined;
  onConnected(listener: () => void): () => void;
  /** How the wait ends on seeing `item`, or undefined to keep waiting. */
  settle(item: T): { value: T } | { error: Error } | undefined;
  /** The clone a timeout error carries. */
  lastClone(last: T | null): Clone | null;
  options: Pick<WaitOptions, 'timeout' | 'pollInterval' | 'signal'>;
}

/** The subscription and a poll side by side (at start, on every reconnect and at an interval). */
function watch<T extends { status: string }, C>(spec: Watch<T, C>): Promise<T> {
  const { options } = spec;
  const stop = new AbortController();
  let last: T | null = null;

  return new Promise<T>((resolve, reject) => {
    if (options.signal?.aborted) return reject(options.signal.reason);
    const timeout = options.timeout ?? DEFAULT_TIMEOUT_MS;
    const timer = setTimeout(() => {
      const message = `Timed out after ${timeout} ms waiting for ${spec.what} ${spec.id} (last status ${last?.status ?? 'unknown'})`;
      finish(() => reject(new EnclaveWaitError(message, 'TIMEOUT', spec.lastClone(last))));
    }, timeout);
    const onAbort = () => finish(() => reject(options.signal?.reason));
    options.signal?.addEventListener('abort', onAbort);
    const changes = spec.changes;
    const offConnected = spec.onConnected(() => poll());
    const poller = setInterval(() => poll(), options.pollInterval ?? DEFAULT_POLL_MS);

    function finish(outcome: () => void) {
      if (stop.signal.aborted) return;
      stop.abort();
      clearTimeout(timer);
      clearInterval(poller);
      options.signal?.removeEventListener('abort', onAbort);
      offConnected();
      void changes.return?.();
      outcome();
    }

    function observe(item: T) {
      if (stop.signal.aborted) return;
      last = item;
      const end = spec.settle(item);
      if (!end) return;
      if ('error' in end) finish(() => reject(end.error));
      else finish(() => resolve(end.value));
    }

    function poll() {
      spec.read(stop.signal).then(
        (item) => {
          if (item) return observe(item);
          const label = spec.what === 'clone' ? 'Clone' : 'Operation';
          const error = new EnclaveError([{ message: `${label} ${spec.id} not found`, extensions: { code: 'NOT_FOUND', field: spec.idField } }]);
          finish(() => reject(error));
        },
        (error: unknown) => {
          // A poll that did not get through is retried at the next tick; API refusals (no
          // access, bad ID) end the wait, since waiting will not change them.
          if (error instanceof EnclaveError) finish(() => reject(error));
        },
      );
    }

    void (async () => {
      // A failing subscription leaves the wait to polling.
      try {
        for await (const change of changes) {
          const item = spec.fromChange(change);
          if (item) observe(item);
        }
      } catch {
        /* polling continues */
      }
    })();
    poll();
  });
}
