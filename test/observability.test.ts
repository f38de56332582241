// What operators see of a clone's whole life (create to RUNNING, RDP reveal, auto-restore,
// failover and failback, delete) on the real stack: the Prometheus series on /metrics with
// sensible values, one connected trace from the GraphQL operation through Temporal into the
// activities and the vSphere SOAP calls (in-memory exporter), and logs that hold none of the
// secrets the run used.
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTracing, type Tracing } from '../infra/telemetry.js';
import { eventually } from './support/eventually.js';
import { collect, gql, loginAs, wsClient } from './support/graphql.js';
import { cloneGid as gidOfClone, createClone as createTestClone, scheduledSnapshot as snapshotOf } from './support/clones.js';
import { startTestStack, type TestStack } from './support/stack.js';

const exporter = new InMemorySpanExporter();
let tracing: Tracing;
let stack: TestStack;
let admin: string;
let operator: string;
let cloneId: string;
let cloneGid: string;
let configurationId: string;
let configurationName: string;
let rdpPassword: string;
const wrongPassword = `wrong-${randomUUID()}`;
/** What the process printed while the file ran (the logger writes to the log folder; anything else lands here). */
const printed: string[] = [];
const CLONE_NAME = 'Observed standby';

const origin = () => new URL(stack.api.url).origin;
const status = async () => (await stack.prisma.clone.findUniqueOrThrow({ where: { id: cloneId } })).status;
const untilStatus = (expected: string) => eventually(async () => (await status()) === expected, { timeoutMs: 90_000, what: `status ${expected}` });
const mutate = (field: string, selection = 'id', token = operator) =>
  gql(stack.api.url, `mutation($id: ID!) { ${field}(cloneId: $id) { ${selection} } }`, { id: cloneGid }, token);

/** The exposition parsed into `name{labels}` → value. */
async function scrape(url = `${origin()}/metrics`): Promise<Map<string, number>> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const series = new Map<string, number>();
  for (const line of (await response.text()).split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    series.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return series;
}

function value(series: Map<string, number>, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  let total: number | undefined;
  for (const [key, v] of series) {
    const brace = key.indexOf('{');
    const metric = brace < 0 ? key : key.slice(0, brace);
    if (metric !== name) continue;
    if (!wanted.every((pair) => key.includes(pair))) continue;
    total = (total ?? 0) + v;
  }
  return total;
}

/** A scheduled snapshot of the test's configuration. */
const scheduledSnapshot = () => snapshotOf(stack, configurationId);

let stateDuringStandby: Map<string, number>;
let stateBehindRpo: Map<string, number>;
let subscriptionGauge: { open: number | undefined; closed: number | undefined };

beforeAll(async () => {
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream);
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      printed.push(String(chunk));
      return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write;
  }
  // Before the stack: its Temporal client and worker add Temporal's tracing interceptors.
  tracing = startTracing('enclave-test', { spanProcessor: new SimpleSpanProcessor(exporter) })!;
  stack = await startTestStack();
  configurationId = stack.seed.configurationIds[0]!;
  configurationName = (await stack.prisma.configuration.findUniqueOrThrow({ where: { id: configurationId } })).name;
  admin = await loginAs(stack.api.url, 'admin', stack.users.admin.password);
  operator = await loginAs(stack.api.url, 'operator', stack.users.operator.password);
  const refused = await gql(stack.api.url, 'mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }', {
    u: 'operator',
    p: wrongPassword,
  });
  expect(refused.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

  // A subscription open while the clone is created, closed afterwards.
  const client = wsClient(stack.api.wsUrl, operator);
  const statuses = collect<unknown>(client, 'subscription { cloneStatusChanged { status } }', {}, (items) => items.length >= 1);
  await statuses.ready;
  await stack.subscribed(1);
  const openNow = value(await scrape(), 'enclave_graphql_subscriptions_open', { root_field: 'cloneStatusChanged' });

  cloneId = await createTestClone(stack, admin, CLONE_NAME, { configurationId, description: 'observability test clone' });
  cloneGid = gidOfClone(cloneId);
  await statuses.done;
  await client.dispose();
  const closedNow = await eventually(async () => {
    const open = value(await scrape(), 'enclave_graphql_subscriptions_open', { root_field: 'cloneStatusChanged' });
    return open === 0 ? open : undefined;
  }, { what: 'the subscription gauge back at 0' });
  subscriptionGauge = { open: openNow, closed: closedNow };
  await untilStatus('RUNNING');

  const revealed = await gql(stack.api.url, 'query($id: ID!) { clone(id: $id) { rdpCredentials { username password } } }', { id: cloneGid }, operator);
  expect(revealed.errors).toBeUndefined();
  rdpPassword = revealed.data.clone.rdpCredentials.password;
  expect(rdpPassword.length).toBeGreaterThan(8);

  // A scheduled snapshot, restored onto the clone: standby lag and last snapshot are now defined.
  const snapshotId = await scheduledSnapshot();
  await eventually(() => stack.prisma.restore.findFirst({ where: { snapshotId, cloneId, status: 'DONE' } }), { what: 'the auto-restore' });
  stateDuringStandby = await scrape();
  // Time passes with no snapshot restored: the clone's state ages past the RPO target (the
  // restore time moved back), then comes back.
  const { lastRestoredAt } = await stack.prisma.clone.findUniqueOrThrow({ where: { id: cloneId } });
  const { rpoTargetSeconds } = await stack.prisma.configuration.findUniqueOrThrow({ where: { id: configurationId } });
  await stack.prisma.clone.update({ where: { id: cloneId }, data: { lastRestoredAt: new Date(Date.now() - (rpoTargetSeconds + 600) * 1000) } });
  stateBehindRpo = await scrape();
  await stack.prisma.clone.update({ where: { id: cloneId }, data: { lastRestoredAt } });

  expect((await mutate('startFailover')).errors).toBeUndefined();
  await eventually(async () => (await stack.prisma.clone.findUniqueOrThrow({ where: { id: cloneId } })).failover, { what: 'failover on' });
  expect((await mutate('createSnapshot', 'id trigger')).errors).toBeUndefined();
  await eventually(async () => !(await stack.prisma.clone.findUniqueOrThrow({ where: { id: cloneId } })).failover, { what: 'failed back' });
  expect((await mutate('deleteClone', 'id status', admin)).errors).toBeUndefined();
  await untilStatus('DELETED');
}, 300_000);

