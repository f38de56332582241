// Credentials that work (issue 13 item 7), on real components: the clone workflow waits for the
// guest customization (read from the VM's customization events) before the clone is RUNNING and
// its RDP credentials are offered; a failed customization fails the provisioning with the reason;
// a Linux image gets no Windows login but the reason. The lab guest simulator reports the IP and
// the customization's start; the test posts the outcome itself, so nothing depends on timing.
import { encodeGlobalID } from '@pothos/plugin-relay';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postCustomizationEvent } from '../workflows/vsphere/testing/vcsim.js';
import { eventually } from './support/eventually.js';
import { gql, loginAs } from './support/graphql.js';
import { createClone as createTestClone } from './support/clones.js';
import { startTestStack, type TestStack } from './support/stack.js';

let stack: TestStack;
let admin: string;
let operator: string;

const gid = (type: string, id: string) => encodeGlobalID(type, id);
const CREDENTIALS = `query($id: ID!) { clone(id: $id) { status rdpCredentials { available unavailableReason protocol host port username password } } }`;

const createClone = (name: string, imageId: string) =>
  createTestClone(stack, admin, name, { imageId, description: 'credentials test clone' });

/** Waits until the clone VM has its IP and the workflow waits for the customization. */
async function untilCustomizing(cloneId: string) {
  return eventually(
    async () => {
      const clone = await stack.prisma.clone.findUniqueOrThrow({ where: { id: cloneId }, include: { machine: true } });
      if (clone.status === 'FAILED') throw new Error(`clone FAILED: ${clone.statusReason}`);
      return clone.progressPhase === 'waiting for the guest customization' && clone.machine?.guestIp ? clone.machine : undefined;
    },
    { timeoutMs: 60_000, what: 'the customization wait' },
  );
}

function untilStatus(cloneId: string, status: string) {
  return eventually(async () => (await stack.prisma.clone.findUniqueOrThrow({ where: { id: cloneId } })).status === status, {
    timeoutMs: 60_000,
    what: `status ${status}`,
  });
}

beforeAll(async () => {
  // The simulator starts the customization with the IP but never finishes it: the tests do.
  stack = await startTestStack({ customizationDelayMs: 24 * 3600_000 });
  admin = await loginAs(stack.api.url, 'admin', stack.users.admin.password);
  operator = await loginAs(stack.api.url, 'operator', stack.users.operator.password);
});

afterAll(async () => {
  await stack?.close();
});

describe('Windows image', () => {
  it('offers the credentials only once the guest customization (Sysprep) has finished', async () => {
    const image = await stack.prisma.vmImage.findFirstOrThrow({ where: { guestOsFamily: 'WINDOWS' }, orderBy: { name: 'asc' } });
    const cloneId = await createClone('Sysprep standby', image.id);
    const vm = await untilCustomizing(cloneId);

    // The guest has an IP, but Sysprep has not set the password yet.
    const early = await gql(stack.api.url, CREDENTIALS, { id: gid('Clone', cloneId) }, operator);
    expect(early.errors).toBeUndefined();
    expect(early.data.clone.status).toBe('STARTING');
    expect(early.data.clone.rdpCredentials).toMatchObject({ available: false, protocol: 'RDP', username: null, password: null });
    expect(early.data.clone.rdpCredentials.unavailableReason).toMatch(/Sysprep.*not finished/);
    expect(await stack.prisma.event.count({ where: { cloneId, type: 'clone.rdp_revealed' } })).toBe(0);

    await postCustomizationEvent(stack.vsphere, { ref: vm.vsphereRef!, name: vm.name }, 'CustomizationSucceeded');
    await untilStatus(cloneId, 'RUNNING');
    const ready = await gql(stack.api.url, CREDENTIALS, { id: gid('Clone', cloneId) }, operator);
    expect(ready.data.clone.rdpCredentials).toMatchObject({ available: true, unavailableReason: null, protocol: 'RDP', port: 3389, username: 'Administrator' });
    expect(ready.data.clone.rdpCredentials.password).toMatch(/.{12,}/);
    expect(ready.data.clone.rdpCredentials.host).toBe(vm.guestIp);
    expect(await stack.prisma.event.count({ where: { cloneId, type: 'clone.guest_customized' } })).toBe(1);
    expect(await stack.prisma.event.count({ where: { cloneId, type: 'clone.rdp_revealed' } })).toBe(1);
  });

  it('fails the provisioning with the reason when the customization fails', async () => {
    const image = await stack.prisma.vmImage.findFirstOrThrow({ where: { guestOsFamily: 'WINDOWS' }, orderBy: { name: 'desc' } });
    const cloneId = await createClone('Sysprep fails', image.id);
    const vm = await untilCustomizing(cloneId);
    await postCustomizationEvent(stack.vsphere, { ref: vm.vsphereRef!, name: vm.name }, 'CustomizationSysprepFailed');
    await untilStatus(cloneId, 'FAILED');
    const clone = await stack.prisma.clone.findUniqueOrThrow({ where: { id: cloneId } });
    expect(clone.statusReason).toMatch(/guest customization failed/);
    expect(clone.guestCustomizedAt).toBeNull();
  });
});

describe('Linux image', () => {
  it('gets no Windows login: credentials unavailable with the reason, protocol SSH', async () => {
    // A Linux template and its image, registered as an admin would.
    const source = (await stack.vsphere.findVmByName('DC0_H0_VM1'))!;
    const template = await stack.vsphere.cloneVm({ source: source.ref, name: 'linux-historian-template', cpu: 1, memoryMb: 1024 });
    if (template.powerState !== 'poweredOff') await stack.vsphere.powerOff(template.ref);
    await stack.vsphere.markAsTemplate(template.ref);
    const image = await stack.prisma.vmImage.create({
      data: {
        name: 'linux-historian-template',
        applicationId: stack.seed.applicationId,
        vsphereRef: template.ref,
        guestOs: 'ubuntu64Guest',
        guestOsFamily: 'LINUX',
        defaultCpu: 1,
        defaultRamGb: 1,
      },
    });
    const cloneId = await createClone('Linux standby', image.id);
    const vm = await untilCustomizing(cloneId);
    await postCustomizationEvent(stack.vsphere, { ref: vm.vsphereRef!, name: vm.name }, 'CustomizationSucceeded');
    await untilStatus(cloneId, 'RUNNING');

    const answer = await gql(stack.api.url, CREDENTIALS, { id: gid('Clone', cloneId) }, operator);
    expect(answer.errors).toBeUndefined();
    expect(answer.data.clone.rdpCredentials).toMatchObject({ available: false, protocol: 'SSH', port: 22, username: null, password: null });
    expect(answer.data.clone.rdpCredentials.unavailableReason).toMatch(/Linux/);
    expect(JSON.stringify(answer)).not.toContain('Administrator');
    expect(await stack.prisma.event.count({ where: { cloneId, type: 'clone.rdp_revealed' } })).toBe(0);
  });
});
