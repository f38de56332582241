// Tracing (OpenTelemetry): off unless an OTLP endpoint is configured, then every process exports
// its spans over OTLP/HTTP. One trace follows a request from the GraphQL operation (the API's
// Yoga plugin) through the Temporal client call (update or workflow start; W3C trace context in
// the Temporal headers) into the workflow, its activities and each vSphere SOAP call.
// `startTracing` installs the process's tracer provider; the Temporal client and worker read it
// back with `tracing()` to add Temporal's OpenTelemetry interceptors.
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';

export interface Tracing {
  resource: Resource;
  /** Where spans go; Temporal's workflow spans (made in the sandbox) are handed to it too. */
  spanProcessor: SpanProcessor;
  provider: BasicTracerProvider;
  /** Flushes what is buffered and stops exporting. */
  shutdown(): Promise<void>;
}

let current: Tracing | undefined;

/** The installed tracing, or undefined when tracing is off. */
export function tracing(): Tracing | undefined {
  return current;
}

/** OTLP endpoint settings, the SDK's standard variables: tracing is on when one of them is set. */
export function otlpEndpointConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT) && env.OTEL_SDK_DISABLED !== 'true';
}

/**
 * Installs tracing for this process. Without `spanProcessor` it exports over OTLP/HTTP to the
 * endpoint of OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT (headers from OTEL_EXPORTER_OTLP_HEADERS),
 * and does nothing when none is set. Tests pass a processor with an in-memory exporter.
 */
export function startTracing(serviceName: string, options: { spanProcessor?: SpanProcessor; env?: NodeJS.ProcessEnv } = {}): Tracing | undefined {
  if (current) return current;
  const env = options.env ?? process.env;
  if (!options.spanProcessor && !otlpEndpointConfigured(env)) return undefined;
  const resource = new Resource({ 'service.name': env.OTEL_SERVICE_NAME || serviceName, 'service.namespace': 'enclave' });
  const spanProcessor = options.spanProcessor ?? new BatchSpanProcessor(new OTLPTraceExporter());
  const provider = new BasicTracerProvider({ resource, spanProcessors: [spanProcessor] });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  current = {
    resource,
    spanProcessor,
    provider,
    shutdown: async () => {
      await provider.shutdown();
      trace.disable();
      propagation.disable();
      context.disable();
      current = undefined;
    },
  };
  return current;
}
