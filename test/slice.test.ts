// The walking skeleton end to end, on real components: log in over HTTP, watch statuses over a
// real graphql-ws client, create a clone, and find its VM in vcsim with the requested hardware.
import { randomUUID } from 'node:crypto';
import { encodeGlobalID } from '@pothos/plugin-relay';
import type { Client as WsClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from './support/eventually.js';
import { collect, gql, loginAs, wsClient } from './support/graphql.js';
import { startTestStack, type TestStack } from './support/stack.js';

const CREATE = /* GraphQL */ `
  mutation Create($input: CreateCloneInput!) {
    createClone(input: $input) { id name status progressPercent }
  }
`;

let stack: TestStack;
let adminToken: string;
let ws: WsClient;
let inputBase: { description: string; imageId: string; configurationId: string; networkId: string; cpu: number; ramGb: number };

async function countClones(): Promise<number> {
  return stack.prisma.clone.count();
}

async function countWorkflows(): Promise<number> {
  let n = 0;
  for await (const _ of stack.temporal.workflow.list({ query: `TaskQueue = "${stack.taskQueue}"` })) n++;
  return n;
}

beforeAll(async () => {
  stack = await startTestStack();
  adminToken = await loginAs(stack.api.url, 'admin', stack.users.admin.password);
  ws = wsClient(stack.api.wsUrl, adminToken);
  const catalog = await gql(
    stack.api.url,
    `{ vmImages { id name } networks { id name } configurations(first: 10) { edges { node { id name } } } }`,
    {},
    adminToken,
  );
  expect(catalog.errors).toBeUndefined();
  const network = catalog.data.networks.find((n: { name: string }) => n.name === 'VM Network');
  inputBase = {
    description: 'standby for the line 1 SCADA server',
    imageId: catalog.data.vmImages[0].id,
    configurationId: catalog.data.configurations.edges[0].node.id,
    networkId: network.id,
    cpu: 2,
    ramGb: 3,
  };
});

afterAll(async () => {
  await ws?.dispose();
  await stack?.close();
});

describe('createClone end to end', () => {
  it('provisions a clone through every status to RUNNING and builds the VM in vSphere', async () => {
    const opened = stack.subscriptionsOpened();
    const sub = collect<{ cloneStatusChanged: { status: string; clone: { name: string } | null } }>(
      ws,
      `subscription { cloneStatusChanged { status clone { name } } }`,
      {},
      (items) => items.some((i) => i.cloneStatusChanged.status === 'RUNNING'),
    );
    await sub.ready;
    // graphql-ws does not acknowledge a subscribe: wait until the server has registered it.
    await stack.subscribed(opened + 1);

    const created = await gql(stack.api.url, CREATE, { input: { ...inputBase, name: 'Line 1 standby' } }, adminToken);
    expect(created.errors).toBeUndefined();
    expect(created.data.createClone).toMatchObject({ name: 'Line 1 standby', status: 'PROVISIONING' });
    const cloneId = created.data.createClone.id as string;

    const statuses = (await sub.done).map((i) => i.cloneStatusChanged.status);
    expect(statuses).toEqual(['PROVISIONING', 'STARTING', 'RUNNING']);

    const read = await gql(
      stack.api.url,
      `query($id: ID!) { clone(id: $id) {
        status progressPercent cpu ramGb failover createdBy { username }
        network { name vsphereRef } primaryMachine { kind name }
        machine { kind vsphereRef guestIp powerState online cpu ramGb } } }`,
      { id: cloneId },
      adminToken,
    );
    expect(read.errors).toBeUndefined();
    const clone = read.data.clone;
    expect(clone).toMatchObject({
      status: 'RUNNING',
      progressPercent: 100,
      cpu: 2,
      ramGb: 3,
      failover: false,
      createdBy: { username: 'admin' },
      primaryMachine: { kind: 'PRIMARY' },
      machine: { kind: 'CLONE', powerState: 'POWERED_ON', online: true, cpu: 2, ramGb: 3 },
    });
    expect(clone.machine.guestIp).toMatch(/^198\.51\.100\.\d+$/);

    // The VM in vSphere has what was asked for.
    const vm = await stack.vsphere.getVm(clone.machine.vsphereRef);
    expect(vm).toMatchObject({ cpu: 2, memoryMb: 3072, powerState: 'poweredOn', guestIp: clone.machine.guestIp });
    expect(vm.networkRefs).toEqual([clone.network.vsphereRef]);

    // It is listed and filterable.
    const list = await gql(
      stack.api.url,
      `{ clones(filter: { name: "line 1", status: [RUNNING] }) { totalCount edges { node { id status } } } }`,
      {},
      adminToken,
    );
    expect(list.data.clones).toEqual({ totalCount: 1, edges: [{ node: { id: cloneId, status: 'RUNNING' } }] });

    // Operators find the clone's workflow in the Temporal UI by clone ID and status.
    const { id: workflowCloneId } = await stack.prisma.clone.findFirstOrThrow({ where: { name: 'Line 1 standby' } });
    await eventually(
      async () => {
        const query = `CloneId = "${workflowCloneId}" AND CloneStatus = "RUNNING"`;
        const found = [];
        for await (const workflow of stack.temporal.workflow.list({ query })) found.push(workflow.workflowId);
        return found.length === 1 && found[0] === `clone-${workflowCloneId}`;
      },
      { what: 'the workflow by search attributes' },
    );

    // Every transition is in the audit trail.
    const { id: rowId } = await stack.prisma.clone.findFirstOrThrow({ where: { name: 'Line 1 standby' } });
    const events = await stack.prisma.event.findMany({ where: { cloneId: rowId }, orderBy: { createdAt: 'asc' } });
    expect(events.map((e) => e.type)).toEqual(
      expect.arrayContaining(['clone.created', 'clone.vm_created', 'clone.status_changed', 'clone.progress']),
    );
  });
});

describe('createClone rejects bad input and creates nothing', () => {
  const cases: Array<[string, (base: typeof inputBase) => Record<string, unknown>, string, string]> = [
    ['a short name', (b) => ({ ...b, name: 'abc' }), 'VALIDATION', 'input.name'],
    ['cpu 0', (b) => ({ ...b, name: 'Zero cpu clone', cpu: 0 }), 'VALIDATION', 'input.cpu'],
    [
      'an unknown image',
      (b) => ({ ...b, name: 'Unknown image clone', imageId: encodeGlobalID('VmImage', randomUUID()) }),
      'NOT_FOUND',
      'input.imageId',
    ],
    ['a malformed image ID', (b) => ({ ...b, name: 'Garbage image id', imageId: 'nope' }), 'VALIDATION', 'input.imageId'],
    ['a duplicate name', (b) => ({ ...b, name: 'Line 1 standby' }), 'CONFLICT', 'input.name'],
  ];

  it.each(cases)('refuses %s with a field-level error', async (_label, input, code, field) => {
    const clonesBefore = await countClones();
    const workflowsBefore = await countWorkflows();
    const vmsBefore = (await stack.vsphere.listVms()).length;

    const result = await gql(stack.api.url, CREATE, { input: input(inputBase) }, adminToken);

    expect(result.data?.createClone ?? null).toBeNull();
    expect(result.errors?.[0]?.extensions).toMatchObject({ code, field });
    expect(await countClones()).toBe(clonesBefore);
    expect(await countWorkflows()).toBe(workflowsBefore);
    expect((await stack.vsphere.listVms()).length).toBe(vmsBefore);
  });

  it('refuses an anonymous caller and a read-only role', async () => {
    const clonesBefore = await countClones();
    const anonymous = await gql(stack.api.url, CREATE, { input: { ...inputBase, name: 'Anonymous clone' } });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const developerToken = await loginAs(stack.api.url, 'developer', stack.users.developer.password);
    const developer = await gql(stack.api.url, CREATE, { input: { ...inputBase, name: 'Developer clone' } }, developerToken);
    expect(developer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await countClones()).toBe(clonesBefore);
  });
});

describe('deleteClone', () => {
  it('destroys the VM and keeps the record as DELETED', async () => {
    const clone = await stack.prisma.clone.findFirstOrThrow({ where: { name: 'Line 1 standby' }, include: { machine: true } });
    const opened = stack.subscriptionsOpened();
    const sub = collect<{ cloneStatusChanged: { status: string } }>(
      ws,
      `subscription($id: ID) { cloneStatusChanged(cloneId: $id) { status } }`,
      { id: encodeGlobalID('Clone', clone.id) },
      (items) => items.some((i) => i.cloneStatusChanged.status === 'DELETED'),
    );
    await sub.ready;
    await stack.subscribed(opened + 1);
    const result = await gql(
      stack.api.url,
      `mutation($id: ID!) { deleteClone(cloneId: $id) { id } }`,
      { id: encodeGlobalID('Clone', clone.id) },
      adminToken,
    );
    expect(result.errors).toBeUndefined();
    expect((await sub.done).map((i) => i.cloneStatusChanged.status)).toEqual(['DELETING', 'DELETED']);
    expect(await stack.vsphere.findVmByName(clone.machine!.name)).toBeUndefined();
    const after = await stack.prisma.clone.findUniqueOrThrow({ where: { id: clone.id } });
    expect(after.status).toBe('DELETED');
    expect(after.deletedAt).not.toBeNull();
  });
});
