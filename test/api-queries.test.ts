// Every query of the API against known rows: lists with each filter, each sort column in both
// directions, cursor pagination forwards and backwards, node lookups, resources, and the SQL
// query count of the clone list.
import { decodeGlobalID, encodeGlobalID } from '@pothos/plugin-relay';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLONE_STATUSES } from '../domain/cloneStatus.js';
import { writeFixture, FIXTURE_STATUSES, type Fixture } from './support/fixture.js';
import { startTestStack, type ApiStack } from './support/stack.js';
import { gql, loginAs } from './support/graphql.js';

let harness: ApiStack;
let fixture: Fixture;
let token: string;
const sql: string[] = [];

beforeAll(async () => {
  harness = await startTestStack({ vsphere: false, onQuery: (query) => sql.push(query) });
  fixture = await writeFixture(harness.prisma, harness.secretKey);
  token = await loginAs(harness.api.url, 'developer', fixture.users.developer.password);
});

afterAll(() => harness?.close());

/** Runs a query as the developer (read-only role) and fails the test on any error. */
async function query<T = any>(text: string, variables: Record<string, unknown> = {}): Promise<T> {
  const result = await gql<T>(harness.api.url, text, variables, token);
  expect(result.errors).toBeUndefined();
  return result.data as T;
}

const gid = (typename: string, id: string) => encodeGlobalID(typename, id);
const names = (connection: { edges: { node: { name: string } }[] }) => connection.edges.map((e) => e.node.name);
const liveClone = (i: number) => `clone-${String(i).padStart(2, '0')}`;
const range = (n: number) => [...Array(n).keys()];

const CLONE_FIELDS = `id name status failover cpu ramGb createdAt
  primaryMachine { name } configuration { name } image { name } network { name } createdBy { username }`;

const CLONES = `query($filter: CloneFilter, $orderBy: CloneOrder, $first: Int, $after: String, $last: Int, $before: String) {
  clones(filter: $filter, orderBy: $orderBy, first: $first, after: $after, last: $last, before: $before) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { ${CLONE_FIELDS} } }
  }
}`;

