// The SDK against the whole stack in-process (API, worker, Temporal, vcsim, PostgreSQL): every
// method at least once, error mapping, pagination, the wait helper, the example script, and
// subscriptions that survive an API restart.
import { randomBytes, randomUUID } from 'node:crypto';
import { decodeGlobalID, encodeGlobalID } from '@pothos/plugin-relay';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually as poll } from './support/eventually.js';
import { main as failoverRoundtrip } from '../sdk/examples/failover-roundtrip.js';
import {
  createClient,
  EnclaveError,
  EnclaveNetworkError,
  EnclaveWaitError,
  type Clone,
  type CloneStatusChange,
  type CreateCloneInput,
  type EnclaveClient,
  type EnclaveEvent,
} from '../sdk/src/index.js';
import { startTestStack, type TestStack } from './support/stack.js';

let stack: TestStack;
let admin: EnclaveClient;
let operator: EnclaveClient;
let developer: EnclaveClient;
let adminToken: string;
let adminTokenReads = 0;
let cloneInput: Omit<CreateCloneInput, 'name'>;

const clientFor = (token?: string) => createClient({ url: stack.api.url, token, webSocketImpl: WebSocket });
const login = async (user: 'admin' | 'operator' | 'developer') =>
  (await clientFor().login({ username: user, password: stack.users[user].password })).token;
const uniqueName = (prefix: string) => `${prefix} ${randomBytes(3).toString('hex')}`;

/** Collects an iterator's items in the background. */
function record<T>(iterator: AsyncIterableIterator<T>) {
  const items: T[] = [];
  const done = (async () => {
    for await (const item of iterator) items.push(item);
  })();
  return { items, done, stop: () => iterator.return?.() };
}

const eventually = (condition: () => boolean | Promise<boolean>, timeoutMs = 30_000) =>
  poll(async () => await condition(), { timeoutMs, intervalMs: 100 });

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

beforeAll(async () => {
  stack = await startTestStack();
  adminToken = await login('admin');
  // getToken rather than token: the reconnect test counts how often the socket re-authenticates.
  admin = createClient({
    url: stack.api.url,
    webSocketImpl: WebSocket,
    getToken: () => {
      adminTokenReads++;
      return adminToken;
    },
  });
  operator = clientFor(await login('operator'));
  developer = clientFor(await login('developer'));
  const [images, networks, configurations] = await Promise.all([admin.vmImages(), admin.networks(), admin.configurations()]);
  cloneInput = {
    description: 'standby made by the SDK tests',
    imageId: images[0]!.id,
    configurationId: configurations.edges[0]!.node.id,
    networkId: networks.find((n) => n.name === 'VM Network')!.id,
    cpu: 1,
    ramGb: 1,
  };
});

afterAll(async () => {
  await Promise.all([admin?.close(), operator?.close(), developer?.close()]);
  await stack?.close();
});

describe('sessions', () => {
  it('logs in, reads the user and logs out', async () => {
    const anonymous = clientFor();
    expect(await anonymous.me()).toBeNull();
    const session = await anonymous.login({ username: 'developer', password: stack.users.developer.password });
    expect(session).toMatchObject({ token: expect.any(String), user: { username: 'developer', role: 'DEVELOPER' } });
    expect(Date.parse(session.expiresAt)).toBeGreaterThan(Date.now());

    const client = clientFor(session.token);
    expect(await client.me()).toMatchObject({ username: 'developer' });
    expect(await client.logout()).toBe(true);
    expect(await client.me()).toBeNull();
  });
});

