// Who may do what, and what every failure looks like: the role matrix over every mutation and
// sensitive field, each error code, admin mutations, createClone's capacity check and
// idempotency, RDP credentials and their audit trail, login rate limits, CSRF and query limits.
import { randomUUID } from 'node:crypto';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordCapacity } from '../infra/capacity.js';
import { encryptSecret } from '../infra/secrets.js';
import { LOGIN_LIMITS } from '../server/services/sessions.js';
import { CSRF_HEADER, QUERY_LIMITS } from '../server/yoga.js';
import { writeFixture, type Fixture } from './support/fixture.js';
import { startTestStack, type ApiStack } from './support/stack.js';
import { gql, loginAs, type GraphQLResponse } from './support/graphql.js';

let harness: ApiStack;
let fixture: Fixture;
const tokens = {} as Record<'admin' | 'operator' | 'developer', string>;
const gid = encodeGlobalID;
let cloneInput: () => Record<string, unknown>;

beforeAll(async () => {
  harness = await startTestStack({ vsphere: false });
  fixture = await writeFixture(harness.prisma, harness.secretKey);
  for (const role of ['admin', 'operator', 'developer'] as const) {
    tokens[role] = await loginAs(harness.api.url, role, fixture.users[role].password);
  }
  let n = 0;
  cloneInput = () => ({
    name: `Access clone ${++n}`,
    description: 'made by the access tests',
    imageId: gid('VmImage', fixture.imageIds[0]!),
    configurationId: gid('Configuration', fixture.configurationIds[0]!),
    networkId: gid('Network', fixture.networkIds[0]!),
    cpu: 1,
    ramGb: 1,
  });
});

afterAll(() => harness?.close());

const call = (query: string, variables: Record<string, unknown> = {}, token?: string) =>
  gql(harness.api.url, query, variables, token);

const errorOf = (result: GraphQLResponse) => result.errors?.[0]?.extensions;

type Caller = 'anonymous' | 'developer' | 'operator' | 'admin';
const CALLERS: Caller[] = ['anonymous', 'developer', 'operator', 'admin'];
const ALLOWED = {
  anyone: ['anonymous', 'developer', 'operator', 'admin'],
  authenticated: ['developer', 'operator', 'admin'],
  operator: ['operator', 'admin'],
  admin: ['admin'],
} satisfies Record<string, Caller[]>;

async function tokenFor(caller: Caller): Promise<string | undefined> {
  return caller === 'anonymous' ? undefined : tokens[caller];
}

