// Discovery and registration on real components: the inventory sync (run through the API's
// syncInventory) records every VM and template vcsim shows, new ones appear unmanaged, vanished
// ones are marked gone; admins register and retire primaries and images.
import { encodeGlobalID } from '@pothos/plugin-relay';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gql, loginAs } from './support/graphql.js';
import { startTestStack, type TestStack } from './support/stack.js';

let stack: TestStack;
let admin: string;

const call = (query: string, variables: Record<string, unknown> = {}) => gql(stack.api.url, query, variables, admin);
const LIST = `query($filter: DiscoveredVmFilter, $orderBy: DiscoveredVmOrder) {
  discoveredVms(first: 100, filter: $filter, orderBy: $orderBy) { nodes: edges { node { id name managed cpu goneAt } } } }`;
type Found = { id: string; name: string; managed: boolean; cpu: number; goneAt: string | null };
async function discovered(filter: Record<string, unknown> = {}, orderBy?: Record<string, unknown>): Promise<Found[]> {
  const result = await call(LIST, { filter, orderBy });
  expect(result.errors).toBeUndefined();
  return result.data.discoveredVms.nodes.map((e: { node: Found }) => e.node);
}
async function sync() {
  expect((await call('mutation { syncInventory }')).data).toEqual({ syncInventory: true });
}

beforeAll(async () => {
  stack = await startTestStack();
  admin = await loginAs(stack.api.url, 'admin', stack.users.admin.password);
}, 180_000);

afterAll(async () => {
  await stack?.close();
});

describe('discovery', () => {
  it('records every VM and template vSphere shows, linked to what manages it', async () => {
    await sync();
    const all = await discovered();
    const inVSphere = await stack.vsphere.listVms();
    expect(all.map((vm) => vm.name).sort()).toEqual(inVSphere.map((vm) => vm.name).sort());
    const templates = await discovered({ isTemplate: true });
    expect(templates.length).toBe(2);
    expect(templates.every((t) => t.managed)).toBe(true); // the seed registered them
    expect((await discovered({ managed: false })).length).toBe(0); // the seed made every VM a primary
    const byCpu = await discovered({}, { field: 'CPU', direction: 'DESC' });
    expect(byCpu.map((vm) => vm.cpu)).toEqual([...byCpu.map((vm) => vm.cpu)].sort((a, b) => b - a));
    expect((await discovered({ name: 'plant-scada' })).map((vm) => vm.name).sort()).toEqual(['plant-scada-7.2-template', 'plant-scada-7.3-template']);
  });

  it('finds a new VM unmanaged; registering, retiring and registering it again', async () => {
    const source = (await stack.vsphere.findVmByName('DC0_H0_VM0'))!;
    await stack.vsphere.cloneVm({ source: source.ref, name: 'new-lab-vm', cpu: 1, memoryMb: 1024 });
    await sync();
    const [found] = await discovered({ managed: false, isTemplate: false });
    expect(found).toMatchObject({ name: 'new-lab-vm', managed: false, goneAt: null });
    const row = await stack.prisma.discoveredVm.findFirstOrThrow({ where: { name: 'new-lab-vm' } });
    expect(await stack.prisma.event.count({ where: { type: 'vm.discovered', subjectId: row.id } })).toBe(1);

    const registered = await call('mutation($id: ID!) { registerPrimaryMachine(discoveredVmId: $id) { id kind name retiredAt } }', { id: found!.id });
    expect(registered.data?.registerPrimaryMachine).toMatchObject({ kind: 'PRIMARY', name: 'new-lab-vm', retiredAt: null });
    const machineId = registered.data.registerPrimaryMachine.id;
    const retired = await call('mutation($id: ID!) { retirePrimaryMachine(machineId: $id) { retiredAt } }', { id: machineId });
    expect(retired.data?.retirePrimaryMachine.retiredAt).toBeTruthy();
    const listed = await call('{ machines(first: 100, filter: { name: "new-lab-vm" }) { totalCount } }');
    expect(listed.data.machines.totalCount).toBe(0);
    const configuration = await call('mutation($input: CreateConfigurationInput!) { createConfiguration(input: $input) { id } }', {
      input: { name: 'On a retired primary', primaryMachineId: machineId, applicationId: encodeGlobalID('Application', stack.seed.applicationId), scheduleIntervalSeconds: 3600 },
    });
    expect(configuration.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'input.primaryMachineId' });
    await sync(); // a retired machine's VM stays unmanaged
    expect((await discovered({ managed: false })).map((vm) => vm.name)).toEqual(['new-lab-vm']);
    const again = await call('mutation($id: ID!) { registerPrimaryMachine(discoveredVmId: $id) { id retiredAt } }', { id: found!.id });
    expect(again.data?.registerPrimaryMachine).toEqual({ id: machineId, retiredAt: null });
  });

  it('marks a VM that vanished as gone, and refuses to register it', async () => {
    const vm = (await stack.vsphere.findVmByName('new-lab-vm'))!;
    await stack.vsphere.powerOff(vm.ref).catch(() => undefined);
    await stack.vsphere.destroyVm(vm.ref);
    await sync();
    expect((await discovered({ name: 'new-lab-vm' })).length).toBe(0);
    const [gone] = await discovered({ name: 'new-lab-vm', includeGone: true });
    expect(gone!.goneAt).toBeTruthy();
    const refused = await call('mutation($id: ID!) { registerPrimaryMachine(discoveredVmId: $id) { id } }', { id: gone!.id });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_STATE', field: 'discoveredVmId' });
  });

  it('registers a template as an image with defaults from vSphere, and retires it', async () => {
    const source = (await stack.vsphere.findVmByName('DC0_H0_VM1'))!;
    const vm = await stack.vsphere.cloneVm({ source: source.ref, name: 'spare-template', cpu: 3, memoryMb: 3072 });
    if (vm.powerState !== 'poweredOff') await stack.vsphere.powerOff(vm.ref);
    await stack.vsphere.markAsTemplate(vm.ref);
    await sync();
    const [template] = await discovered({ name: 'spare-template' });
    const image = await call('mutation($input: RegisterImageInput!) { registerImage(input: $input) { id name defaultCpu defaultRamGb guestOsFamily retiredAt } }', {
      input: { discoveredVmId: template!.id, applicationId: encodeGlobalID('Application', stack.seed.applicationId) },
    });
    expect(image.data?.registerImage).toMatchObject({ name: 'spare-template', defaultCpu: 3, defaultRamGb: 3, retiredAt: null });
    const imageId = image.data.registerImage.id;
    expect((await call('{ vmImages { id } }')).data.vmImages.map((i: { id: string }) => i.id)).toContain(imageId);
    const retired = await call('mutation($id: ID!) { retireImage(imageId: $id) { retiredAt } }', { id: imageId });
    expect(retired.data?.retireImage.retiredAt).toBeTruthy();
    expect((await call('{ vmImages { id } }')).data.vmImages.map((i: { id: string }) => i.id)).not.toContain(imageId);
    const network = await stack.prisma.network.findFirstOrThrow({ where: { name: 'VM Network' } });
    const clone = await call('mutation($input: CreateCloneInput!) { createClone(input: $input) { id } }', {
      input: { name: 'From a retired image', imageId, configurationId: encodeGlobalID('Configuration', stack.seed.configurationIds[0]!), networkId: encodeGlobalID('Network', network.id), cpu: 1, ramGb: 1 },
    });
    expect(clone.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'input.imageId' });
    const twice = await call('mutation($id: ID!) { retireImage(imageId: $id) { id } }', { id: imageId });
    expect(twice.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_STATE', field: 'imageId' });
  });
});
