// Replay safety: every history recorded in test/replay/histories/ (running workflows of earlier
// code) replays against today's workflow code without nondeterminism. A change that fails here
// would break clones already running: guard it with patched() instead. New paths add histories
// with `npm run histories:record`.
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { beforeAll, describe, expect, it } from 'vitest';
import { workflowMetricsSinks } from '../workflows/metricsSinks.js';
import { WORKFLOW_INTERCEPTORS_PATH, WORKFLOWS_PATH } from '../workflows/worker.js';
import { loadHistories } from './replay/histories.js';
import { fileLogger, installTestLogging, testLogPath } from './support/logging.js';

const histories = loadHistories();
let workflowBundle: WorkflowBundleWithSourceMap;
/** The bundle as the worker runs it: with the metrics and trace-propagation interceptors. */
let instrumentedBundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  installTestLogging();
  workflowBundle = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: fileLogger(testLogPath('bundle')) });
  instrumentedBundle = await bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    workflowInterceptorModules: [WORKFLOW_INTERCEPTORS_PATH],
    logger: fileLogger(testLogPath('bundle')),
  });
});

describe('recorded workflow histories', () => {
  it('cover every workflow type', () => {
    const types = new Set(histories.map((h) => h.history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name));
    expect([...types].sort()).toEqual(['cloneWorkflow', 'inventorySyncWorkflow', 'snapshotWorkflow']);
  });

  it('hold both ways of bookkeeping: activity tasks before the local-bookkeeping patch, local activities after', () => {
    const clones = histories.filter((h) => h.name.startsWith('clone-'));
    const bookkept = clones.map(({ name, history }) => {
      const events = history.events ?? [];
      const local = events.filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity').length;
      const tasks = events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'updateClone').length;
      return { name, local: local > 0, tasks: tasks > 0 };
    });
    const before = (name: string) => name.endsWith('.before-local-bookkeeping');
    expect(bookkept.filter((h) => before(h.name)).length).toBeGreaterThan(0);
    for (const h of bookkept) expect(h, h.name).toMatchObject(before(h.name) ? { local: false, tasks: true } : { local: true, tasks: false });
  });

  it.each(histories.map((h) => [h.name, h] as const))('%s replays without nondeterminism', async (_name, { history, workflowId }) => {
    await Worker.runReplayHistory({ workflowBundle }, history, workflowId);
  });

  it.each(histories.map((h) => [h.name, h] as const))('%s replays with the worker\'s interceptors', async (_name, { history, workflowId }) => {
    await Worker.runReplayHistory({ workflowBundle: instrumentedBundle, sinks: workflowMetricsSinks }, history, workflowId);
  });
});