describe('the role matrix', () => {
  // Each operation, who may run it, and how to run it. Allowed calls must not fail with
  // FORBIDDEN/UNAUTHENTICATED; refused ones must fail with exactly that and change nothing.
  const operations: Array<{
    name: string;
    allowed: Caller[];
    run: (token: string | undefined, caller: Caller) => Promise<GraphQLResponse>;
  }> = [
    {
      name: 'login',
      allowed: ALLOWED.anyone,
      run: (_token, caller) =>
        call('mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token user { username } } }', {
          u: caller === 'anonymous' ? 'admin' : caller,
          p: fixture.users[caller === 'anonymous' ? 'admin' : caller].password,
        }),
    },
    {
      name: 'logout',
      allowed: ALLOWED.authenticated,
      // A session of its own, so the matrix's tokens stay valid.
      run: async (_token, caller) =>
        call('mutation { logout }', {}, caller === 'anonymous' ? undefined : await loginAs(harness.api.url, caller, fixture.users[caller].password)),
    },
    {
      name: 'createClone',
      allowed: ALLOWED.admin,
      run: (token) => call('mutation($input: CreateCloneInput!) { createClone(input: $input) { id status } }', { input: cloneInput() }, token),
    },
    {
      name: 'deleteClone',
      allowed: ALLOWED.admin,
      // An unknown clone: the admin gets NOT_FOUND, everyone else is refused before the lookup.
      run: (token) => call('mutation($id: ID!) { deleteClone(cloneId: $id) { id } }', { id: gid('Clone', randomUUID()) }, token),
    },
    {
      name: 'createUser',
      allowed: ALLOWED.admin,
      run: (token, caller) =>
        call('mutation($input: CreateUserInput!) { createUser(input: $input) { password user { username } } }', {
          input: { username: `matrix_${caller}`, name: 'Matrix Person', role: 'DEVELOPER' },
        }, token),
    },
    {
      name: 'createApplication',
      allowed: ALLOWED.admin,
      run: (token, caller) =>
        call('mutation($input: CreateApplicationInput!) { createApplication(input: $input) { name } }', {
          input: { name: `Matrix application ${caller}` },
        }, token),
    },
    {
      name: 'createConfiguration',
      allowed: ALLOWED.admin,
      run: (token) =>
        call('mutation($input: CreateConfigurationInput!) { createConfiguration(input: $input) { name } }', {
          input: {
            name: 'Matrix configuration',
            primaryMachineId: gid('Machine', fixture.primaryIds[0]!),
            applicationId: gid('Application', fixture.applicationIds[1]!),
            scheduleCron: '0 3 * * *',
          },
        }, token),
    },
    {
      name: 'updateConfiguration',
      allowed: ALLOWED.admin,
      run: (token) =>
        call('mutation($id: ID!) { updateConfiguration(configurationId: $id, input: { retention: 9 }) { retention } }', {
          id: gid('Configuration', fixture.configurationIds[1]!),
        }, token),
    },
    // The workflow-driven mutations, on unknown objects: operators get NOT_FOUND, everyone else
    // is refused before the lookup.
    ...(['startFailover', 'endFailover', 'createSnapshot', 'startClone', 'stopClone', 'suspendClone', 'resumeClone', 'rebootClone'] as const).map(
      (name) => ({
        name,
        allowed: ALLOWED.operator,
        run: (token: string | undefined) => call(`mutation($id: ID!) { ${name}(cloneId: $id) { id } }`, { id: gid('Clone', randomUUID()) }, token),
      }),
    ),
    ...(['retrySnapshot', 'cancelSnapshot'] as const).map((name) => ({
      name,
      allowed: ALLOWED.operator,
      run: (token: string | undefined) => call(`mutation($id: ID!) { ${name}(snapshotId: $id) { id } }`, { id: gid('Snapshot', randomUUID()) }, token),
    })),
    {
      name: 'Clone.rdpCredentials',
      allowed: ALLOWED.operator,
      run: (token) => call('query($id: ID!) { clone(id: $id) { name rdpCredentials { password } } }', { id: gid('Clone', fixture.cloneIds[2]!) }, token),
    },
    ...(
      [
        ['me', '{ me { username } }', ALLOWED.anyone],
        ['clones', '{ clones(first: 1) { totalCount } }', ALLOWED.authenticated],
        ['clone', `query($id: ID!) { clone(id: $id) { name } }`, ALLOWED.authenticated],
        ['node', `query($id: ID!) { node(id: $id) { id } }`, ALLOWED.authenticated],
        ['machines', '{ machines(first: 1) { totalCount } }', ALLOWED.authenticated],
        ['configurations', '{ configurations(first: 1) { totalCount } }', ALLOWED.authenticated],
        ['snapshots', '{ snapshots(first: 1) { totalCount } }', ALLOWED.authenticated],
        ['events', '{ events(first: 1) { totalCount } }', ALLOWED.authenticated],
        ['users', '{ users(first: 1) { totalCount } }', ALLOWED.authenticated],
        ['applications', '{ applications { name } }', ALLOWED.authenticated],
        ['vmImages', '{ vmImages { name } }', ALLOWED.authenticated],
        ['networks', '{ networks { name } }', ALLOWED.authenticated],
        ['resources', '{ resources { cpuCores { available } } }', ALLOWED.authenticated],
      ] as const
    ).map(([name, query, allowed]) => ({
      name,
      allowed: [...allowed],
      run: (token: string | undefined) => call(query, query.includes('$id') ? { id: gid('Clone', fixture.cloneIds[0]!) } : {}, token),
    })),
  ];

  it('allows each operation to exactly the roles DESIGN.md §1 gives it', async () => {
    const outcome: Record<string, Record<Caller, string>> = {};
    const expected: Record<string, Record<Caller, string>> = {};
    for (const operation of operations) {
      outcome[operation.name] = {} as Record<Caller, string>;
      expected[operation.name] = {} as Record<Caller, string>;
      for (const caller of CALLERS) {
        const result = await operation.run(await tokenFor(caller), caller);
        const code = errorOf(result)?.code;
        outcome[operation.name]![caller] = code === 'FORBIDDEN' || code === 'UNAUTHENTICATED' ? code : 'allowed';
        expected[operation.name]![caller] = operation.allowed.includes(caller)
          ? 'allowed'
          : caller === 'anonymous'
            ? 'UNAUTHENTICATED'
            : 'FORBIDDEN';
      }
    }
    expect(outcome).toEqual(expected);
  });

  it('changed nothing for the refused callers', async () => {
    expect(await harness.prisma.user.count({ where: { username: { startsWith: 'matrix_' } } })).toBe(1);
    expect(await harness.prisma.application.count({ where: { name: { startsWith: 'Matrix application' } } })).toBe(1);
    expect(await harness.prisma.clone.count({ where: { name: { startsWith: 'Access clone' } } })).toBe(1);
    const revealedBy = await harness.prisma.event.findMany({ where: { type: 'clone.rdp_revealed' }, select: { actorId: true } });
    expect(revealedBy.map((e) => e.actorId).sort()).toEqual([fixture.users.admin.id, fixture.users.operator.id].sort());
  });
});

