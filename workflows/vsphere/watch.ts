/**
 * Waiting for server-side state with WaitForUpdatesEx, the vSphere way of being told about
 * changes instead of polling.
 *
 * Each wait uses its own PropertyCollector (CreatePropertyCollector): the session is shared by
 * every activity in the worker, and the session's default collector can only serve one
 * WaitForUpdatesEx consumer. Private collectors die with the session, so when the session is
 * renewed mid-wait the collector is created again and the wait resumes from the current state.
 */
import { NotFoundError, TimeoutError, VSphereError } from './errors.js';
import { formatRef, type MoRef } from './refs.js';
import type { SoapSession } from './session.js';
import { many, moRefXml, one, textOf, toRef, type XmlNode } from './xml.js';

export type ProgressCallback = (percent: number, description: string) => void;

export interface WatchOptions {
  timeoutMs: number;
  /** Longest time between two `step` evaluations, so callers can heartbeat while nothing changes. */
  tickMs: number;
  /** What is being waited for, for the timeout message. */
  what: string;
  /** Stops the wait (Temporal activity cancellation); the wait then fails with the signal's reason. */
  signal?: AbortSignal | undefined;
}

/** Evaluated after every update and every tick: returns the result to stop, undefined to keep waiting, or throws. */
export type WatchStep<T> = (props: ReadonlyMap<string, XmlNode>) => T | undefined;

/** Thrown inside the watch loop when the session that owned the collector was replaced. */
class CollectorLost extends Error {}

function applyUpdates(update: XmlNode | undefined, ref: MoRef, props: Map<string, XmlNode>): void {
  for (const filterUpdate of many(update, 'filterSet')) {
    for (const objectUpdate of many(filterUpdate, 'objectSet')) {
      if (textOf(objectUpdate, 'kind') === 'leave') {
        throw new NotFoundError(`${formatRef(ref)} was deleted while waiting for it`, { faultType: 'ManagedObjectNotFound' });
      }
      for (const change of many(objectUpdate, 'changeSet')) {
        const name = textOf(change, 'name');
        if (!name) continue;
        const op = textOf(change, 'op');
        const value = one(change, 'val');
        if (op === 'remove' || op === 'indirectRemove' || value === undefined) props.delete(name);
        else props.set(name, value);
      }
    }
  }
}

export async function watchObject<T>(
  session: SoapSession,
  ref: MoRef,
  paths: readonly string[],
  step: WatchStep<T>,
  options: WatchOptions,
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  const props = new Map<string, XmlNode>();

  const timedOut = () => new TimeoutError(`timed out after ${options.timeoutMs} ms waiting for ${options.what}`);

  for (;;) {
    if (Date.now() >= deadline) throw timedOut();
    const content = await session.ensureLoggedIn();
    const generation = session.generation;
    // Session-bound calls: a failure after the session was renewed means the collector is gone.
    const call = async (...args: Parameters<SoapSession['call']>) => {
      try {
        return await session.call(...args);
      } catch (error) {
        if (options.signal?.aborted) throw options.signal.reason;
        if (session.generation !== generation && error instanceof VSphereError) throw new CollectorLost();
        throw error;
      }
    };

    let collector: MoRef | undefined;
    try {
      collector = toRef(await call('CreatePropertyCollector', content.propertyCollector, {}, { idempotent: true }));
      if (!collector) throw new Error('CreatePropertyCollector returned no collector');
      await call(
        'CreateFilter',
        collector,
        { spec: { propSet: { type: ref.type, pathSet: paths }, objectSet: { obj: moRefXml(ref), skip: false } }, partialUpdates: false },
        { idempotent: true },
      );
      let version = '';
      for (;;) {
        const remainingMs = deadline - Date.now();
        if (remainingMs <= 0) throw timedOut();
        options.signal?.throwIfAborted();
        const waitSeconds = Math.max(1, Math.ceil(Math.min(options.tickMs, remainingMs) / 1000));
        const update = await call(
          'WaitForUpdatesEx',
          collector,
          { version, options: { maxWaitSeconds: waitSeconds } },
          {
            idempotent: true,
            longPoll: true,
            timeoutMs: waitSeconds * 1000 + session.requestTimeoutMs,
            ...(options.signal ? { signal: options.signal } : {}),
          },
        );
        if (update !== undefined) {
          version = textOf(update, 'version') ?? version;
          applyUpdates(update, ref, props);
        }
        const result = step(props);
        if (result !== undefined) return result;
      }
    } catch (error) {
      if (error instanceof CollectorLost) continue;
      throw error;
    } finally {
      if (collector && session.generation === generation) {
        await session.call('DestroyPropertyCollector', collector, {}, { idempotent: true }).catch(() => undefined);
      }
    }
  }
}
