// Fault: the Temporal server is killed mid-operation and started again on the same port and
// database file. The API's client and the worker reconnect by themselves, and the clone's
// workflow resumes where its history stands: provisioning ends RUNNING with one VM, once.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ensureSearchAttributes } from '../../workflows/namespace.js';
import { activityStarted, cloneGid, cloneVms, createClone, eventCounts, statusHistory, waitForClone } from '../support/clones.js';
import { eventually } from '../support/eventually.js';
import { gql, loginAs } from '../support/graphql.js';
import { recordFigure } from '../support/logging.js';
import { startTemporalDevServer, WorkerProcesses, type TemporalDevServer } from '../support/processes.js';
import { startTestStack, type TestStack } from '../support/stack.js';

let dir: string;
let temporal: TemporalDevServer;
let stack: TestStack;
let workers: WorkerProcesses;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'enclave-temporal-'));
  temporal = await startTemporalDevServer(join(dir, 'temporal.db'));
  const connection = await Connection.connect({ address: temporal.address });
  await ensureSearchAttributes(connection, 'default');
  await connection.close();
  stack = await startTestStack({ worker: false, temporalAddress: temporal.address, vcsimOptions: { methodDelay: 'CloneVm:5000' } });
  workers = new WorkerProcesses(stack.workerEnv);
  workers.start();
});

afterAll(async () => {
  await workers?.stopAll();
  await stack?.close();
  await temporal?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it('resumes provisioning after the Temporal server is killed and restarted mid-clone', async () => {
  const admin = await loginAs(stack.api.url, 'admin', stack.users.admin.password);
  const cloneId = await createClone(stack, admin, 'Temporal restart', 0);
  // The worker has the clone step (the activity is started), so vSphere clones while Temporal is away.
  await activityStarted(stack, cloneId, 'cloneVmFromImage');

  // Down while vSphere clones, until the clone is made: its completion has nowhere to go.
  const killedAt = Date.now();
  await temporal.restart({
    whileDown: () => eventually(async () => (await cloneVms(stack, cloneId)).length === 1, { what: 'the VM cloned while Temporal is down' }),
  });

  const backAt = Date.now();
  await waitForClone(stack, cloneId, (c) => c.status === 'RUNNING', 'RUNNING after the Temporal restart', 180_000);
  recordFigure(`Temporal SIGKILLed mid-clone, down ${Math.round((backAt - killedAt) / 1000)} s; RUNNING ${Math.round((Date.now() - backAt) / 1000)} s after it was back`);
  expect(await cloneVms(stack, cloneId)).toHaveLength(1);
  expect(await statusHistory(stack, cloneId)).toEqual(['PROVISIONING>STARTING', 'STARTING>RUNNING']);
  expect(await eventCounts(stack, cloneId)).toMatchObject({ 'clone.created': 1, 'clone.vm_created': 1 });

  // The API's Temporal client works again too: a request goes through to the same workflow.
  const failover = await gql(stack.api.url, 'mutation($id: ID!) { startFailover(cloneId: $id, force: true) { id } }', { id: cloneGid(cloneId) }, admin);
  expect(failover.errors).toBeUndefined();
  await waitForClone(stack, cloneId, (c) => c.failover, 'failover after the restart');
});