describe('RDP credentials', () => {
  it('reveals host, port, username and password, and audits each reveal without the password', async () => {
    const password = 'Sw0rdfish-Correct-Horse';
    const cloneId = fixture.cloneIds[1]!;
    await harness.prisma.clone.update({ where: { id: cloneId }, data: { rdpPasswordEnc: encryptSecret(password, harness.secretKey) } });
    const before = await harness.prisma.event.count({ where: { type: 'clone.rdp_revealed', cloneId } });

    const result = await call('query($id: ID!) { clone(id: $id) { rdpCredentials { host port username password } } }', { id: gid('Clone', cloneId) }, tokens.operator);
    expect(result.errors).toBeUndefined();
    expect(result.data.clone.rdpCredentials).toEqual({ host: '198.51.100.11', port: 3389, username: 'Administrator', password });

    const events = await harness.prisma.event.findMany({ where: { type: 'clone.rdp_revealed', cloneId }, orderBy: { createdAt: 'asc' } });
    expect(events).toHaveLength(before + 1);
    expect(events.at(-1)).toMatchObject({ actorKind: 'USER', actorId: fixture.users.operator.id, subjectType: 'Clone', subjectId: cloneId });
    expect(JSON.stringify(events)).not.toContain(password);

    const developer = await call('query($id: ID!) { clone(id: $id) { name rdpCredentials { password } } }', { id: gid('Clone', cloneId) }, tokens.developer);
    expect(developer.data.clone).toEqual({ name: 'clone-01', rdpCredentials: null });
    expect(errorOf(developer)).toMatchObject({ code: 'FORBIDDEN' });
    expect(JSON.stringify(developer)).not.toContain(password);
    expect(await harness.prisma.event.count({ where: { type: 'clone.rdp_revealed', cloneId } })).toBe(before + 1);
  });

  it('has no host before the guest reports an IP, and refuses a deleted clone with INVALID_STATE', async () => {
    const noVm = await call('query($id: ID!) { clone(id: $id) { rdpCredentials { host port } } }', { id: gid('Clone', fixture.cloneIds[7]!) }, tokens.admin);
    expect(noVm.data.clone.rdpCredentials).toEqual({ host: null, port: 3389 });
    const deleted = await call('query($id: ID!) { clone(id: $id) { rdpCredentials { host } } }', { id: gid('Clone', fixture.deletedCloneIds[0]!) }, tokens.admin);
    expect(errorOf(deleted)).toMatchObject({ code: 'INVALID_STATE' });
  });
});

