// Which trace the activities a workflow schedules continue (interceptors.ts adds it to each).
// A run's body is in the trace it was started in (createClone's, say) and a handler in its
// caller's; a request the clone workflow serves later runs `inTrace` of the call that asked for
// it (startFailover's update), and work nobody asked for (an auto-restore, a crash check) in none,
// so each of its activities starts a trace of its own. An AsyncLocalStorage scope: no command, no
// await, so histories are unchanged.
import { AsyncLocalStorage, type Payload } from '@temporalio/workflow';

/** The header Temporal's OpenTelemetry interceptors carry the W3C trace context in. */
export const TRACE_HEADER = '_tracer-data';

interface Scope {
  parent: Payload | undefined;
}

const scope = new AsyncLocalStorage<Scope>();

/** Runs `fn` (and everything it schedules) in the trace `parent`, or in none. */
export function inTrace<T>(parent: Payload | undefined, fn: () => T): T {
  return scope.run({ parent }, fn);
}

/**
 * The trace of the current scope. The interceptors run a workflow's body in the trace it was
 * started in and each update or signal handler in its caller's, so a handler that queues work
 * keeps this and serves it later `inTrace` of it.
 */
export function currentTrace(): Payload | undefined {
  return scope.getStore()?.parent;
}
