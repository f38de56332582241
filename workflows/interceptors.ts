// Workflow interceptors (run inside the workflow sandbox, bundled with the workflows):
// - report how each workflow run ended through the `metrics` sink, which the worker turns into
//   Prometheus counters and histograms (sinks are not commands and are not called during replay);
// - carry trace context (Temporal's `_tracer-data` header, set by the API's OpenTelemetry client
//   interceptor) on to every activity the workflow schedules, local ones too, where Temporal's
//   OpenTelemetry activity interceptor continues the trace: the trace the run was started in, or the one
//   `inTrace` (traceScope.ts) names, such as the trace of the update that asked for the request
//   being served. Update and signal handlers run in their caller's trace, so they can keep it.
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
  type LocalActivityInput,
  type Next,
  type SignalInput,
  type UpdateInput,
  type WorkflowOutboundCallsInterceptor,
  type WorkflowExecuteInput,
  type WorkflowInboundCallsInterceptor,
  type WorkflowInterceptorsFactory,
} from '@temporalio/workflow';
import type { WorkflowMetricsSinks } from './metricsSinks.js';
import { currentTrace, inTrace, TRACE_HEADER } from './traceScope.js';

const { metrics } = proxySinks<WorkflowMetricsSinks>();

/** `input` with the current trace as its trace header, unless it already names one. */
function withCurrentTrace<T extends ActivityInput | LocalActivityInput>(input: T): T {
  const parent = currentTrace();
  if (!parent || input.headers[TRACE_HEADER]) return input;
  return { ...input, headers: { ...input.headers, [TRACE_HEADER]: parent } };
}

class TraceToActivities implements WorkflowOutboundCallsInterceptor {
  scheduleActivity(input: ActivityInput, next: Next<WorkflowOutboundCallsInterceptor, 'scheduleActivity'>): Promise<unknown> {
    return next(withCurrentTrace(input));
  }

  scheduleLocalActivity(input: LocalActivityInput, next: Next<WorkflowOutboundCallsInterceptor, 'scheduleLocalActivity'>): Promise<unknown> {
    return next(withCurrentTrace(input));
  }
}

/** The run's body runs in the trace it was started in; each update or signal handler in its caller's. */
class TraceFromCallers implements WorkflowInboundCallsInterceptor {
  execute(input: WorkflowExecuteInput, next: Next<WorkflowInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    return inTrace(input.headers[TRACE_HEADER], () => next(input));
  }

  handleUpdate(input: UpdateInput, next: Next<WorkflowInboundCallsInterceptor, 'handleUpdate'>): Promise<unknown> {
    return inTrace(input.headers[TRACE_HEADER], () => next(input));
  }

  handleSignal(input: SignalInput, next: Next<WorkflowInboundCallsInterceptor, 'handleSignal'>): Promise<void> {
    return inTrace(input.headers[TRACE_HEADER], () => next(input));
  }
}

class WorkflowOutcomes implements WorkflowInboundCallsInterceptor {
  async execute(input: WorkflowExecuteInput, next: Next<WorkflowInboundCallsInterceptor, 'execute'>): Promise<unknown> {
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

export const interceptors: WorkflowInterceptorsFactory = () => ({
  inbound: [new WorkflowOutcomes(), new TraceFromCallers()],
  outbound: [new TraceToActivities()],
});