describe('admin mutations', () => {
  it('creates a user whose generated password is shown once and works', async () => {
    const result = await call(
      'mutation($input: CreateUserInput!) { createUser(input: $input) { password user { id username name role } } }',
      { input: { username: 'new_operator', name: 'Nova Operator', role: 'MACHINE_ADMIN' } },
      tokens.admin,
    );
    expect(result.errors).toBeUndefined();
    const { password, user } = result.data.createUser;
    expect(user).toMatchObject({ username: 'new_operator', name: 'Nova Operator', role: 'MACHINE_ADMIN' });
    expect(password).toMatch(/^.{20}$/);
    const stored = await harness.prisma.user.findUniqueOrThrow({ where: { username: 'new_operator' } });
    expect(stored.passwordHash).not.toContain(password);
    const token = await loginAs(harness.api.url, 'new_operator', password);
    expect((await call('{ me { username role } }', {}, token)).data.me).toEqual({ username: 'new_operator', role: 'MACHINE_ADMIN' });
    expect(await harness.prisma.event.count({ where: { type: 'user.created', subjectId: stored.id } })).toBe(1);

    const duplicate = await call('mutation($input: CreateUserInput!) { createUser(input: $input) { password } }', { input: { username: 'new_operator', name: 'Someone Else', role: 'DEVELOPER' } }, tokens.admin);
    expect(errorOf(duplicate)).toMatchObject({ code: 'CONFLICT', field: 'input.username' });
    const invalid = await call('mutation($input: CreateUserInput!) { createUser(input: $input) { password } }', { input: { username: '9Bad', name: 'abc', role: 'DEVELOPER' } }, tokens.admin);
    expect(errorOf(invalid)).toMatchObject({ code: 'VALIDATION', field: 'input.username' });
    expect((errorOf(invalid)?.problems as { field: string }[]).map((p) => p.field)).toEqual(['input.username', 'input.name']);
  });

  it('creates applications and configurations and updates schedules', async () => {
    const app = await call('mutation { createApplication(input: { name: "Turbine HMI", description: "operator screens" }) { id name description images { name } } }', {}, tokens.admin);
    expect(app.data.createApplication).toMatchObject({ name: 'Turbine HMI', description: 'operator screens', images: [] });
    const again = await call('mutation { createApplication(input: { name: "Turbine HMI" }) { id } }', {}, tokens.admin);
    expect(errorOf(again)).toMatchObject({ code: 'CONFLICT', field: 'input.name' });
    const short = await call('mutation { createApplication(input: { name: "HMI" }) { id } }', {}, tokens.admin);
    expect(errorOf(short)).toMatchObject({ code: 'VALIDATION', field: 'input.name' });

    const CREATE = 'mutation($input: CreateConfigurationInput!) { createConfiguration(input: $input) { id name scheduleIntervalSeconds scheduleCron retention autoRestore primaryMachine { name } application { name } } }';
    const base = { name: 'Turbine nightly', primaryMachineId: gid('Machine', fixture.primaryIds[1]!), applicationId: app.data.createApplication.id };
    const created = await call(CREATE, { input: { ...base, scheduleCron: '30 2 * * 1-5', retention: 14, autoRestore: false } }, tokens.admin);
    expect(created.errors).toBeUndefined();
    expect(created.data.createConfiguration).toMatchObject({
      name: 'Turbine nightly', scheduleIntervalSeconds: null, scheduleCron: '30 2 * * 1-5', retention: 14, autoRestore: false,
      primaryMachine: { name: 'primary-three' }, application: { name: 'Turbine HMI' },
    });

    const refusals: Array<[Record<string, unknown>, string, string]> = [
      [{ ...base, name: 'Both schedules', scheduleCron: '0 * * * *', scheduleIntervalSeconds: 3600 }, 'VALIDATION', 'input.scheduleIntervalSeconds'],
      [{ ...base, name: 'No schedule' }, 'VALIDATION', 'input.scheduleIntervalSeconds'],
      [{ ...base, name: 'Too frequent', scheduleIntervalSeconds: 10 }, 'VALIDATION', 'input.scheduleIntervalSeconds'],
      [{ ...base, name: 'Bad cron', scheduleCron: '61 * * * *' }, 'VALIDATION', 'input.scheduleCron'],
      [{ ...base, name: 'Bad retention', scheduleCron: '0 * * * *', retention: 0 }, 'VALIDATION', 'input.retention'],
      [{ ...base, name: 'Turbine nightly', applicationId: gid('Application', fixture.applicationIds[1]!), scheduleCron: '0 * * * *' }, 'CONFLICT', 'input.name'],
      [{ ...base, name: 'Same primary and app', scheduleCron: '0 * * * *' }, 'CONFLICT', 'input.applicationId'],
      [{ ...base, name: 'Clone as primary', primaryMachineId: gid('Machine', (await harness.prisma.machine.findFirstOrThrow({ where: { kind: 'CLONE' } })).id), scheduleCron: '0 * * * *' }, 'NOT_FOUND', 'input.primaryMachineId'],
      [{ ...base, name: 'Bad application id', applicationId: 'garbage', scheduleCron: '0 * * * *' }, 'VALIDATION', 'input.applicationId'],
    ];
    for (const [input, code, field] of refusals) {
      expect(errorOf(await call(CREATE, { input }, tokens.admin)), input.name as string).toMatchObject({ code, field });
    }

    const UPDATE = 'mutation($id: ID!, $input: UpdateConfigurationInput!) { updateConfiguration(configurationId: $id, input: $input) { scheduleIntervalSeconds scheduleCron retention autoRestore } }';
    const id = created.data.createConfiguration.id;
    const updated = await call(UPDATE, { id, input: { scheduleIntervalSeconds: 900, autoRestore: true } }, tokens.admin);
    expect(updated.data.updateConfiguration).toEqual({ scheduleIntervalSeconds: 900, scheduleCron: null, retention: 14, autoRestore: true });
    expect(errorOf(await call(UPDATE, { id, input: { scheduleCron: 'every day' } }, tokens.admin))).toMatchObject({ code: 'VALIDATION', field: 'input.scheduleCron' });
    expect(errorOf(await call(UPDATE, { id: gid('Configuration', randomUUID()), input: { retention: 3 } }, tokens.admin))).toMatchObject({ code: 'NOT_FOUND' });
    const events = await harness.prisma.event.findMany({ where: { subjectType: 'Configuration' }, select: { type: true } });
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['configuration.created', 'configuration.updated']));
  });
});