describe('the clone list', () => {
  it('resolves 50 clones with primary machine, configuration, image, network and creator in 3 SQL queries, reading only the columns shown', async () => {
    await query('{ me { id } }'); // the caller's session is now in the API's session cache
    sql.length = 0;
    const data = await query(CLONES, { first: 50 });
    expect(data.clones.edges).toHaveLength(50);
    expect(data.clones.totalCount).toBe(50);
    for (const { node } of data.clones.edges) {
      expect(node.primaryMachine.name).toMatch(/^primary-/);
      expect(node.configuration.name).toMatch(/^Config /);
      expect(node.image.name).toMatch(/^image-/);
      expect(node.network.name).toMatch(/^net-/);
      expect(node.createdBy.username).toMatch(/^(admin|operator|developer)$/);
    }
    // The page's IDs, the page's rows with every relation joined in, and the total count
    // (server/services/cloneList.ts: the page's plan does not depend on statistics); the session
    // comes from the session cache.
    console.log(`clone list of 50: ${sql.length} SQL queries`);
    expect(sql.filter((q) => q.includes('"public"."Session"'))).toEqual([]);
    expect(sql.length).toBe(3);
    // Only the columns the page shows: never the creator's password hash or the RDP password.
    const list = sql.filter((q) => q.includes('"public"."Clone"'));
    expect(list.join('\n')).not.toMatch(/passwordHash|rdpPasswordEnc|idempotencyRequestHash/);
  });

  it('answers `me` from the session when it asks only what the session read, and reads the user otherwise', async () => {
    const first = await query('{ me { id username name role } }');
    sql.length = 0;
    expect(await query('{ me { id username name role } }')).toEqual(first);
    expect(sql).toEqual([]);
    const more = await query('{ me { id username createdAt disabledAt } }');
    expect(more.me).toMatchObject({ id: first.me.id, username: first.me.username, disabledAt: null });
    expect(new Date(more.me.createdAt).getTime()).toBeGreaterThan(0);
    expect(sql.filter((q) => q.includes('"public"."User"'))).toHaveLength(1);
  });

  it('reads a page of the clone\'s own columns in one query (no relation to join)', async () => {
    await query('{ me { id } }');
    sql.length = 0;
    const data = await query('{ clones(first: 3) { edges { node { id name status cpu } } } }');
    expect(names(data.clones)).toEqual([liveClone(49), liveClone(48), liveClone(47)]);
    expect(sql).toHaveLength(1);
    expect(sql[0]).toMatch(/ORDER BY .*LIMIT/s);
  });

  it('lists live clones newest first by default, hiding DELETED ones unless asked', async () => {
    const data = await query(CLONES, { first: 100 });
    expect(names(data.clones)).toEqual(range(50).reverse().map(liveClone));
    const all = await query(CLONES, { first: 100, filter: { includeDeleted: true } });
    expect(all.clones.totalCount).toBe(53);
    expect(names(all.clones).slice(0, 3)).toEqual(['gone-52', 'gone-51', 'gone-50']);
  });

  it('filters by every column', async () => {
    const count = async (filter: Record<string, unknown>) => (await query(CLONES, { filter, first: 100 })).clones;
    const every = (n: (i: number) => boolean) => range(50).filter(n).map(liveClone).sort();
    const sorted = (c: { edges: { node: { name: string } }[] }) => names(c).sort();

    expect(sorted(await count({ name: 'CLONE-1' }))).toEqual(every((i) => i >= 10 && i < 20));
    expect(sorted(await count({ primaryMachineId: gid('Machine', fixture.primaryIds[1]!) }))).toEqual(every((i) => i % 3 === 1));
    expect(sorted(await count({ configurationId: gid('Configuration', fixture.configurationIds[2]!) }))).toEqual(every((i) => i % 3 === 2));
    expect(sorted(await count({ imageId: gid('VmImage', fixture.imageIds[0]!) }))).toEqual(every((i) => i % 3 === 0));
    expect(sorted(await count({ networkId: gid('Network', fixture.networkIds[1]!) }))).toEqual(every((i) => i % 2 === 1));
    expect(sorted(await count({ status: ['RUNNING'] }))).toEqual(every((i) => FIXTURE_STATUSES[i % 7] === 'RUNNING'));
    expect(sorted(await count({ status: ['FAILED', 'CRASHED'] }))).toEqual(
      every((i) => ['FAILED', 'CRASHED'].includes(FIXTURE_STATUSES[i % 7]!)),
    );
    expect(sorted(await count({ failover: true }))).toEqual(every((i) => i % 10 === 0));
    expect((await count({ failover: false })).totalCount).toBe(45);
    expect(sorted(await count({ createdById: gid('User', fixture.users.operator.id) }))).toEqual(every((i) => i % 3 === 1));
    const at = (i: number) => new Date(fixture.epoch.getTime() + i * 60_000).toISOString();
    expect(sorted(await count({ createdAfter: at(45) }))).toEqual(every((i) => i >= 45));
    expect(sorted(await count({ createdBefore: at(3) }))).toEqual(every((i) => i < 3));
    expect(sorted(await count({ createdAfter: at(10), createdBefore: at(20), imageId: gid('VmImage', fixture.imageIds[1]!) }))).toEqual(
      every((i) => i >= 10 && i < 20 && i % 3 === 1),
    );
    // CPU is 1 + i % 4 cores, RAM 1 + i % 8 GB; ranges include both ends, either may be open.
    expect(sorted(await count({ cpu: { min: 2, max: 3 } }))).toEqual(every((i) => [2, 3].includes(1 + (i % 4))));
    expect(sorted(await count({ cpu: { min: 4 } }))).toEqual(every((i) => 1 + (i % 4) >= 4));
    expect(sorted(await count({ ramGb: { max: 2 } }))).toEqual(every((i) => 1 + (i % 8) <= 2));
    expect(sorted(await count({ ramGb: { min: 5, max: 5 }, cpu: { min: 1, max: 1 } }))).toEqual(every((i) => 1 + (i % 8) === 5 && 1 + (i % 4) === 1));
    expect((await count({ cpu: {} })).totalCount).toBe(50);
    const none = await count({ name: 'no such clone' });
    expect(none.totalCount).toBe(0);
    expect(none.edges).toEqual([]);
  });

  it('sorts by every column in both directions, ties broken by ID', async () => {
    type Node = Record<string, any>;
    const keys: Record<string, (n: Node) => string | number> = {
      NAME: (n) => n.name,
      PRIMARY_MACHINE: (n) => n.primaryMachine.name,
      CONFIGURATION: (n) => n.configuration.name,
      IMAGE: (n) => n.image.name,
      NETWORK: (n) => n.network.name,
      STATUS: (n) => CLONE_STATUSES.indexOf(n.status),
      FAILOVER: (n) => Number(n.failover),
      CPU: (n) => n.cpu,
      RAM: (n) => n.ramGb,
      CREATED_BY: (n) => n.createdBy.username,
      CREATED_AT: (n) => n.createdAt,
    };
    for (const [field, key] of Object.entries(keys)) {
      for (const direction of ['ASC', 'DESC'] as const) {
        const nodes: Node[] = (await query(CLONES, { first: 50, orderBy: { field, direction } })).clones.edges.map((e: any) => e.node);
        const expected = [...nodes].sort((a, b) => {
          const [x, y] = [key(a), key(b)];
          const [idA, idB] = [decodeGlobalID(a.id).id, decodeGlobalID(b.id).id];
          const order = x < y ? -1 : x > y ? 1 : idA < idB ? -1 : 1;
          return direction === 'ASC' ? order : -order;
        });
        expect(nodes.map((n) => n.name), `${field} ${direction}`).toEqual(expected.map((n) => n.name));
        expect(new Set(nodes.map((n) => String(key(n)))).size, `${field} has distinct values`).toBeGreaterThan(1);
      }
    }
  });

  it('pages forwards with first/after and backwards with last/before, in any order', async () => {
    for (const orderBy of [undefined, { field: 'PRIMARY_MACHINE', direction: 'ASC' }, { field: 'CPU', direction: 'DESC' }]) {
      const whole = names((await query(CLONES, { first: 50, orderBy })).clones);

      const forward: string[] = [];
      let after: string | null = null;
      for (let page = 0; ; page++) {
        const { clones }: { clones: any } = await query(CLONES, { first: 7, after, orderBy });
        expect(clones.totalCount).toBe(50);
        expect(clones.pageInfo.hasPreviousPage).toBe(page > 0);
        forward.push(...names(clones));
        if (!clones.pageInfo.hasNextPage) break;
        after = clones.pageInfo.endCursor;
      }
      expect(forward).toEqual(whole);

      const backward: string[] = [];
      let before: string | null = null;
      for (let page = 0; ; page++) {
        const { clones }: { clones: any } = await query(CLONES, { last: 7, before, orderBy });
        expect(clones.pageInfo.hasNextPage).toBe(page > 0);
        backward.unshift(...names(clones));
        if (!clones.pageInfo.hasPreviousPage) break;
        before = clones.pageInfo.startCursor;
      }
      expect(backward).toEqual(whole);
    }
  });

  it('pages within a filter', async () => {
    const filter = { networkId: gid('Network', fixture.networkIds[0]!) };
    const first = (await query(CLONES, { filter, first: 10 })).clones;
    const second = (await query(CLONES, { filter, first: 10, after: first.pageInfo.endCursor })).clones;
    const third = (await query(CLONES, { filter, first: 10, after: second.pageInfo.endCursor })).clones;
    expect(first.totalCount).toBe(25);
    expect([...names(first), ...names(second), ...names(third)]).toEqual(
      range(50).filter((i) => i % 2 === 0).reverse().map(liveClone),
    );
    expect(third.pageInfo.hasNextPage).toBe(false);
  });
});

