// Workflow interceptors (run inside the workflow sandbox, bundled with the workflows): report how
// each workflow run ended through the `metrics` sink, which the worker turns into Prometheus
// counters and histograms. Sinks are not commands, so this changes no workflow history, and the
// worker does not call them during replay.
import {
  ContinueAsNew,
  isCancellation,
  proxySinks,
  TemporalFailure,
  type Next,
  type WorkflowExecuteInput,
  type WorkflowInboundCallsInterceptor,
  type WorkflowInterceptorsFactory,
} from '@temporalio/workflow';
import type { WorkflowMetricsSinks } from './metricsSinks.js';

const { metrics } = proxySinks<WorkflowMetricsSinks>();

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

export const interceptors: WorkflowInterceptorsFactory = () => ({ inbound: [new WorkflowOutcomes()] });