describe('createClone', () => {
  const CREATE = 'mutation($input: CreateCloneInput!) { createClone(input: $input) { id name status cpu ramGb idempotencyKey } }';
  const available = async () =>
    (await call('{ resources { cpuCores { available used } ramGb { available used } } }', {}, tokens.admin)).data.resources;

  it('refuses what does not fit in the available capacity, naming what is available', async () => {
    const before = await available();
    const cpu = await call(CREATE, { input: { ...cloneInput(), cpu: before.cpuCores.available + 1 } }, tokens.admin);
    expect(errorOf(cpu)).toMatchObject({ code: 'VALIDATION', field: 'input.cpu' });
    expect(cpu.errors![0]!.message).toContain(`only ${before.cpuCores.available} available`);
    const both = await call(CREATE, { input: { ...cloneInput(), cpu: 10_000, ramGb: 100_000 } }, tokens.admin);
    expect((errorOf(both)?.problems as { field: string }[]).map((p) => p.field)).toEqual(['input.cpu', 'input.ramGb']);

    const fits = await call(CREATE, { input: { ...cloneInput(), cpu: before.cpuCores.available, ramGb: 2 } }, tokens.admin);
    expect(fits.errors).toBeUndefined();
    expect(fits.data.createClone).toMatchObject({ status: 'PROVISIONING', cpu: before.cpuCores.available });
    const after = await available();
    expect(after.cpuCores).toEqual({ available: 0, used: before.cpuCores.used + before.cpuCores.available });
    const full = await call(CREATE, { input: cloneInput() }, tokens.admin);
    expect(errorOf(full)).toMatchObject({ code: 'VALIDATION', field: 'input.cpu' });

    // Deleting or failing frees the reservation.
    await harness.prisma.clone.update({ where: { name: fits.data.createClone.name }, data: { status: 'FAILED' } });
    expect((await available()).cpuCores.available).toBe(before.cpuCores.available);
  });

  it('admits, of creates sent at once, only those that fit together, and leaves nothing of the others', async () => {
    const before = await available();
    // Leave exactly 4 cores; then 3 creates of 2 cores at once: two fit together, the third does not.
    const filler = await call(CREATE, { input: { ...cloneInput(), cpu: before.cpuCores.available - 4 } }, tokens.admin);
    expect(filler.errors).toBeUndefined();
    const inputs: Array<Record<string, unknown>> = [0, 1, 2].map(() => ({ ...cloneInput(), cpu: 2 }));
    const results = await Promise.all(inputs.map((input) => call(CREATE, { input }, tokens.admin)));
    const admitted = results.filter((r) => !r.errors);
    const refused = results.filter((r) => r.errors);
    expect(admitted).toHaveLength(2);
    expect(refused).toHaveLength(1);
    expect(errorOf(refused[0]!)).toMatchObject({ code: 'VALIDATION', field: 'input.cpu' });
    expect(refused[0]!.errors![0]!.message).toContain('2 CPU cores requested but only 0 available');
    expect((await available()).cpuCores.available).toBe(0);
    const rows = await harness.prisma.clone.findMany({ where: { name: { in: inputs.map((i) => i.name as string) } }, select: { id: true } });
    expect(rows).toHaveLength(2);
    // The refused create's event was rolled back with its row.
    const refusedName = inputs.find((i) => !admitted.some((r) => r.data.createClone.name === i.name))!.name;
    const created = await harness.prisma.event.findMany({ where: { type: 'clone.created' }, select: { data: true } });
    expect(created.filter((e) => (e.data as { name?: string }).name === refusedName)).toHaveLength(0);
    await harness.prisma.clone.updateMany({ where: { id: { in: rows.map((r) => r.id) } }, data: { status: 'FAILED' } });
    await harness.prisma.clone.update({ where: { name: filler.data.createClone.name }, data: { status: 'FAILED' } });
    expect((await available()).cpuCores.available).toBe(before.cpuCores.available);
  });

  it('answers UNAVAILABLE while the capacity has never been sampled', async () => {
    await harness.prisma.capacitySample.deleteMany();
    const result = await call(CREATE, { input: cloneInput() }, tokens.admin);
    expect(errorOf(result)).toMatchObject({ code: 'UNAVAILABLE' });
    expect((await call('{ resources { sampledAt } }', {}, tokens.admin)).data.resources).toBeNull();
    await recordCapacity(harness.prisma, { cpuCores: { total: 400, allocated: 25 }, memoryMb: { total: 1024 * 1024, allocated: 69 * 1024 } });
  });

  it('returns the first result for a retried Idempotency-Key (header or input), even when retried concurrently', async () => {
    const post = (input: Record<string, unknown>, key?: string) =>
      fetch(harness.api.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.admin}`, ...(key ? { 'idempotency-key': key } : {}) },
        body: JSON.stringify({ query: CREATE, variables: { input } }),
      }).then((r) => r.json() as Promise<GraphQLResponse<any>>);

    const input = cloneInput();
    const first = await post(input, 'retry-1');
    const second = await post(input, 'retry-1');
    expect(first.errors).toBeUndefined();
    expect(second.data.createClone).toEqual(first.data.createClone);
    expect(first.data.createClone.idempotencyKey).toBe('retry-1');
    expect(await harness.prisma.clone.count({ where: { name: input.name as string } })).toBe(1);
    const { id } = await harness.prisma.clone.findUniqueOrThrow({ where: { name: input.name as string } });
    expect(await harness.prisma.event.count({ where: { type: 'clone.created', subjectId: id } })).toBe(1);

    const reused = await post({ ...cloneInput(), idempotencyKey: 'retry-1' });
    expect(errorOf(reused)).toMatchObject({ code: 'CONFLICT', field: 'input.idempotencyKey' });

    const concurrent = cloneInput();
    const results = await Promise.all([1, 2, 3].map(() => post({ ...concurrent, idempotencyKey: 'retry-2' })));
    for (const result of results) expect(result.errors).toBeUndefined();
    expect(new Set(results.map((r) => r.data.createClone.id)).size).toBe(1);

    // Without a key a retry is a new request: the duplicate name is refused.
    const dup = await post({ ...concurrent });
    expect(errorOf(dup)).toMatchObject({ code: 'CONFLICT', field: 'input.name' });
  });

  it('reports every other error code with its field', async () => {
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ ...cloneInput(), name: 'abc' }, 'VALIDATION', 'input.name'],
      [{ ...cloneInput(), imageId: gid('VmImage', randomUUID()) }, 'NOT_FOUND', 'input.imageId'],
      [{ ...cloneInput(), networkId: gid('Clone', randomUUID()) }, 'VALIDATION', 'input.networkId'],
      [{ ...cloneInput(), name: 'clone-03' }, 'CONFLICT', 'input.name'],
    ];
    for (const [input, code, field] of cases) {
      const result = await call(CREATE, { input }, tokens.admin);
      expect(result.data?.createClone ?? null).toBeNull();
      expect(errorOf(result)).toMatchObject({ code, field });
      // No stack traces, SQL or internals in any response.
      expect(JSON.stringify(result)).not.toMatch(/\bat .+\.(ts|js):\d+|SELECT|INSERT|prisma/i);
    }
    const badFilter = await call('{ clones(first: 1, filter: { imageId: "nope" }) { totalCount } }', {}, tokens.developer);
    expect(errorOf(badFilter)).toMatchObject({ code: 'VALIDATION', field: 'filter.imageId' });
  });
});

describe('login', () => {
  const LOGIN = 'mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }';

  it('limits failed logins per username, and a success clears them', async () => {
    const { password } = (await call('mutation { createUser(input: { username: "limited", name: "Limited User", role: DEVELOPER }) { password } }', {}, tokens.admin)).data.createUser;
    for (let i = 0; i < LOGIN_LIMITS.perUsername - 1; i++) {
      expect(errorOf(await call(LOGIN, { u: 'limited', p: 'wrong' }))).toMatchObject({ code: 'UNAUTHENTICATED' });
    }
    expect((await call(LOGIN, { u: 'limited', p: password })).errors).toBeUndefined();
    for (let i = 0; i < LOGIN_LIMITS.perUsername; i++) {
      expect(errorOf(await call(LOGIN, { u: 'limited', p: 'wrong' }))).toMatchObject({ code: 'UNAUTHENTICATED' });
    }
    // Locked: even the right password is refused, and the answer does not say whether it was right.
    expect(errorOf(await call(LOGIN, { u: 'limited', p: password }))).toMatchObject({ code: 'RATE_LIMITED' });
    expect(errorOf(await call(LOGIN, { u: 'limited', p: 'wrong' }))).toMatchObject({ code: 'RATE_LIMITED' });
    // Other accounts are not affected by one account's lock.
    expect((await call(LOGIN, { u: 'operator', p: fixture.users.operator.password })).errors).toBeUndefined();
  });

  it('limits failed logins per client address across usernames', async () => {
    const failures = await harness.prisma.loginAttempt.count({ where: { address: { not: null } } });
    for (let i = failures; i < LOGIN_LIMITS.perAddress; i++) {
      expect(errorOf(await call(LOGIN, { u: `nobody_${i}`, p: 'wrong' }))).toMatchObject({ code: 'UNAUTHENTICATED' });
    }
    expect(errorOf(await call(LOGIN, { u: 'developer', p: fixture.users.developer.password }))).toMatchObject({ code: 'RATE_LIMITED' });
  });
});

describe('transport protections', () => {
  it('refuses GET requests without the CSRF header and accepts them with it', async () => {
    const url = `${harness.api.url}?query=${encodeURIComponent('{ me { username } }')}`;
    const bare = await fetch(url, { headers: { authorization: `Bearer ${tokens.developer}` } });
    expect(bare.status).toBe(403);
    const withHeader = await fetch(url, { headers: { authorization: `Bearer ${tokens.developer}`, [CSRF_HEADER]: '1' } });
    expect(withHeader.status).toBe(200);
    expect(await withHeader.json()).toEqual({ data: { me: { username: 'developer' } } });
  });

  it('refuses queries that are too deep or use too many aliases, before running them', async () => {
    const deep = `{ clones(first: 1) { edges { node { configuration { primaryMachine { clone { configuration { primaryMachine { clone { configuration { name } } } } } } } } } } }`;
    const tooDeep = await call(deep, {}, tokens.developer);
    expect(tooDeep.data ?? null).toBeNull();
    expect(tooDeep.errors![0]!.message).toContain(`depth limit of ${QUERY_LIMITS.depth}`);
    const aliases = `{ ${Array.from({ length: QUERY_LIMITS.aliases + 1 }, (_, i) => `a${i}: me { username }`).join(' ')} }`;
    const tooMany = await call(aliases, {}, tokens.developer);
    expect(tooMany.data ?? null).toBeNull();
    expect(tooMany.errors![0]!.message).toMatch(/aliases/i);
  });
});