describe('single objects', () => {
  it('answers me, clone(id) and node(id) for every type', async () => {
    expect((await query('{ me { username role } }')).me).toEqual({ username: 'developer', role: 'DEVELOPER' });
    expect((await gql(harness.api.url, '{ me { username } }')).data).toEqual({ me: null });

    const cloneId = gid('Clone', fixture.cloneIds[0]!);
    const { clone } = await query(
      `query($id: ID!) { clone(id: $id) { id name status machine { kind guestIp clone { name } }
        snapshots(first: 5) { edges { node { name } } } restores(first: 5) { totalCount edges { node { status trigger snapshot { name } targetMachine { name } } } }
        events(first: 10) { edges { node { type actorKind actor { username } subjectId data } } } } }`,
      { id: cloneId },
    );
    expect(clone).toMatchObject({ id: cloneId, name: 'clone-00', status: 'PROVISIONING' });
    expect(clone.machine).toEqual({ kind: 'CLONE', guestIp: '198.51.100.10', clone: { name: 'clone-00' } });
    expect(names(clone.snapshots)).toEqual(['snap-11', 'snap-05']);
    expect(clone.restores.totalCount).toBe(3);
    expect(clone.events.edges.map((e: any) => e.node.type)).toEqual(['clone.status_changed', 'clone.status_changed', 'clone.created']);
    expect(clone.events.edges[2].node).toMatchObject({ actorKind: 'USER', actor: { username: 'admin' }, subjectId: cloneId, data: { step: 0 } });

    const unknown = gid('Clone', '00000000-0000-4000-8000-000000000000');
    expect((await query('query($id: ID!) { clone(id: $id) { id } }', { id: unknown })).clone).toBeNull();

    const nodes: Array<[string, string, string]> = [
      ['Clone', fixture.cloneIds[1]!, '... on Clone { name }'],
      ['Machine', fixture.primaryIds[0]!, '... on Machine { name }'],
      ['Configuration', fixture.configurationIds[0]!, '... on Configuration { name }'],
      ['Application', fixture.applicationIds[0]!, '... on Application { name }'],
      ['VmImage', fixture.imageIds[0]!, '... on VmImage { name }'],
      ['Network', fixture.networkIds[0]!, '... on Network { name }'],
      ['Snapshot', fixture.snapshotIds[0]!, '... on Snapshot { name }'],
      ['User', fixture.users.admin.id, '... on User { name: username }'],
    ];
    for (const [typename, id, fragment] of nodes) {
      const { node } = await query(`query($id: ID!) { node(id: $id) { __typename id ${fragment} } }`, { id: gid(typename, id) });
      expect(node).toMatchObject({ __typename: typename, id: gid(typename, id) });
      expect(node.name).toEqual(expect.any(String));
    }
  });
});

