// Every configuration's snapshot schedule is a Temporal Schedule `configuration-<id>`, so operators
// see, pause and trigger it in the Temporal UI. These functions make the Schedule match the
// configuration row; the API calls them after it commits a configuration change.
import {
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
  type Client,
  type ScheduleOptionsStartWorkflowAction,
  type ScheduleSpec,
} from '@temporalio/client';
import type { PrismaClient } from '../../prisma/client.js';
import { configurationScheduleId, snapshotWorkflowIdPrefix } from './ids.js';
import type { snapshotWorkflow } from './workflows.js';

export interface ScheduledConfiguration {
  id: string;
  name: string;
  scheduleIntervalSeconds: number | null;
  scheduleCron: string | null;
}

const SCHEDULE_PREFIX = configurationScheduleId('');

function scheduleSpec(configuration: ScheduledConfiguration): ScheduleSpec | undefined {
  if (configuration.scheduleIntervalSeconds) return { intervals: [{ every: `${configuration.scheduleIntervalSeconds}s` }] };
  if (configuration.scheduleCron) return { cronExpressions: [configuration.scheduleCron] };
  return undefined;
}

function snapshotAction(taskQueue: string, configurationId: string): ScheduleOptionsStartWorkflowAction<typeof snapshotWorkflow> {
  return {
    type: 'startWorkflow',
    workflowType: 'snapshotWorkflow',
    taskQueue,
    // Temporal appends the scheduled time, so each run has its own ID under this prefix.
    workflowId: snapshotWorkflowIdPrefix(configurationId),
    args: [{ configurationId, trigger: 'SCHEDULED' }],
  };
}

/**
 * Creates or updates the configuration's Schedule. A configuration with neither an interval nor a
 * cron expression takes manual snapshots only, so its Schedule is deleted. A pause set in the
 * Temporal UI survives updates.
 */
export async function syncConfigurationSchedule(client: Client, taskQueue: string, configuration: ScheduledConfiguration): Promise<void> {
  const spec = scheduleSpec(configuration);
  if (!spec) return deleteConfigurationSchedule(client, configuration.id);
  const scheduleId = configurationScheduleId(configuration.id);
  const action = snapshotAction(taskQueue, configuration.id);
  const memo = { configurationName: configuration.name };
  const handle = client.schedule.getHandle(scheduleId);
  let current;
  try {
    current = await handle.describe();
  } catch (error) {
    if (!(error instanceof ScheduleNotFoundError)) throw error;
    try {
      await client.schedule.create({ scheduleId, spec, action, memo, policies: { overlap: ScheduleOverlapPolicy.SKIP } });
      return;
    } catch (raced) {
      // Another replica created it first; fall through to make it match.
      if (!(raced instanceof ScheduleAlreadyRunning)) throw raced;
      current = await handle.describe();
    }
  }
  if (current.memo?.configurationName !== configuration.name) {
    // Temporal cannot change a Schedule's memo in place: recreate it, keeping its pause.
    await handle.delete();
    await client.schedule.create({
      scheduleId,
      spec,
      action,
      memo,
      policies: { overlap: ScheduleOverlapPolicy.SKIP },
      state: { paused: current.state.paused, ...(current.state.note ? { note: current.state.note } : {}) },
    });
    return;
  }
  await handle.update((previous) => ({
    ...previous,
    spec,
    action,
    policies: { ...previous.policies, overlap: ScheduleOverlapPolicy.SKIP },
  }));
}

/** Removes the configuration's Schedule; done when there is none. Running snapshots finish. */
export async function deleteConfigurationSchedule(client: Client, configurationId: string): Promise<void> {
  try {
    await client.schedule.getHandle(configurationScheduleId(configurationId)).delete();
  } catch (error) {
    if (!(error instanceof ScheduleNotFoundError)) throw error;
  }
}

/**
 * Makes the Schedules match the configurations table: one per scheduled configuration, none for
 * configurations that no longer exist. For the stack's start-up, and to repair drift.
 */
export async function syncAllConfigurationSchedules(client: Client, taskQueue: string, prisma: PrismaClient): Promise<void> {
  const configurations = await prisma.configuration.findMany({
    select: { id: true, name: true, scheduleIntervalSeconds: true, scheduleCron: true },
  });
  for (const configuration of configurations) await syncConfigurationSchedule(client, taskQueue, configuration);
  const known = new Set(configurations.map((c) => configurationScheduleId(c.id)));
  for await (const schedule of client.schedule.list()) {
    if (!schedule.scheduleId.startsWith(SCHEDULE_PREFIX) || known.has(schedule.scheduleId)) continue;
    // Only this deployment's Schedules: others may share the namespace with their own database.
    const description = await client.schedule
      .getHandle(schedule.scheduleId)
      .describe()
      .catch((error: unknown) => {
        if (error instanceof ScheduleNotFoundError) return undefined; // the listing lags behind a delete
        throw error;
      });
    if (description?.action.taskQueue === taskQueue) {
      await deleteConfigurationSchedule(client, schedule.scheduleId.slice(SCHEDULE_PREFIX.length));
    }
  }
}