describe('catalog and lists', () => {
  it('reads the catalog, resources, machines, configurations and users', async () => {
    const [applications, networks, images, resources, machines, configurations, users] = await Promise.all([
      developer.applications(),
      developer.networks(),
      developer.vmImages(),
      developer.resources(),
      developer.machines({ filter: { kind: 'PRIMARY' }, orderBy: { field: 'NAME' } }),
      developer.configurations({ first: 10 }),
      developer.users(),
    ]);
    expect(applications.length).toBeGreaterThan(0);
    expect(networks.map((n) => n.name)).toContain('VM Network');
    expect(images[0]).toMatchObject({ application: { id: expect.any(String) }, defaultCpu: expect.any(Number) });
    expect(resources?.cpuCores.total).toBeGreaterThan(0);
    expect(machines.totalCount).toBeGreaterThan(0);
    expect(machines.edges.every((e) => e.node.kind === 'PRIMARY')).toBe(true);
    expect(configurations.edges[0]?.node.primaryMachine.kind).toBe('PRIMARY');
    expect(users.edges.map((e) => e.node.username)).toEqual(expect.arrayContaining(['admin', 'developer', 'operator']));

    const [node, nodes] = await Promise.all([
      developer.node({ id: configurations.edges[0]!.node.id }),
      developer.nodes({ ids: [machines.edges[0]!.node.id, images[0]!.id] }),
    ]);
    expect(node?.__typename).toBe('Configuration');
    expect(nodes.map((n) => n?.__typename)).toEqual(['Machine', 'VmImage']);
  });

  it('iterates every page of a connection', async () => {
    const pageOfTwo = await developer.users({ first: 2 });
    expect(pageOfTwo.pageInfo.hasNextPage).toBe(true);
    const all: string[] = [];
    for await (const user of developer.all.users({}, { pageSize: 2 })) all.push(user.username);
    expect(all).toHaveLength((await developer.users()).totalCount);
    expect(new Set(all).size).toBe(all.length);
    expect(all.slice(0, 2)).toEqual(pageOfTwo.edges.map((e) => e.node.username));
  });
});

describe('admin mutations', () => {
  it('creates users, applications and configurations, and updates configurations', async () => {
    const user = await admin.createUser({ input: { username: `sdk_${randomBytes(3).toString('hex')}`, name: 'SDK Test User', role: 'DEVELOPER' } });
    expect(user.password.length).toBeGreaterThan(8);
    expect((await clientFor().login({ username: user.user.username, password: user.password })).user.role).toBe('DEVELOPER');

    const application = await admin.createApplication({ input: { name: uniqueName('SDK application'), description: 'made by the SDK tests' } });
    const primary = (await admin.machines({ filter: { kind: 'PRIMARY' }, first: 1 })).edges[0]!.node;
    const configuration = await admin.createConfiguration({
      input: { name: uniqueName('SDK configuration'), applicationId: application.id, primaryMachineId: primary.id, scheduleIntervalSeconds: 3600 },
    });
    expect(configuration).toMatchObject({ application: { id: application.id }, primaryMachine: { id: primary.id }, retention: 7, rpoTargetSeconds: 7200 });
    const updated = await admin.updateConfiguration({ configurationId: configuration.id, input: { retention: 3, autoRestore: false } });
    expect(updated).toMatchObject({ retention: 3, autoRestore: false, scheduleIntervalSeconds: 3600 });
  });

  it('refuses them to other roles with FORBIDDEN', async () => {
    const error = await rejection(operator.createApplication({ input: { name: uniqueName('Not allowed') } }));
    expect(error).toBeInstanceOf(EnclaveError);
    expect(error).toMatchObject({ code: 'FORBIDDEN' });
  });
});

