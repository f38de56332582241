// A production-shaped deployment on one stack: two API processes and two worker processes
// started as an operator starts them (`npm run start:api`, `npm run start:worker`, configured by
// environment variables only), on the real PostgreSQL, Temporal dev server and vcsim. A
// subscription on API 1 sees a change requested through API 2; sessions and the login rate limit
// hold across both; killing the worker that runs a clone's vSphere task loses no work.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cloneWorkflowId } from '../workflows/ids.js';
import { eventually } from './support/eventually.js';
import { collect, gql, loginAs, wsClient } from './support/graphql.js';
import { testLogPath } from './support/logging.js';
import { startTestStack, type TestStack } from './support/stack.js';

let stack: TestStack;
const processes: ChildProcess[] = [];
const apis: { url: string; wsUrl: string }[] = [];
const workers: ChildProcess[] = [];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });
}

/** `npm run <script>` in a process group of its own, its output in the run's log folder. */
function start(script: string, env: NodeJS.ProcessEnv, logName: string): ChildProcess {
  const log = openSync(testLogPath(logName), 'a');
  const child = spawn('npm', ['run', '-s', script], { env, stdio: ['ignore', log, log], detached: true });
  closeSync(log);
  processes.push(child);
  return child;
}

function kill(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    process.kill(-child.pid!, signal); // the whole group: npm, tsx and node
  } catch {
    return Promise.resolve();
  }
  return exited;
}

/** The PIDs of a process group (npm → tsx → node): a worker's identity names its node's PID. */
function groupPids(child: ChildProcess): number[] {
  const out = execFileSync('ps', ['-o', 'pid=', '-g', String(child.pid)], { encoding: 'utf8' });
  return out.split('\n').map((line) => Number(line.trim())).filter(Boolean);
}

beforeAll(async () => {
  // vcsim's clone task takes 8 s: long enough to kill the worker running it.
  stack = await startTestStack({ worker: false, vcsimOptions: { methodDelay: 'CloneVm:8000' } });
  const env = { ...stack.workerEnv, NODE_ENV: 'production', API_HOST: '127.0.0.1' };
  for (const n of [1, 2]) {
    const port = await freePort();
    start('start:api', { ...env, PORT: String(port) }, `api-${n}`);
    apis.push({ url: `http://127.0.0.1:${port}/graphql`, wsUrl: `ws://127.0.0.1:${port}/graphql` });
    workers.push(start('start:worker', env, `worker-${n}`));
  }
  for (const api of apis) {
    await eventually(async () => (await gql(api.url, '{ __typename }').catch(() => null))?.data?.__typename === 'Query', {
      timeoutMs: 120_000,
      intervalMs: 500,
      what: `the API at ${api.url}`,
    });
  }
}, 240_000);

afterAll(async () => {
  await Promise.all(processes.map((child) => kill(child, 'SIGTERM')));
  await stack?.close();
});

describe('two API processes and two workers', () => {
  it('share sessions: a token from API 2 works on API 1, and a logout on API 1 ends a subscription on API 2', async () => {
    const token = await loginAs(apis[1]!.url, 'developer', stack.users.developer.password);
    const me = await gql(apis[0]!.url, '{ me { username } }', {}, token);
    expect(me.data?.me).toEqual({ username: 'developer' });

    const client = wsClient(apis[1]!.wsUrl, token);
    try {
      const ended = new Promise<unknown>((resolve) => {
        client.subscribe({ query: 'subscription { cloneStatusChanged { status } }' }, { next: (m) => m.errors && resolve(m.errors), error: resolve, complete: () => resolve('complete') });
      });
      // No way to see API 2 register the subscription from here; the logout ends it either way
      // (registered: by the bus message from API 1; not yet: the session is gone when it checks).
      expect((await gql(apis[0]!.url, 'mutation { logout }', {}, token)).data).toEqual({ logout: true });
      expect(JSON.stringify(await ended)).toContain('UNAUTHENTICATED');
      const after = await gql(apis[1]!.url, '{ clones(first: 1) { totalCount } }', {}, token);
      expect(after.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    } finally {
      await client.dispose();
    }
  });

  it('share the login rate limit: failures on both APIs add up', async () => {
    const attempt = (n: number, password: string) =>
      gql(apis[n]!.url, 'mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }', { u: 'operator', p: password });
    for (const n of [0, 1, 0, 1, 0]) expect((await attempt(n, 'wrong password')).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    // The sixth, even with the right password, on either API.
    for (const n of [1, 0]) expect((await attempt(n, stack.users.operator.password)).errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
  });

  it('a subscription on API 1 sees a clone created through API 2 reach RUNNING, though the worker cloning it was killed', async () => {
    const token = await loginAs(apis[1]!.url, 'admin', stack.users.admin.password);
    const subscriber = wsClient(apis[0]!.wsUrl, token);
    const network = await stack.prisma.network.findFirstOrThrow({ where: { name: 'VM Network' } });
    try {
      const statuses = collect<{ cloneStatusChanged: { status: string; clone: { name: string } | null } }>(
        subscriber,
        'subscription { cloneStatusChanged { status clone { name } } }',
        {},
        (items) => items.some((i) => i.cloneStatusChanged.status === 'RUNNING'),
        200_000,
      );
      await statuses.ready;
      const created = await gql(
        apis[1]!.url,
        'mutation($input: CreateCloneInput!) { createClone(input: $input) { id } }',
        {
          input: {
            name: 'Replica standby',
            imageId: encodeGlobalID('VmImage', stack.seed.imageIds[0]!),
            configurationId: encodeGlobalID('Configuration', stack.seed.configurationIds[0]!),
            networkId: encodeGlobalID('Network', network.id),
            cpu: 1,
            ramGb: 1,
          },
        },
        token,
      );
      expect(created.errors).toBeUndefined();
      const clone = await stack.prisma.clone.findFirstOrThrow({ where: { name: 'Replica standby' } });

      // Find the worker that runs the clone step (its identity is `<pid>@<host>`) and kill it mid-task.
      const handle = stack.temporal.workflow.getHandle(cloneWorkflowId(clone.id));
      const identity = await eventually(
        async () => {
          const { raw } = await handle.describe();
          const activity = raw.pendingActivities?.find((a) => a.activityType?.name === 'cloneVmFromImage' && a.lastWorkerIdentity);
          return activity?.lastWorkerIdentity ?? false;
        },
        { timeoutMs: 90_000, intervalMs: 200, what: 'the clone step on a worker' },
      );
      const pid = Number(String(identity).split('@')[0]);
      const victim = workers.find((worker) => groupPids(worker).includes(pid));
      expect(victim, `a worker process with pid ${pid}`).toBeDefined();
      await kill(victim!);
      expect((await stack.prisma.clone.findUniqueOrThrow({ where: { id: clone.id } })).status).toBe('PROVISIONING');

      const seen = await statuses.done;
      expect(seen.map((i) => i.cloneStatusChanged.status)).toContain('RUNNING');
      expect(seen.every((i) => i.cloneStatusChanged.clone?.name === 'Replica standby')).toBe(true);
      const vms = (await stack.vsphere.listVms()).filter((vm) => vm.name.startsWith('Replica standby'));
      expect(vms).toHaveLength(1);
      expect((await stack.prisma.clone.findUniqueOrThrow({ where: { id: clone.id } })).status).toBe('RUNNING');
    } finally {
      await subscriber.dispose();
    }
  }, 240_000);
});
