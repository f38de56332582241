// Onboarding from zero: an empty database, vcsim with its default inventory (no demo seed), and
// everything done through the `enclave` command (the first admin) and the SDK alone: discovery,
// a primary, a template and an application, a configuration, a clone that reaches RUNNING.
// sdk/README.md ("Onboarding a vCenter") shows the same path.
import { spawnSync } from 'node:child_process';
import WebSocket from 'ws';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createClient, type EnclaveClient } from '../sdk/src/index.js';
import { startTestStack, type BareStack } from './support/stack.js';

let stack: BareStack;
let admin: EnclaveClient;
let firstAdminPassword = '';

const TEMPLATE = 'scada-golden-template';

/** `npm run enclave -- …` against the stack's database (tsx directly: npm's own warnings stay out of stderr). */
function enclave(...args: string[]) {
  const result = spawnSync('node_modules/.bin/tsx', ['scripts/enclave.ts', ...args], {
    env: { ...process.env, DATABASE_URL: stack.databaseUrl },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout.trim(), stderr: result.stderr.trim() };
}

beforeAll(async () => {
  stack = await startTestStack({ demo: false });
  // What a vSphere administrator does outside Enclave: a golden VM made into a template.
  const source = (await stack.vsphere.findVmByName('DC0_H0_VM1'))!;
  const vm = await stack.vsphere.cloneVm({ source: source.ref, name: TEMPLATE, cpu: 2, memoryMb: 2048 });
  if (vm.powerState !== 'poweredOff') await stack.vsphere.powerOff(vm.ref);
  await stack.vsphere.markAsTemplate(vm.ref);
}, 180_000);

afterAll(async () => {
  await admin?.close();
  await stack?.close();
});

it('starts from an empty database', async () => {
  const counts = await Promise.all([stack.prisma.user.count(), stack.prisma.machine.count(), stack.prisma.vmImage.count(), stack.prisma.application.count()]);
  expect(counts).toEqual([0, 0, 0, 0]);
});

it('creates the first administrator with the enclave command, once', () => {
  const created = enclave('user', 'create', '--role', 'GLOBAL_ADMIN', '--name', 'First Administrator', 'first_admin');
  expect(created.stderr).toBe('');
  expect(created.status).toBe(0);
  expect(created.stdout).toMatch(/^\S{20}$/); // the generated password, alone on stdout
  firstAdminPassword = created.stdout;

  const again = enclave('user', 'create', '--role', 'GLOBAL_ADMIN', '--name', 'First Administrator', 'first_admin');
  expect(again.status).not.toBe(0);
  expect(again.stdout).toBe('');
  expect(again.stderr).toBe('enclave: the username "first_admin" is taken');
}, 240_000);

it('onboards the vCenter through the SDK and runs a clone', async () => {
  const url = stack.api.url;
  const { token } = await createClient({ url }).login({ username: 'first_admin', password: firstAdminPassword });
  admin = createClient({ url, token, webSocketImpl: WebSocket });
  expect((await admin.me())?.role).toBe('GLOBAL_ADMIN');

  // Discovery: nothing is known until the inventory sync ran.
  expect((await admin.discoveredVms()).totalCount).toBe(0);
  expect(await admin.syncInventory()).toBe(true);
  const vms = await admin.discoveredVms({ filter: { isTemplate: false, managed: false }, first: 100 });
  const templates = await admin.discoveredVms({ filter: { isTemplate: true } });
  expect(vms.edges.map((e) => e.node.name)).toContain('DC0_H0_VM0');
  expect(templates.edges.map((e) => e.node.name)).toEqual([TEMPLATE]);
  expect(await admin.resources()).not.toBeNull(); // the sync sampled capacity too
  const networks = await admin.networks();
  expect(networks.length).toBeGreaterThan(0);

  // Register a primary, an application and its image.
  const vm = vms.edges.find((e) => e.node.name === 'DC0_H0_VM0')!.node;
  const primary = await admin.registerPrimaryMachine({ discoveredVmId: vm.id });
  expect(primary).toMatchObject({ kind: 'PRIMARY', name: 'DC0_H0_VM0', vsphereRef: vm.vsphereRef });
  const application = await admin.createApplication({ input: { name: 'Plant historian', description: 'the historian of line 1' } });
  const template = templates.edges[0]!.node;
  const image = await admin.registerImage({
    input: { discoveredVmId: template.id, applicationId: application.id, guestOsFamily: 'WINDOWS', defaultCpu: 2, defaultRamGb: 2 },
  });
  expect(image).toMatchObject({ name: TEMPLATE, guestOsFamily: 'WINDOWS', defaultCpu: 2, defaultRamGb: 2, application: { id: application.id } });
  const managed = await admin.discoveredVms({ filter: { managed: true } });
  expect(managed.edges.map((e) => e.node.name).sort()).toEqual(['DC0_H0_VM0', TEMPLATE]);
  // Registering the same VM again is refused and changes nothing.
  await expect(admin.registerPrimaryMachine({ discoveredVmId: vm.id })).rejects.toMatchObject({ code: 'CONFLICT', field: 'discoveredVmId' });

  // A configuration and a clone (no description: it is optional).
  const configuration = await admin.createConfiguration({
    input: { name: 'Line 1 historian', primaryMachineId: primary.id, applicationId: application.id, scheduleIntervalSeconds: 3600 },
  });
  const clone = await admin.createClone({
    input: { name: 'Line 1 historian standby', imageId: image.id, configurationId: configuration.id, networkId: networks[0]!.id, cpu: 1, ramGb: 1 },
  });
  expect(clone).toMatchObject({ status: 'PROVISIONING', description: '' });
  const running = await admin.waitForCloneStatus(clone.id, 'RUNNING', { timeout: 150_000, pollInterval: 1000 });
  expect(running.machine?.guestIp).toBeTruthy();

  // The image is in use now: it cannot be retired, nor the primary its configuration uses.
  await expect(admin.retireImage({ imageId: image.id })).rejects.toMatchObject({ code: 'INVALID_STATE', field: 'imageId' });
  await expect(admin.retirePrimaryMachine({ machineId: primary.id })).rejects.toMatchObject({ code: 'INVALID_STATE', field: 'machineId' });
}, 240_000);