describe('errors', () => {
  it('carry the code, field and problems of input errors', async () => {
    const error = await rejection(admin.createClone({ input: { ...cloneInput, name: 'abc', cpu: 0 } }));
    expect(error).toBeInstanceOf(EnclaveError);
    const { code, field, problems } = error as EnclaveError;
    expect({ code, field }).toEqual({ code: 'VALIDATION', field: 'input.name' });
    expect(problems.map((p) => p.field)).toEqual(expect.arrayContaining(['input.name', 'input.cpu']));
  });

  it('map NOT_FOUND, UNAUTHENTICATED and FORBIDDEN', async () => {
    const unknownImage = encodeGlobalID('VmImage', randomUUID());
    const notFound = await rejection(admin.createClone({ input: { ...cloneInput, name: uniqueName('Missing image'), imageId: unknownImage } }));
    expect(notFound).toMatchObject({ code: 'NOT_FOUND', field: 'input.imageId' });
    expect(await rejection(clientFor().clones())).toMatchObject({ name: 'EnclaveError', code: 'UNAUTHENTICATED' });
    expect(await rejection(developer.createClone({ input: { ...cloneInput, name: uniqueName('Developer clone') } }))).toMatchObject({
      code: 'FORBIDDEN',
    });
  });

  it('maps a refusal by GraphQL itself (a variable of the wrong type) to VALIDATION', async () => {
    const error = await rejection(developer.clones({ first: 'ten' as unknown as number }));
    expect(error).toMatchObject({ name: 'EnclaveError', code: 'VALIDATION' });
    expect((error as EnclaveError).message).toMatch(/non-integer/);
  });

  it('report an unreachable server and a non-GraphQL answer as network errors', async () => {
    const closedPort = createClient({ url: 'http://127.0.0.1:1/graphql' });
    const unreachable = await rejection(closedPort.me());
    expect(unreachable).toBeInstanceOf(EnclaveNetworkError);
    expect(unreachable).not.toBeInstanceOf(EnclaveError);

    const proxyError = createClient({ url: stack.api.url, fetch: async () => new Response('<html>Bad gateway</html>', { status: 502, headers: { 'content-type': 'text/html' } }) });
    expect(await rejection(proxyError.me())).toMatchObject({ name: 'EnclaveNetworkError', status: 502 });
  });

  it('reject a subscription the caller may not open', async () => {
    const iterator = clientFor().cloneStatusChanged();
    const error = await rejection(iterator.next());
    expect(error).toMatchObject({ name: 'EnclaveError', code: 'UNAUTHENTICATED' });
  });
});

