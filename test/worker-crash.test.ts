// Durability: the worker process is killed (SIGKILL) while vSphere is cloning the clone's VM; a
// new worker process takes over and the clone ends RUNNING with exactly one VM. (The fault suite,
// test/chaos/, kills it in every kind of operation at once; this is the quick case `npm test` keeps.)
import { encodeGlobalID } from '@pothos/plugin-relay';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { activityStarted } from './support/clones.js';
import { eventually } from './support/eventually.js';
import { gql, loginAs } from './support/graphql.js';
import { killGroup, WorkerProcesses } from './support/processes.js';
import { startTestStack, type TestStack } from './support/stack.js';

let stack: TestStack;
let workers: WorkerProcesses;

beforeAll(async () => {
  // vcsim's clone task takes 8 s, long enough to kill the worker in the middle of it.
  stack = await startTestStack({ inProcessWorker: false, vcsimOptions: { methodDelay: 'CloneVm:8000' } });
  workers = new WorkerProcesses(stack.workerEnv);
});

afterAll(async () => {
  await workers?.stopAll();
  await stack?.close();
});

it('finishes provisioning with exactly one VM after the worker is killed mid-clone', async () => {
  const first = workers.start();
  const admin = await loginAs(stack.api.url, 'admin', stack.users.admin.password);
  const network = await stack.prisma.network.findFirstOrThrow({ where: { name: 'VM Network' } });
  const image = await stack.prisma.vmImage.findFirstOrThrow();
  const created = await gql(
    stack.api.url,
    `mutation($input: CreateCloneInput!) { createClone(input: $input) { id } }`,
    {
      input: {
        name: 'Crash-proof standby',
        description: 'survives a worker crash',
        imageId: encodeGlobalID('VmImage', image.id),
        configurationId: encodeGlobalID('Configuration', stack.seed.configurationIds[0]!),
        networkId: encodeGlobalID('Network', network.id),
        cpu: 1,
        ramGb: 1,
      },
    },
    admin,
  );
  expect(created.errors).toBeUndefined();
  const clone = await stack.prisma.clone.findFirstOrThrow({ where: { name: 'Crash-proof standby' } });

  // Kill the worker once it has started the clone step (the phase is written just before it).
  await eventually(async () => (await stack.prisma.clone.findUniqueOrThrow({ where: { id: clone.id } })).progressPhase === 'cloning the image', {
    timeoutMs: 60_000,
    what: 'the clone step',
  });
  await activityStarted(stack, clone.id, 'cloneVmFromImage'); // in the worker's hands, not just scheduled
  await killGroup(first);
  expect((await stack.prisma.clone.findUniqueOrThrow({ where: { id: clone.id } })).status).toBe('PROVISIONING');

  workers.start();
  await eventually(async () => (await stack.prisma.clone.findUniqueOrThrow({ where: { id: clone.id } })).status === 'RUNNING', {
    timeoutMs: 150_000,
    intervalMs: 500,
    what: 'RUNNING after the restart',
  });
  const vms = (await stack.vsphere.listVms()).filter((vm) => vm.name.startsWith('Crash-proof standby'));
  expect(vms).toHaveLength(1);
  const machine = await stack.prisma.machine.findFirstOrThrow({ where: { clone: { id: clone.id } } });
  expect(machine.vsphereRef).toBe(vms[0]!.ref);
}, 240_000);
