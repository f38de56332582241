// Fault: PostgreSQL drops every connection of the API and the worker (`pg_terminate_backend`) and
// refuses new ones for a while (`ALLOW_CONNECTIONS false`, as during a failover or restart of
// the server). The API answers UNAVAILABLE meanwhile and recovers by itself; the worker's status
// writes fail, are retried by Temporal, and all land once the database is back: nothing dropped.
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { activityStarted, cloneGid, createClone, eventCounts, statusHistory, waitForClone } from '../support/clones.js';
import { databaseUrlFor } from '../support/database.js';
import { eventually } from '../support/eventually.js';
import { gql, loginAs } from '../support/graphql.js';
import { recordFigure } from '../support/logging.js';
import { WorkerProcesses } from '../support/processes.js';
import { startTestStack, type TestStack } from '../support/stack.js';

let stack: TestStack;
let workers: WorkerProcesses;
let maintenance: pg.Client;
let database: string;

beforeAll(async () => {
  stack = await startTestStack({ worker: false, vcsimOptions: { methodDelay: 'CloneVm:4000' } });
  workers = new WorkerProcesses(stack.workerEnv);
  workers.start();
  database = new URL(stack.databaseUrl).pathname.slice(1);
  maintenance = new pg.Client({ connectionString: databaseUrlFor('postgres') });
  await maintenance.connect();
});

afterAll(async () => {
  await maintenance?.query(`ALTER DATABASE "${database}" ALLOW_CONNECTIONS true`).catch(() => undefined);
  await maintenance?.end();
  await workers?.stopAll();
  await stack?.close();
});

/** Cuts every session of the test database (API, worker, event bus) and refuses new ones. */
async function takeDatabaseAway(): Promise<number> {
  await maintenance.query(`ALTER DATABASE "${database}" ALLOW_CONNECTIONS false`);
  const { rows } = await maintenance.query('SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE datname = $1', [database]);
  return rows.filter((row: { ended: boolean }) => row.ended).length;
}

const bringDatabaseBack = () => maintenance.query(`ALTER DATABASE "${database}" ALLOW_CONNECTIONS true`);

it('answers UNAVAILABLE while the database is away, recovers without a restart, and loses no status write', async () => {
  const admin = await loginAs(stack.api.url, 'admin', stack.users.admin.password);
  const cloneId = await createClone(stack, admin, 'Database outage', 0);
  const readClone = () => gql(stack.api.url, 'query($id: ID!) { clone(id: $id) { status } }', { id: cloneGid(cloneId) }, admin);
  // Away while vSphere clones: the worker's write of the new VM (Machine row and Event) meets the outage.
  await activityStarted(stack, cloneId, 'cloneVmFromImage');

  const terminated = await takeDatabaseAway();
  const awayAt = Date.now();
  expect(terminated).toBeGreaterThan(0);
  let unavailable = 0;
  try {
    // Every request, read, write or login, is refused with UNAVAILABLE, never INTERNAL.
    for (const response of [
      await readClone(),
      await gql(stack.api.url, 'mutation($id: ID!) { startFailover(cloneId: $id, force: true) { id } }', { id: cloneGid(cloneId) }, admin),
      await gql(stack.api.url, 'mutation { login(username: "admin", password: "wrong password") { token } }'),
    ]) {
      expect(response.errors?.map((e) => e.extensions?.code)).toEqual(['UNAVAILABLE']);
      expect(response.errors?.[0]?.message).not.toMatch(/55000|SQL|postgres|prisma/i);
      unavailable++;
    }
    // The worker finished the clone in vSphere meanwhile; its write of that fails and is retried.
    const workflow = stack.temporal.workflow.getHandle(`clone-${cloneId}`);
    await eventually(
      async () => {
        const { raw } = await workflow.describe();
        const retried = (raw.pendingActivities ?? []).find((activity) => (activity.attempt ?? 0) >= 2 && activity.lastFailure);
        if (retried) recordFigure(`worker write retried: ${retried.activityType?.name} on attempt ${retried.attempt} (${retried.lastFailure?.message?.trim().split('\n').at(-1)})`);
        return retried;
      },
      { timeoutMs: 60_000, intervalMs: 250, what: "a worker write retried (the workflow's pending activity on attempt 2+)" },
    );
  } finally {
    await bringDatabaseBack();
    recordFigure(`PostgreSQL: ${terminated} sessions terminated, new ones refused for ${Math.round((Date.now() - awayAt) / 1000)} s; ${unavailable} of 3 API requests answered UNAVAILABLE`);
  }

  // The same API process answers again.
  await eventually(async () => (await readClone()).data?.clone, { timeoutMs: 30_000, intervalMs: 250, what: 'the API answering again' });
  await waitForClone(stack, cloneId, (c) => c.status === 'RUNNING', 'RUNNING after the outage', 120_000);
  // Every write the outage held up landed, once.
  expect(await statusHistory(stack, cloneId)).toEqual(['PROVISIONING>STARTING', 'STARTING>RUNNING']);
  const progress = await stack.prisma.event.findMany({ where: { cloneId, type: 'clone.progress' }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
  expect(progress.map((e) => (e.data as { phase: string }).phase)).toEqual(['cloning the image', 'powering on', 'waiting for the guest', 'waiting for the guest customization', 'ready']);
  expect(await eventCounts(stack, cloneId)).toMatchObject({ 'clone.created': 1, 'clone.vm_created': 1 });
  // And requests to the workflow go through again.
  const after = await gql(stack.api.url, 'mutation($id: ID!) { startFailover(cloneId: $id, force: true) { id } }', { id: cloneGid(cloneId) }, admin);
  expect(after.errors).toBeUndefined();
  await waitForClone(stack, cloneId, (c) => c.failover, 'failover after the outage');
});
