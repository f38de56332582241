// Fault: vSphere unreachable or slow. The worker (a separate process) reaches vcsim only through
// a TCP proxy the test cuts (connections reset, new ones refused) or slows. While it is cut the
// clone's activities retry with growing intervals and the clone shows its phase and why it waits
// (progressPhase / statusReason); restored in time, provisioning finishes; cut for longer than the
// retry budget, provisioning ends FAILED with its compensation done (no VM left behind).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cloneGid, cloneVms, createClone, eventCounts, statusHistory, waitForClone } from '../support/clones.js';
import { gql, loginAs } from '../support/graphql.js';
import { recordFigure } from '../support/logging.js';
import { WorkerProcesses } from '../support/processes.js';
import { startTestStack, type TestStack } from '../support/stack.js';
import { startTcpProxy, type TcpProxy } from '../support/tcpProxy.js';

let stack: TestStack;
let proxy: TcpProxy;
let workers: WorkerProcesses;
let admin: string;

beforeAll(async () => {
  // A 3 s clone task, so the link can be cut while vSphere is cloning.
  stack = await startTestStack({ worker: false, vcsimOptions: { methodDelay: 'CloneVm:3000' } });
  const vcsimUrl = new URL(stack.workerEnv.VSPHERE_URL!);
  proxy = await startTcpProxy({ host: vcsimUrl.hostname, port: Number(vcsimUrl.port) });
  const proxied = new URL(vcsimUrl);
  proxied.port = String(proxy.port);
  workers = new WorkerProcesses({ ...stack.workerEnv, VSPHERE_URL: proxied.toString() });
  workers.start();
  admin = await loginAs(stack.api.url, 'admin', stack.users.admin.password);
});

afterAll(async () => {
  await workers?.stopAll();
  await proxy?.close();
  await stack?.close();
});

/** What an operator sees of the clone through the API. */
async function seen(cloneId: string): Promise<{ status: string; progressPhase: string | null; statusReason: string | null }> {
  const result = await gql(stack.api.url, 'query($id: ID!) { clone(id: $id) { status progressPhase statusReason } }', { id: cloneGid(cloneId) }, admin);
  expect(result.errors).toBeUndefined();
  return result.data.clone;
}

it('retries with backoff while vSphere is unreachable, showing the phase and the reason, and finishes once it is back', async () => {
  const cloneId = await createClone(stack, admin, 'Unreachable vSphere', 0);
  await waitForClone(stack, cloneId, (c) => c.progressPhase === 'cloning the image', 'the clone step');
  proxy.cut();

  // The operator's view while it retries: the phase, and the step, attempt and cause in statusReason.
  const attemptSeenAt = new Map<number, number>();
  await waitForClone(
    stack,
    cloneId,
    (c) => {
      const attempt = /^retrying cloning the VM: attempt (\d+) failed: /.exec(c.statusReason ?? '')?.[1];
      if (attempt && !attemptSeenAt.has(Number(attempt))) attemptSeenAt.set(Number(attempt), Date.now());
      return attemptSeenAt.has(3);
    },
    'three failed attempts of the clone step',
  );
  const view = await seen(cloneId);
  expect(view).toMatchObject({ status: 'PROVISIONING', progressPhase: 'cloning the image' });
  expect(view.statusReason).toMatch(/^retrying cloning the VM: attempt \d+ failed: .+/);
  // Backoff: the retry policy waits 2 s, then 4 s, between attempts (lower bounds: a loaded machine only adds).
  if (attemptSeenAt.has(2)) expect(attemptSeenAt.get(3)! - attemptSeenAt.get(2)!).toBeGreaterThanOrEqual(4_000 - 500);
  expect(proxy.stats.refused).toBeGreaterThan(0);

  proxy.restore();
  recordFigure(`vSphere cut during the clone step: ${attemptSeenAt.size} failed attempts seen, ${proxy.stats.refused} connections refused`);
  await waitForClone(stack, cloneId, (c) => c.status === 'RUNNING', 'RUNNING once vSphere is back', 180_000);
  expect(await seen(cloneId)).toEqual({ status: 'RUNNING', progressPhase: 'ready', statusReason: null });
  // The clone task vcsim finished while the link was cut was found again, not repeated.
  expect(await cloneVms(stack, cloneId)).toHaveLength(1);
  expect(await eventCounts(stack, cloneId)).toMatchObject({ 'clone.vm_created': 1 });
  expect(await statusHistory(stack, cloneId)).toEqual(['PROVISIONING>STARTING', 'STARTING>RUNNING']);
});

it('keeps working, only slower, over a slow link', async () => {
  proxy.delayMs = 150;
  try {
    const cloneId = await createClone(stack, admin, 'Slow vSphere link', 0);
    const started = Date.now();
    await waitForClone(stack, cloneId, (c) => c.status === 'RUNNING', 'RUNNING over the slow link', 180_000);
    recordFigure(`vSphere link delayed 150 ms per chunk: provisioned in ${Math.round((Date.now() - started) / 1000)} s`);
    expect(await cloneVms(stack, cloneId)).toHaveLength(1);
  } finally {
    proxy.delayMs = 0;
  }
});

it('ends FAILED with the reason and its compensation done when vSphere stays away past the retry budget', async () => {
  const cloneId = await createClone(stack, admin, 'Lost vSphere', 0);
  await waitForClone(stack, cloneId, (c) => c.progressPhase === 'cloning the image', 'the clone step');
  // Cut while vcsim clones: the VM gets made but the worker never hears of it.
  proxy.cut();
  // Every attempt of the clone step fails; once the last has, the saga compensates (and retries that too).
  await waitForClone(
    stack,
    cloneId,
    (c) => /^retrying destroying the VM: attempt 1 failed/.test(c.statusReason ?? '') || c.status === 'FAILED',
    'the clone step to give up and the compensation to start',
    240_000,
  );
  proxy.restore();
  const cutAt = Date.now();
  const failed = await waitForClone(stack, cloneId, (c) => c.status === 'FAILED', 'FAILED', 120_000);
  recordFigure(`vSphere cut past the retry budget: FAILED with "${failed.statusReason}"; compensation done ${Math.round((Date.now() - cutAt) / 1000)} s after the link came back`);
  expect(failed.statusReason).toBeTruthy();
  expect(failed.statusReason).not.toMatch(/cleanup failed/);
  // Compensation done: the VM vcsim made while the link was cut is gone, nothing recorded as living.
  expect(await cloneVms(stack, cloneId)).toEqual([]);
  expect(await statusHistory(stack, cloneId)).toEqual(['PROVISIONING>FAILED']);
  const clone = await stack.prisma.clone.findUniqueOrThrow({ where: { id: cloneId }, include: { machine: true } });
  expect(clone.machine === null || clone.machine.removedAt !== null).toBe(true);
});
