// The worker's side of workflow and activity metrics: the sink the workflow interceptors
// (`interceptors.ts`) report run outcomes to, and the activity interceptor that times each
// attempt and tags the process logger's lines with the workflow and activity they belong to.
import { CancelledFailure } from '@temporalio/common';
import type { Sinks } from '@temporalio/workflow';
import type { ActivityExecuteInput, ActivityInboundCallsInterceptor, ActivityInterceptorsFactory, InjectedSinks, Next } from '@temporalio/worker';
import { withLogContext } from '../infra/logger.js';
import { activityDuration, activityExecutions, workflowDuration, workflowRuns } from '../infra/metrics.js';

export interface WorkflowMetricsSinks extends Sinks {
  metrics: { workflowEnded(outcome: 'completed' | 'failed' | 'cancelled' | 'continued_as_new'): void };
}

export const workflowMetricsSinks: InjectedSinks<WorkflowMetricsSinks> = {
  metrics: {
    workflowEnded: {
      fn: (info, outcome) => {
        const labels = { workflow_type: info.workflowType, outcome };
        workflowRuns.inc(labels);
        workflowDuration.observe(labels, Math.max(0, (Date.now() - info.runStartTime.getTime()) / 1000));
      },
      callDuringReplay: false,
    },
  },
};

export const activityMetrics: ActivityInterceptorsFactory = (ctx) => {
  const inbound: ActivityInboundCallsInterceptor = {
    execute: (input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>) => {
      const { activityType, workflowExecution } = ctx.info;
      const started = performance.now();
      const done = (outcome: string) => {
        const labels = { activity_type: activityType, outcome };
        activityExecutions.inc(labels);
        activityDuration.observe(labels, (performance.now() - started) / 1000);
      };
      return withLogContext({ workflowId: workflowExecution?.workflowId, runId: workflowExecution?.runId, activityType }, async () => {
        try {
          const result = await next(input);
          done('completed');
          return result;
        } catch (error) {
          done(error instanceof CancelledFailure || ctx.cancellationSignal.aborted ? 'cancelled' : 'failed');
          throw error;
        }
      });
    },
  };
  return { inbound };
};
