/**
 * Tracing and metrics of the vSphere client. Spans use only the OpenTelemetry API (a no-op until
 * the process installs a tracer provider); durations go to the `VSphereMetrics` seam the process
 * passes in (the worker's Prometheus histograms), so this library does not depend on prom-client.
 * Neither ever sees a call's arguments (Login carries the password).
 */
import { SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { VSphereError } from './errors.js';

export interface VSphereMetrics {
  /** One SOAP round trip (retries included): `outcome` is ok, the fault type, Transport or Timeout. */
  call(method: string, outcome: string, seconds: number): void;
  /** One task, from the call that started it to its end: ok, error, timeout or cancelled. */
  task(method: string, outcome: string, seconds: number): void;
}

export const noMetrics: VSphereMetrics = { call: () => {}, task: () => {} };

const tracer = trace.getTracer('enclave-vsphere');

/** The outcome label of a failed call: the vSphere fault type for typed errors, else `error`. */
export function outcomeOf(error: unknown): string {
  return error instanceof VSphereError ? error.faultType : 'error';
}

/** Runs `fn` in a span named `name` that records its error; returns what `fn` returns. */
export async function inSpan<T>(name: string, attributes: Record<string, string | number>, fn: (span: Span) => Promise<T>): Promise<T> {
  return tracer.startActiveSpan(name, { kind: SpanKind.CLIENT, attributes }, async (span) => {
    try {
      return await fn(span);
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
      span.setAttribute('vsphere.outcome', outcomeOf(error));
      throw error;
    } finally {
      span.end();
    }
  });
}
