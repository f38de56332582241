// Workflow interceptors (run inside the workflow sandbox, bundled with the workflows):
// - report how each workflow run ended through the `metrics` sink, which the worker turns into
//   Prometheus counters and histograms (sinks are not commands and are not called during replay);
// - carry the trace context the workflow was started with (Temporal's `_tracer-data` header, set
//   by the API's OpenTelemetry client interceptor) on to every activity it schedules, where
//   Temporal's OpenTelemetry activity interceptor continues the trace.
// Temporal's own OpenTelemetry *workflow* interceptors are not used: they make the workflow yield
// differently from histories recorded without them, so running clone workflows would fail to
// replay (test/replay.test.ts replays every recorded history with these interceptors instead).
// Neither interceptor adds an await or a command, so histories are unchanged.
import {
  ContinueAsNew,
  isCancellation,
  proxySinks,
  TemporalFailure,
  type ActivityInput,
  type Next,
  type Payload,
  type WorkflowOutboundCallsInterceptor,
  type WorkflowExecuteInput,
  type WorkflowInboundCallsInterceptor,
  type WorkflowInterceptorsFactory,
} from '@temporalio/workflow';
import type { WorkflowMetricsSinks } from './metricsSinks.js';

const { metrics } = proxySinks<WorkflowMetricsSinks>();

/** The header Temporal's OpenTelemetry interceptors carry the W3C trace context in. */
const TRACE_HEADER = '_tracer-data';
/** The run's start trace context, shared by its inbound and outbound interceptors (made per workflow). */
interface RunTrace {
  start?: Payload | undefined;
}

class TraceToActivities implements WorkflowOutboundCallsInterceptor {
  constructor(private readonly trace: RunTrace) {}

  scheduleActivity(input: ActivityInput, next: Next<WorkflowOutboundCallsInterceptor, 'scheduleActivity'>): Promise<unknown> {
    const start = this.trace.start;
    if (!start || input.headers[TRACE_HEADER]) return next(input);
    return next({ ...input, headers: { ...input.headers, [TRACE_HEADER]: start } });
  }
}

class WorkflowOutcomes implements WorkflowInboundCallsInterceptor {
  constructor(private readonly trace: RunTrace) {}

  async execute(input: WorkflowExecuteInput, next: Next<WorkflowInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    this.trace.start = input.headers[TRACE_HEADER];
    try {
      const result = await next(input);
      metrics.workflowEnded('completed');
      return result;
    } catch (error) {
      if (error instanceof ContinueAsNew) metrics.workflowEnded('continued_as_new');
      else if (isCancellation(error)) metrics.workflowEnded('cancelled');
      // Anything else fails the workflow task (retried by Temporal), not the workflow.
      else if (error instanceof TemporalFailure) metrics.workflowEnded('failed');
      throw error;
    }
  }
}

export const interceptors: WorkflowInterceptorsFactory = () => {
  const trace: RunTrace = {};
  return { inbound: [new WorkflowOutcomes(trace)], outbound: [new TraceToActivities(trace)] };
};