afterAll(async () => {
  await stack?.close();
  await tracing?.shutdown();
});

describe('metrics', () => {
  it('counts GraphQL operations, their errors by code, login failures and open subscriptions', async () => {
    const series = await scrape();
    expect(value(series, 'enclave_graphql_operations_total', { operation_type: 'mutation', root_field: 'createClone', outcome: 'OK' })).toBe(1);
    expect(value(series, 'enclave_graphql_operations_total', { operation_type: 'mutation', root_field: 'login', outcome: 'OK' })).toBe(2);
    expect(value(series, 'enclave_graphql_errors_total', { root_field: 'login', code: 'UNAUTHENTICATED' })).toBe(1);
    expect(value(series, 'enclave_login_failures_total')).toBe(1);
    expect(value(series, 'enclave_graphql_operation_duration_seconds_count', { root_field: 'createClone' })).toBe(1);
    const seconds = value(series, 'enclave_graphql_operation_duration_seconds_sum', { root_field: 'createClone' })!;
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeLessThan(30);
    expect(subscriptionGauge).toEqual({ open: 1, closed: 0 });
  });

  it('times workflows, activities, vSphere calls and vSphere tasks by type and outcome', async () => {
    // At least, not exactly: under load an activity attempt can time out and be retried, and the
    // attempt that timed out still ends (and is counted) when its work returns.
    // The clone workflow ends after the clone is DELETED; its sink reports that once the worker has the task done.
    await stack.temporal.workflow.getHandle(`clone-${cloneId}`).result();
    const series = await eventually(async () => {
      const now = await scrape();
      return value(now, 'enclave_workflow_runs_total', { workflow_type: 'cloneWorkflow', outcome: 'completed' }) === 1 ? now : undefined;
    }, { what: 'the clone workflow counted as completed' });
    expect(value(series, 'enclave_workflow_runs_total', { workflow_type: 'snapshotWorkflow', outcome: 'completed' })).toBeGreaterThanOrEqual(1);
    expect(value(series, 'enclave_workflow_runs_total', { workflow_type: 'cloneWorkflow', outcome: 'completed' })).toBe(1);
    expect(value(series, 'enclave_workflow_run_duration_seconds_count', { workflow_type: 'cloneWorkflow' })).toBe(1);
    expect(value(series, 'enclave_activity_executions_total', { activity_type: 'cloneVmFromImage', outcome: 'completed' })).toBeGreaterThanOrEqual(1);
    expect(value(series, 'enclave_activity_duration_seconds_count', { activity_type: 'destroyCloneVm' })).toBeGreaterThanOrEqual(1);
    expect(value(series, 'enclave_vsphere_call_duration_seconds_count', { method: 'CloneVM_Task', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(value(series, 'enclave_vsphere_call_duration_seconds_count', { method: 'Login', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(value(series, 'enclave_vsphere_task_duration_seconds_count', { method: 'CloneVM_Task', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(value(series, 'enclave_vsphere_task_duration_seconds_count', { method: 'CreateSnapshot_Task', outcome: 'ok' })).toBeGreaterThanOrEqual(2);
    const taskSeconds = value(series, 'enclave_vsphere_task_duration_seconds_sum', { method: 'CloneVM_Task' })!;
    expect(taskSeconds).toBeGreaterThan(0);
    expect(taskSeconds).toBeLessThan(120);
  });

  it('shows standby lag per clone and configuration against the RPO target, the last snapshot and clones by status', async () => {
    const configuration = configurationName;
    const lag = value(stateDuringStandby, 'enclave_clone_standby_lag_seconds', { configuration, clone: CLONE_NAME })!;
    expect(lag).toBeGreaterThanOrEqual(0);
    expect(lag).toBeLessThan(120);
    expect(value(stateDuringStandby, 'enclave_configuration_standby_lag_worst_seconds', { configuration })).toBe(lag);
    expect(value(stateDuringStandby, 'enclave_configuration_last_snapshot_success', { configuration })).toBe(1);
    const age = value(stateDuringStandby, 'enclave_configuration_last_snapshot_age_seconds', { configuration, result: 'DONE' })!;
    expect(age).toBeGreaterThanOrEqual(lag - 1);
    expect(age).toBeLessThan(120);
    expect(value(stateDuringStandby, 'enclave_clones', { status: 'RUNNING' })).toBe(1);
    const { rpoTargetSeconds } = await stack.prisma.configuration.findUniqueOrThrow({ where: { id: configurationId } });
    expect(value(stateDuringStandby, 'enclave_configuration_rpo_target_seconds', { configuration })).toBe(rpoTargetSeconds);
    expect(value(stateDuringStandby, 'enclave_configuration_clones_behind_rpo', { configuration })).toBe(0);
    // Past the target: counted behind, and the worst lag shows by how much.
    expect(value(stateBehindRpo, 'enclave_configuration_clones_behind_rpo', { configuration })).toBe(1);
    expect(value(stateBehindRpo, 'enclave_configuration_standby_lag_worst_seconds', { configuration })).toBeGreaterThan(rpoTargetSeconds);

    const after = await scrape();
    expect(value(after, 'enclave_clones', { status: 'DELETED' })).toBe(1);
    expect(value(after, 'enclave_clones', { status: 'RUNNING' })).toBeUndefined();
    expect(value(after, 'enclave_clone_standby_lag_seconds', { clone: CLONE_NAME })).toBeUndefined();
  });

  it('uses no label value a client chose or that could be secret', async () => {
    const text = await (await fetch(`${origin()}/metrics`)).text();
    for (const secret of secrets()) expect(text).not.toContain(secret);
    expect(text).not.toContain(cloneId);
  });
});

describe('tracing', () => {
  const byTrace = () => {
    const traces = new Map<string, ReadableSpan[]>();
    for (const span of exporter.getFinishedSpans()) {
      const id = span.spanContext().traceId;
      traces.set(id, [...(traces.get(id) ?? []), span]);
    }
    return traces;
  };

  /** The trace rooted at the GraphQL operation on `rootField`, once `names` all appear in it. */
  async function traceOf(rootField: string, names: RegExp[]): Promise<ReadableSpan[]> {
    return eventually(async () => {
      const root = exporter.getFinishedSpans().find((span) => span.name === `graphql mutation ${rootField}`);
      if (!root) return undefined;
      const spans = byTrace().get(root.spanContext().traceId) ?? [];
      return names.every((name) => spans.some((span) => name.test(span.name))) ? spans : undefined;
    }, { timeoutMs: 30_000, what: `the trace of ${rootField}` });
  }

  function expectConnected(spans: ReadableSpan[], rootName: string): void {
    const ids = new Set(spans.map((span) => span.spanContext().spanId));
    const roots = spans.filter((span) => !span.parentSpanId || !ids.has(span.parentSpanId));
    // One root, the GraphQL operation: every other span's parent is in the same trace.
    expect(roots.map((span) => span.name)).toEqual([rootName]);
  }

  it('follows createClone from the GraphQL operation through the workflow start into activities and SOAP calls', async () => {
    const spans = await traceOf('createClone', [
      /^StartWorkflow:cloneWorkflow$/,
      /^RunActivity:cloneVmFromImage$/,
      /^vsphere task CloneVM_Task$/,
      /^vsphere CloneVM_Task$/,
      /^vsphere WaitForUpdatesEx$/,
    ]);
    expectConnected(spans, 'graphql mutation createClone');
    const task = spans.find((span) => span.name === 'vsphere task CloneVM_Task')!;
    expect(task.attributes['vsphere.task']).toMatch(/^Task:/);
    expect(task.duration[0] * 1e9 + task.duration[1]).toBeGreaterThan(0);
    const activity = spans.find((span) => span.name === 'RunActivity:cloneVmFromImage')!;
    const call = spans.find((span) => span.name === 'vsphere CloneVM_Task')!;
    expect(call.attributes['rpc.method']).toBe('CloneVM_Task');
    // The SOAP call sits under the task, the task under the activity.
    expect(call.parentSpanId).toBe(task.spanContext().spanId);
    const ancestors = (span: ReadableSpan): string[] => {
      const parent = spans.find((s) => s.spanContext().spanId === span.parentSpanId);
      return parent ? [parent.name, ...ancestors(parent)] : [];
    };
    expect(ancestors(task)).toContain(activity.name);
    expect(ancestors(activity)).toEqual(['StartWorkflow:cloneWorkflow', 'graphql mutation createClone']);
    // Every activity of the provisioning saga is in the trace.
    for (const name of ['cloneVmFromImage', 'powerOnCloneVm', 'waitForCloneGuest']) expect(spans.map((s) => s.name)).toContain(`RunActivity:${name}`);
  });

  it('follows an update (startFailover) from the GraphQL operation into the activities that serve it, later, in the workflow', async () => {
    // The entity workflow queues the request and serves it from its main loop, in the trace of
    // the update that asked for it.
    const spans = await traceOf('startFailover', [
      /^StartWorkflowUpdate:request$/,
      /^RunActivity:fencePrimary$/,
      /^vsphere task PowerOffVM_Task$/,
      /^RunActivity:setFailover$/,
    ]);
    expectConnected(spans, 'graphql mutation startFailover');
    const update = spans.find((span) => span.name === 'StartWorkflowUpdate:request')!;
    expect(update.status.code).not.toBe(2);
    const fence = spans.find((span) => span.name === 'RunActivity:fencePrimary')!;
    expect(fence.parentSpanId).toBe(update.spanContext().spanId);
    // The Operation's steps are recorded in it too (QUEUED by the API, RUNNING…SUCCEEDED by the workflow).
    expect(spans.filter((span) => span.name === 'RunActivity:recordOperation').length).toBeGreaterThanOrEqual(2);
  });

  it('keeps each later request out of the trace the workflow was started in', async () => {
    const failback = await traceOf('createSnapshot', [/^RunActivity:captureSnapshot$/, /^RunActivity:setFailover$/]);
    expectConnected(failback, 'graphql mutation createSnapshot');
    const deletion = await traceOf('deleteClone', [/^RunActivity:destroyCloneVm$/]);
    expectConnected(deletion, 'graphql mutation deleteClone');
    const creation = await traceOf('createClone', [/^RunActivity:cloneVmFromImage$/]);
    const later = ['fencePrimary', 'setFailover', 'captureSnapshot', 'destroyCloneVm', 'rebuildFromSnapshot'].map((name) => `RunActivity:${name}`);
    expect(creation.map((span) => span.name).filter((name) => later.includes(name))).toEqual([]);
  });
});

function secrets(): string[] {
  return [
    ...Object.values(stack.users).map((user) => user.password),
    admin,
    operator,
    wrongPassword,
    rdpPassword,
    stack.secretKey,
    stack.workerEnv.VSPHERE_PASSWORD!,
  ].filter((secret) => secret && secret.length >= 6);
}

describe('logs', () => {
  function files(dir: string): string[] {
    return readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? files(path) : [path];
    });
  }

  it('hold no password, token, RDP password, secret key or vSphere credential of the run', () => {
    const logs = files(inject('logDir'));
    const appLog = logs.find((path) => path.endsWith('observability.test.ts.app.log'));
    expect(appLog).toBeDefined();
    const written = readFileSync(appLog!, 'utf8');
    // The log is the real thing: JSON lines from the API (with request IDs) and the vSphere client.
    expect(written).toContain('"requestId"');
    expect(written).toContain('vSphere session established');
    const everything = [...logs.map((path) => readFileSync(path, 'utf8')), printed.join('')].join('\n');
    for (const secret of secrets()) expect(everything.includes(secret), `a secret of the run appears in the logs`).toBe(false);
  });
});