describe('the other lists', () => {
  it('lists applications, images and networks', async () => {
    const data = await query('{ applications { name images { name } } vmImages { name application { name } } networks { name kind } }');
    expect(data.applications).toEqual([
      { name: 'Plant SCADA', images: [{ name: 'image-alpha' }, { name: 'image-gamma' }] },
      { name: 'Water DCS', images: [{ name: 'image-beta' }] },
    ]);
    expect(data.vmImages.map((i: any) => i.name)).toEqual(['image-alpha', 'image-beta', 'image-gamma']);
    expect(data.networks).toEqual([{ name: 'net-a', kind: 'STANDARD' }, { name: 'net-b', kind: 'STANDARD' }]);
  });

  it('lists, filters, sorts and pages machines', async () => {
    const MACHINES = `query($filter: MachineFilter, $orderBy: MachineOrder, $first: Int, $after: String, $last: Int, $before: String) {
      machines(filter: $filter, orderBy: $orderBy, first: $first, after: $after, last: $last, before: $before) {
        totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { node { name kind powerState online cpu } } } }`;
    const list = async (variables: Record<string, unknown>) => (await query(MACHINES, { first: 50, ...variables })).machines;
    const all = await list({});
    expect(all.totalCount).toBe(8);
    expect(names(all)).toEqual(['clone-vm-00', 'clone-vm-01', 'clone-vm-02', 'clone-vm-03', 'clone-vm-04', 'primary-one', 'primary-three', 'primary-two']);
    expect(names(await list({ filter: { kind: 'PRIMARY' } }))).toEqual(['primary-one', 'primary-three', 'primary-two']);
    expect(names(await list({ filter: { name: 'VM-03' } }))).toEqual(['clone-vm-03']);
    // Without letters the match is case-sensitive (LIKE), and finds the same rows.
    expect(names(await list({ filter: { name: '-03' } }))).toEqual(['clone-vm-03']);
    expect(names(await list({ filter: { name: '_' } }))).toEqual([]); // a literal underscore, not LIKE's wildcard
    expect(names(await list({ filter: { powerState: ['POWERED_OFF'] } }))).toEqual(['primary-two']);
    expect((await list({ filter: { online: true } })).totalCount).toBe(7);
    expect(names(await list({ orderBy: { field: 'CPU', direction: 'DESC' }, first: 3 })).sort()).toEqual(['primary-one', 'primary-three', 'primary-two']);
    expect(names(await list({ orderBy: { field: 'NAME', direction: 'DESC' }, first: 2 }))).toEqual(['primary-two', 'primary-three']);
    expect(names(await list({ orderBy: { field: 'KIND', direction: 'ASC' }, first: 3 }))).toEqual(['primary-one', 'primary-three', 'primary-two']);
    expect(names(await list({ orderBy: { field: 'GUEST_IP', direction: 'DESC' }, first: 2 }))).toEqual(['clone-vm-04', 'clone-vm-03']);
    const page1 = await list({ first: 3 });
    const page2 = await list({ first: 3, after: page1.pageInfo.endCursor });
    const back = await list({ first: undefined, last: 3, before: page2.pageInfo.startCursor });
    expect(names(page2)).toEqual(['clone-vm-03', 'clone-vm-04', 'primary-one']);
    expect(names(back)).toEqual(names(page1));

    await harness.prisma.machine.update({ where: { id: fixture.primaryIds[2]! }, data: { removedAt: new Date() } });
    expect((await list({})).totalCount).toBe(7);
    expect((await list({ filter: { includeRemoved: true } })).totalCount).toBe(8);
    await harness.prisma.machine.update({ where: { id: fixture.primaryIds[2]! }, data: { removedAt: null } });
  });

  it('lists, filters and sorts configurations', async () => {
    const CONFIGURATIONS = `query($filter: ConfigurationFilter, $orderBy: ConfigurationOrder) {
      configurations(filter: $filter, orderBy: $orderBy, first: 10) { totalCount edges { node { name primaryMachine { name }
        application { name } scheduleIntervalSeconds retention autoRestore clones { name } snapshots(first: 1) { totalCount } } } } }`;
    const list = async (variables: Record<string, unknown>) => (await query(CONFIGURATIONS, variables)).configurations;
    const all = await list({});
    expect(names(all)).toEqual(['Config Alpha', 'Config Beta', 'Config Gamma']);
    expect(all.edges[0].node).toMatchObject({ scheduleIntervalSeconds: 3600, retention: 7, autoRestore: true, snapshots: { totalCount: 4 } });
    expect(all.edges[0].node.clones).toHaveLength(17);
    expect(names(await list({ filter: { name: 'beta' } }))).toEqual(['Config Beta']);
    expect(names(await list({ filter: { primaryMachineId: gid('Machine', fixture.primaryIds[2]!) } }))).toEqual(['Config Gamma']);
    expect((await list({ filter: { applicationId: gid('Application', fixture.applicationIds[1]!) } })).totalCount).toBe(0);
    expect(names(await list({ orderBy: { field: 'PRIMARY_MACHINE', direction: 'DESC' } }))).toEqual(['Config Gamma', 'Config Beta', 'Config Alpha']);
    expect(names(await list({ orderBy: { field: 'NAME', direction: 'DESC' } }))).toEqual(['Config Gamma', 'Config Beta', 'Config Alpha']);
  });

  it('lists, filters, sorts and pages snapshots', async () => {
    const SNAPSHOTS = `query($filter: SnapshotFilter, $orderBy: SnapshotOrder, $first: Int, $after: String) {
      snapshots(filter: $filter, orderBy: $orderBy, first: $first, after: $after) { totalCount pageInfo { endCursor hasNextPage }
        edges { node { name status trigger sizeBytes durationMs error configuration { name } sourceMachine { name }
          clone { name } requestedBy { username } restores { status } } } } }`;
    const list = async (variables: Record<string, unknown>) => (await query(SNAPSHOTS, { first: 20, ...variables })).snapshots;
    const snap = (i: number) => `snap-${String(i).padStart(2, '0')}`;
    const all = await list({});
    expect(names(all)).toEqual(range(12).reverse().map(snap));
    const done = all.edges.find((e: any) => e.node.name === 'snap-04').node;
    expect(done).toMatchObject({ status: 'DONE', trigger: 'MANUAL', sizeBytes: 5e9, durationMs: 5000, restores: [{ status: 'DONE' }], requestedBy: { username: 'operator' } });
    expect(all.edges.find((e: any) => e.node.name === 'snap-01').node.error).toBe('vSphere said no');

    const filtered = async (filter: Record<string, unknown>) => names(await list({ filter })).sort();
    expect(await filtered({ configurationId: gid('Configuration', fixture.configurationIds[0]!) })).toEqual([0, 3, 6, 9].map(snap));
    expect(await filtered({ sourceMachineId: gid('Machine', fixture.primaryIds[1]!) })).toEqual([1, 4, 7, 10].map(snap));
    expect(await filtered({ cloneId: gid('Clone', fixture.cloneIds[0]!) })).toEqual([5, 11].map(snap));
    expect(await filtered({ status: ['FAILED', 'CANCELLED'] })).toEqual([1, 3, 5, 7, 9, 11].map(snap));
    expect(await filtered({ trigger: ['FAILBACK'] })).toEqual([2, 5, 8, 11].map(snap));
    const at = (hours: number) => new Date(fixture.epoch.getTime() + hours * 3_600_000).toISOString();
    expect(await filtered({ startedAfter: at(9) })).toEqual([9, 10, 11].map(snap));
    expect(await filtered({ startedBefore: at(2), status: ['DONE'] })).toEqual([0].map(snap));

    expect(names(await list({ orderBy: { field: 'SIZE', direction: 'DESC' }, first: 3 }))).toEqual([8, 4, 0].map(snap));
    expect(names(await list({ orderBy: { field: 'NAME', direction: 'ASC' }, first: 2 }))).toEqual([0, 1].map(snap));
    expect(names(await list({ orderBy: { field: 'STATUS', direction: 'ASC' }, first: 3 }))).toEqual([2, 6, 10].map(snap));
    const page1 = await list({ first: 5, orderBy: { field: 'CONFIGURATION', direction: 'ASC' } });
    const page2 = await list({ first: 5, after: page1.pageInfo.endCursor, orderBy: { field: 'CONFIGURATION', direction: 'ASC' } });
    expect([...names(page1), ...names(page2)].slice(0, 4).sort()).toEqual([0, 3, 6, 9].map(snap));
    expect(new Set([...names(page1), ...names(page2)]).size).toBe(10);

    // Pages stay whole when the sort column has NULLs (only DONE snapshots have a size).
    const bySize = { field: 'SIZE', direction: 'DESC' };
    const whole = names(await list({ orderBy: bySize }));
    const paged: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: any = await list({ first: 5, after, orderBy: bySize });
      paged.push(...names(page));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(paged).toEqual(whole);
  });

  it('lists and filters events, and lists users', async () => {
    const EVENTS = `query($filter: EventFilter, $orderBy: EventOrder) { events(filter: $filter, orderBy: $orderBy, first: 50) {
      totalCount edges { node { type actorKind actor { username } subjectType subjectId clone { name } createdAt } } } }`;
    const list = async (variables: Record<string, unknown>) => (await query(EVENTS, variables)).events;
    const types = (events: any) => events.edges.map((e: any) => e.node.type);
    const all = await list({});
    expect(all.totalCount).toBeGreaterThanOrEqual(4);
    const createdAts = all.edges.map((e: any) => e.node.createdAt);
    expect(createdAts).toEqual([...createdAts].sort().reverse());
    expect(types(await list({ filter: { cloneId: gid('Clone', fixture.cloneIds[0]!) }, orderBy: { field: 'CREATED_AT' } }))).toEqual([
      'clone.created',
      'clone.status_changed',
      'clone.status_changed',
    ]);
    // The developer's own login is about the developer too.
    expect(types(await list({ filter: { subjectId: gid('User', fixture.users.developer.id) } }))).toEqual(['user.logged_in', 'user.created']);
    expect((await list({ filter: { type: ['clone.status_changed'] } })).totalCount).toBe(2);
    const byAdmin = await list({ filter: { actorId: gid('User', fixture.users.admin.id) } });
    expect(byAdmin.edges.every((e: any) => e.node.actor?.username === 'admin')).toBe(true);
    expect(types(byAdmin)).toEqual(expect.arrayContaining(['clone.created', 'user.created']));
    expect((await list({ filter: { before: '2000-01-01T00:00:00Z' } })).totalCount).toBe(0);
    expect((await list({ filter: { after: '2000-01-01T00:00:00Z' } })).totalCount).toBe(all.totalCount);

    const { users } = await query('{ users(first: 10) { totalCount edges { node { username name role disabledAt } } } }');
    expect(users.edges.map((e: any) => e.node.username)).toEqual(['admin', 'developer', 'operator']);
  });

  it('reports resources: vSphere usage by other VMs plus every clone that is not DELETED or FAILED', async () => {
    const live = range(50).filter((i) => FIXTURE_STATUSES[i % 7] !== 'FAILED');
    const cloneCpu = live.reduce((sum, i) => sum + 1 + (i % 4), 0);
    const cloneRam = live.reduce((sum, i) => sum + 1 + (i % 8), 0);
    const { resources } = await query('{ resources { cpuCores { total used available } ramGb { total used available } clones { cpuCores ramGb } sampledAt } }');
    const { capacity } = fixture;
    expect(resources.clones).toEqual({ cpuCores: cloneCpu, ramGb: cloneRam });
    expect(resources.cpuCores).toEqual({
      total: capacity.cpuCoresTotal,
      used: capacity.cpuCoresUsed + cloneCpu,
      available: capacity.cpuCoresTotal - capacity.cpuCoresUsed - cloneCpu,
    });
    expect(resources.ramGb).toEqual({
      total: capacity.ramGbTotal,
      used: capacity.ramGbUsed + cloneRam,
      available: capacity.ramGbTotal - capacity.ramGbUsed - cloneRam,
    });
    expect(Date.parse(resources.sampledAt)).toBeGreaterThan(Date.now() - 600_000);
  });
});
