// The clone workflow's bookkeeping runs as local activities (workflows/clone/proxies.ts): a worker
// that dies after one committed but before its workflow task completed runs it again. Each one
// must leave the database as one run would. On real PostgreSQL, a real clone of the real stack.
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createCloneActivities } from '../workflows/clone/activities.js';
import { createClone, eventCounts, waitForClone } from './support/clones.js';
import { loginAs } from './support/graphql.js';
import { startTestStack, type TestStack } from './support/stack.js';

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
});

afterAll(async () => {
  await stack?.close();
});

/** A RUNNING clone of the configuration, with the clone activities to run against it outside its workflow. */
async function runningClone(name: string, configuration: number) {
  const admin = await loginAs(stack.api.url, 'admin', stack.users.admin.password);
  const cloneId = await createClone(stack, admin, name, configuration);
  await waitForClone(stack, cloneId, (c) => c.status === 'RUNNING', 'RUNNING');
  const activities = createCloneActivities({ prisma: stack.prisma, vsphere: stack.vsphere, secretKey: stack.secretKey, guestWaitTimeoutMs: 60_000 });
  return { cloneId, activities, env: new MockActivityEnvironment() };
}

it('records a failover change once when setFailover runs twice', async () => {
  const { cloneId, activities, env } = await runningClone('Bookkeeping twice', 1);

  for (const on of [true, true, false, false]) await env.run(activities.setFailover, cloneId, on, null);
  const counts = await eventCounts(stack, cloneId);
  expect({ started: counts['clone.failover_started'], ended: counts['clone.failover_ended'] }).toEqual({ started: 1, ended: 1 });
  const clone = await stack.prisma.clone.findUniqueOrThrow({ where: { id: cloneId }, include: { activeSystem: true } });
  expect({ failover: clone.failover, activeSystem: clone.activeSystem }).toEqual({ failover: false, activeSystem: null });
});

it('records a status change and a progress phase once when updateClone runs twice', async () => {
  const { cloneId, activities, env } = await runningClone('Bookkeeping progress', 2);
  const before = await eventCounts(stack, cloneId);

  for (let run = 0; run < 2; run++) await env.run(activities.updateClone, cloneId, { status: 'STOPPED' as const, phase: 'stopped by the test', percent: 100 });
  const after = await eventCounts(stack, cloneId);
  expect({ status: after['clone.status_changed']! - before['clone.status_changed']!, progress: after['clone.progress']! - before['clone.progress']! }).toEqual({ status: 1, progress: 1 });
});