describe('a clone through the SDK', () => {
  let clone: Clone;

  it('creates a clone, follows it by subscription and waits until RUNNING', async () => {
    const opened = stack.subscriptionsOpened();
    const statuses = record(admin.cloneStatusChanged());
    await stack.subscribed(opened + 1); // graphql-ws does not acknowledge a subscribe
    clone = await admin.createClone({ input: { ...cloneInput, name: uniqueName('SDK clone') } });
    expect(clone.status).toBe('PROVISIONING');
    const events = record(admin.cloneEvents({ cloneId: clone.id }));
    // Listening before the clone's guest boots (500 ms in the lab), so its status_changed events reach us.
    await stack.subscribed(opened + 2);

    const running = await admin.waitForCloneStatus(clone.id, 'RUNNING', { timeout: 90_000 });
    expect(running).toMatchObject({ id: clone.id, status: 'RUNNING', machine: { kind: 'CLONE', powerState: 'POWERED_ON' } });
    await eventually(() => statuses.items.some((s) => s.clone?.id === clone.id && s.status === 'RUNNING'));
    const mine = statuses.items.filter((s: CloneStatusChange) => s.clone?.id === clone.id).map((s) => s.status);
    expect(mine).toEqual(['PROVISIONING', 'STARTING', 'RUNNING']);
    expect(events.items.some((e: EnclaveEvent | null) => e?.type === 'clone.status_changed')).toBe(true);
    await Promise.all([statuses.stop(), events.stop()]);
    await Promise.all([statuses.done, events.done]);
  });

  it('reads it through every clone query', async () => {
    // The credentials first: the events read below must include the event this read records.
    const credentials = await operator.rdpCredentials({ id: clone.id });
    const [read, list, restores, snapshots, events] = await Promise.all([
      operator.clone({ id: clone.id }),
      developer.clones({ filter: { name: clone.name, status: ['RUNNING'] }, orderBy: { field: 'CREATED_AT', direction: 'DESC' } }),
      developer.cloneRestores({ cloneId: clone.id }),
      developer.snapshots({ filter: { configurationId: cloneInput.configurationId } }),
      developer.events({ filter: { cloneId: clone.id }, first: 100 }),
    ]);
    expect(read).toMatchObject({ name: clone.name, createdBy: { username: 'admin' }, failover: false });
    expect(list.edges.map((e) => e.node.id)).toEqual([clone.id]);
    expect(credentials).toMatchObject({ username: expect.any(String), password: expect.any(String), port: 3389 });
    expect(restores?.totalCount).toBeGreaterThanOrEqual(0);
    expect(snapshots.totalCount).toBeGreaterThanOrEqual(0);
    expect(events.edges.map((e) => e.node.type)).toEqual(expect.arrayContaining(['clone.created', 'clone.rdp_revealed']));

    const paged: string[] = [];
    for await (const event of developer.all.events({ filter: { cloneId: clone.id } }, { pageSize: 3 })) paged.push(event.id);
    expect(paged).toHaveLength((await developer.events({ filter: { cloneId: clone.id } })).totalCount);
    const restoresPaged = [];
    for await (const restore of developer.all.cloneRestores({ cloneId: clone.id })) restoresPaged.push(restore);
    expect(restoresPaged).toHaveLength(restores!.totalCount);

    expect(await rejection(developer.rdpCredentials({ id: clone.id }))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await rejection(admin.createClone({ input: { ...cloneInput, name: clone.name } }))).toMatchObject({ code: 'CONFLICT', field: 'input.name' });
  });

  it('operates it: power actions, snapshots, failover (readiness, force, operations) and failback', async () => {
    // Power actions are accepted at once and carried out by the clone's workflow: follow them
    // on the status subscription, as an integrator would.
    const opened = stack.subscriptionsOpened();
    const statuses = record(operator.cloneStatusChanged({ cloneId: clone.id }));
    await stack.subscribed(opened + 1);
    const reached = (status: string, times: number) =>
      eventually(() => statuses.items.filter((s) => s.status === status).length >= times, 60_000);
    expect((await operator.stopClone({ cloneId: clone.id })).id).toBe(clone.id);
    await reached('STOPPED', 1);
    await operator.startClone({ cloneId: clone.id });
    await reached('RUNNING', 1);
    await operator.suspendClone({ cloneId: clone.id });
    await reached('PAUSED', 1);
    await operator.resumeClone({ cloneId: clone.id });
    await reached('RUNNING', 2);
    await operator.rebootClone({ cloneId: clone.id });
    await reached('RUNNING', 3);
    expect(statuses.items.map((s) => s.status)).toEqual(['STOPPED', 'STARTING', 'RUNNING', 'PAUSED', 'RUNNING', 'STARTING', 'RUNNING']);
    await statuses.stop();
    await statuses.done;
    expect(await rejection(operator.resumeClone({ cloneId: clone.id }))).toMatchObject({ code: 'INVALID_STATE' });

    const snapshot = await operator.createSnapshot({ cloneId: clone.id });
    expect(snapshot).toMatchObject({ trigger: 'MANUAL' });
    await eventually(async () => (await developer.snapshots({ filter: { status: ['DONE'] } })).edges.some((e) => e.node.id === snapshot.id), 60_000);
    expect(await rejection(operator.retrySnapshot({ snapshotId: snapshot.id }))).toMatchObject({ code: 'INVALID_STATE' });
    expect(await rejection(operator.cancelSnapshot({ snapshotId: snapshot.id }))).toMatchObject({ code: 'INVALID_STATE' });
    expect(await rejection(developer.createSnapshot({ cloneId: clone.id }))).toMatchObject({ code: 'FORBIDDEN' });

    // The clone never received a snapshot of the primary: not ready, unless forced.
    const readiness = await developer.failoverReadiness({ cloneId: clone.id });
    expect(readiness).toMatchObject({ ready: false, overridable: true, reasons: ['the clone has not received a snapshot of the primary yet'] });
    expect(await rejection(operator.startFailover({ cloneId: clone.id }))).toMatchObject({ code: 'INVALID_STATE' });
    const forced = await operator.startFailover({ cloneId: clone.id, force: true });
    expect(forced.currentOperation).toMatchObject({ type: 'START_FAILOVER', status: expect.stringMatching(/QUEUED|RUNNING|SUCCEEDED/), forced: true });
    const started = await operator.waitForOperation(forced.currentOperation!.id, { timeout: 60_000 });
    expect(started).toMatchObject({ status: 'SUCCEEDED', finishedAt: expect.any(String) });
    expect((await developer.clone({ id: clone.id }))?.failover).toBe(true);
    expect(await rejection(operator.startFailover({ cloneId: clone.id }))).toMatchObject({ code: 'INVALID_STATE' });
    const failback = await operator.endFailover({ cloneId: clone.id, discardFailoverState: true });
    await operator.waitForOperation(failback.currentOperation!.id, { timeout: 60_000 });
    const back = await developer.clone({ id: clone.id });
    expect(back).toMatchObject({ status: 'RUNNING', failover: false });
    const operations = [];
    for await (const operation of developer.all.cloneOperations({ cloneId: clone.id })) operations.push(operation.type);
    expect(operations.slice(0, 3)).toEqual(['END_FAILOVER', 'START_FAILOVER', 'CREATE_SNAPSHOT']);
  });

  it('keeps its subscription across an API restart, re-authenticating, and sees the clone deleted', async () => {
    const opened = stack.subscriptionsOpened();
    const statuses = record(admin.cloneStatusChanged({ cloneId: clone.id }));
    await stack.subscribed(opened + 1);
    const readsBefore = adminTokenReads;
    await stack.restartApi({ downtimeMs: 1_000 });
    // The socket re-authenticates on reconnection: wait for that, then for the re-subscribe.
    await eventually(() => adminTokenReads > readsBefore, 30_000);
    await stack.subscribed(opened + 2);

    await admin.deleteClone({ cloneId: clone.id });
    await eventually(() => statuses.items.some((s) => s.status === 'DELETED'), 90_000);
    expect(statuses.items.map((s) => s.status)).toEqual(['DELETING', 'DELETED']);
    await statuses.stop();
    await statuses.done;

    expect(await rejection(operator.rdpCredentials({ id: clone.id }))).toMatchObject({ code: 'INVALID_STATE' });
  });

  it('waits: resolves at once for a reached status, fails on a terminal one and times out', async () => {
    expect((await admin.waitForCloneStatus(clone.id, ['DELETED'], { timeout: 10_000 })).status).toBe('DELETED');
    const terminal = await rejection(admin.waitForCloneStatus(clone.id, 'RUNNING', { timeout: 10_000 }));
    expect(terminal).toBeInstanceOf(EnclaveWaitError);
    expect(terminal).toMatchObject({ reason: 'UNEXPECTED_STATUS', clone: { status: 'DELETED' } });
    // The timeout reports the clone as last seen: whether a poll returned within 300 ms depends on
    // the machine's load, so compare with what the wait itself saw rather than assume it saw one.
    const seen: Clone[] = [];
    const timedOut = await rejection(admin.waitForClone(clone.id, (c) => (seen.push(c), false), { timeout: 300, failOn: [] }));
    expect(timedOut).toMatchObject({ reason: 'TIMEOUT' });
    expect((timedOut as EnclaveWaitError).clone).toBe(seen.at(-1) ?? null);
    expect(seen.every((c) => c.status === 'DELETED')).toBe(true);
  });
});

describe('the example script', () => {
  it('creates a clone, waits until RUNNING, fails over and back, deletes it and waits until DELETED', async () => {
    // A scheduled snapshot of the configuration, so the example's clone is ready once provisioned.
    const configurationId = decodeGlobalID(cloneInput.configurationId).id;
    await stack.temporal.workflow.execute('snapshotWorkflow', {
      taskQueue: stack.taskQueue,
      workflowId: `snapshot-${configurationId}-test-${randomUUID()}`,
      args: [{ configurationId, trigger: 'SCHEDULED' }],
    });
    const lines: string[] = [];
    const clone = await failoverRoundtrip({
      url: stack.api.url,
      username: 'admin',
      password: stack.users.admin.password,
      timeout: 90_000,
      log: (line) => lines.push(line),
    });
    expect(clone.status).toBe('DELETED');
    expect(lines.join('\n')).toMatch(/is RUNNING[\s\S]*ready for failover[\s\S]*failed over[\s\S]*SUCCEEDED[\s\S]*failed back[\s\S]*is DELETED/);
  });
});
