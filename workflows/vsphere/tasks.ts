/** Waiting for vSphere tasks to finish, with progress reports and a deadline. */
import { TaskFailedError, TimeoutError, VSphereError } from './errors.js';
import { inSpan } from './instrumentation.js';
import { formatRef, type MoRef } from './refs.js';
import type { SoapSession } from './session.js';
import { localizedFaultToError } from './soap.js';
import { numberOf, one, textOf, toRef, type XmlInputObject, type XmlNode } from './xml.js';
import { watchObject, type ProgressCallback } from './watch.js';

export interface TaskWaitOptions {
  /** Deadline for the whole wait; the task itself keeps running on the server after it. Default 30 minutes. */
  timeoutMs?: number;
  /**
   * Called on every change of the task and at least every `progressIntervalMs` while nothing
   * changes, so it can drive Temporal heartbeats. `percent` is vCenter's progress (0 while queued).
   */
  onProgress?: ProgressCallback;
  /**
   * Stops waiting (pass Temporal's Context.cancellationSignal). The vSphere task itself is not
   * cancelled: most cannot be, and the idempotent operations pick up its result on the next attempt.
   */
  signal?: AbortSignal;
}

export interface TaskOutcome {
  taskRef: string;
  /** The task's result when it is a managed object (the new VM of a clone, the new snapshot). */
  resultRef: string | undefined;
}

export type TaskState = 'queued' | 'running' | 'success' | 'error';

export const DEFAULT_TASK_TIMEOUT_MS = 30 * 60_000;

function describe(info: XmlNode | undefined): string {
  return textOf(one(info, 'description'), 'message') || textOf(info, 'name') || textOf(info, 'descriptionId') || 'task';
}

export async function waitForTask(
  session: SoapSession,
  task: MoRef,
  options: TaskWaitOptions & { progressIntervalMs: number },
): Promise<TaskOutcome> {
  const taskRef = formatRef(task);
  return watchObject(
    session,
    task,
    ['info'],
    (props) => {
      const info = props.get('info');
      if (info === undefined) return undefined;
      const state = textOf(info, 'state') as TaskState | undefined;
      const percent = state === 'success' ? 100 : (numberOf(info, 'progress') ?? 0);
      options.onProgress?.(percent, `${describe(info)}: ${state ?? 'unknown'}`);
      if (state === 'success') {
        const result = toRef(one(info, 'result'));
        return { taskRef, resultRef: result ? formatRef(result) : undefined };
      }
      if (state === 'error') {
        const { error, localizedMessage } = localizedFaultToError(one(info, 'error'));
        throw new TaskFailedError(taskRef, error, localizedMessage);
      }
      return undefined;
    },
    {
      timeoutMs: options.timeoutMs ?? DEFAULT_TASK_TIMEOUT_MS,
      tickMs: options.progressIntervalMs,
      what: `task ${taskRef}`,
      signal: options.signal,
    },
  );
}

/**
 * Starts a task-returning method and waits for it. The starting call is never repeated on a
 * network error (a second CloneVM_Task would make a second VM); callers make their operations
 * idempotent by looking at the current state first.
 */
export async function runTask(
  session: SoapSession,
  method: string,
  thisRef: MoRef,
  args: XmlInputObject,
  options: TaskWaitOptions & { progressIntervalMs: number },
): Promise<TaskOutcome> {
  options.signal?.throwIfAborted();
  const started = performance.now();
  const attributes = { 'vsphere.method': method, 'vsphere.object': formatRef(thisRef) };
  return inSpan(`vsphere task ${method}`, attributes, async (span) => {
    let outcome = 'ok';
    try {
      const task = toRef(await session.call(method, thisRef, args));
      if (!task) {
        throw new VSphereError(`${method} on ${formatRef(thisRef)} returned no task`, { faultType: 'InvalidResponse', retryable: false });
      }
      span.setAttribute('vsphere.task', formatRef(task));
      const result = await waitForTask(session, task, options);
      if (result.resultRef) span.setAttribute('vsphere.task.result', result.resultRef);
      return result;
    } catch (error) {
      outcome = options.signal?.aborted ? 'cancelled' : error instanceof TimeoutError ? 'timeout' : 'error';
      throw error;
    } finally {
      session.metrics.task(method, outcome, (performance.now() - started) / 1000);
    }
  });
}
