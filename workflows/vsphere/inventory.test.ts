import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { NotFoundError, type VSphereClient } from './index.js';
import { connectToVcsim, recordingLogger, startVcsim, type Vcsim } from './testing/vcsim.js';

let sim: Vcsim;
let client: VSphereClient;
let paged: VSphereClient;

beforeAll(async () => {
  // Two clusters and more VMs than one page holds, so paging is exercised.
  sim = await startVcsim({ binary: inject('vcsimBinary'), args: ['-cluster', '2', '-vm', '3'] });
  client = connectToVcsim(sim);
  paged = connectToVcsim(sim, { pageSize: 2, logger: recordingLogger() });
});

afterAll(async () => {
  await paged?.close();
  await client?.close();
  await sim?.stop();
});

describe('inventory', () => {
  it('lists VMs with their facts, the same with pages of two objects', async () => {
    const vms = await client.listVms();
    expect(vms.length).toBeGreaterThan(2);
    const byPage = await paged.listVms();
    expect(byPage.map((vm) => vm.ref).sort()).toEqual(vms.map((vm) => vm.ref).sort());

    const vm = vms[0]!;
    expect(vm.ref).toMatch(/^VirtualMachine:vm-\d+$/);
    expect(vm).toMatchObject({ isTemplate: false, powerState: 'poweredOn', cpu: 1, memoryMb: 32 });
    expect(vm.instanceUuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(vm.hostRef).toMatch(/^HostSystem:/);
    expect(vm.networkRefs.length).toBeGreaterThan(0);
    expect(await client.getVm(vm.ref)).toEqual(vm);
  });

  it('fails getVm on a missing VM with NotFoundError', async () => {
    await expect(client.getVm('VirtualMachine:vm-999999')).rejects.toBeInstanceOf(NotFoundError);
    await expect(client.getVm('HostSystem:host-1')).rejects.toThrow(/expected a VirtualMachine/);
  });

  it('lists standard and distributed networks with what a NIC backing needs', async () => {
    const networks = await paged.listNetworks();
    const standard = networks.filter((network) => network.kind === 'STANDARD');
    const distributed = networks.filter((network) => network.kind === 'DISTRIBUTED');
    expect(standard.map((network) => network.name)).toContain('VM Network');
    const dvpg = distributed.find((network) => network.name === 'DC0_DVPG0')!;
    expect(dvpg.ref).toMatch(/^DistributedVirtualPortgroup:/);
    expect(dvpg.portgroupKey).toBeTruthy();
    expect(dvpg.switchUuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(dvpg.switchRef).toMatch(/DistributedVirtualSwitch:/);
  });

  it('lists hosts and clusters, cluster totals summed from their hosts', async () => {
    const hosts = await paged.listHosts();
    const clusters = await paged.listClusters();
    expect(clusters).toHaveLength(2);
    expect(hosts.filter((host) => host.clusterRef === undefined)).toHaveLength(1);
    for (const cluster of clusters) {
      const members = hosts.filter((host) => host.clusterRef === cluster.ref);
      expect(members.map((host) => host.ref).sort()).toEqual([...cluster.hostRefs].sort());
      expect(cluster.cpuCores).toBe(members.reduce((sum, host) => sum + host.cpuCores, 0));
      expect(cluster.memoryMb).toBe(members.reduce((sum, host) => sum + host.memoryMb, 0));
    }
    expect(hosts[0]).toMatchObject({ connectionState: 'connected', inMaintenanceMode: false });
    expect(hosts[0]!.cpuCores).toBeGreaterThan(0);
    expect(hosts[0]!.memoryMb).toBeGreaterThan(0);
  });

  it('computes capacity that matches the inventory', async () => {
    const [capacity, hosts, vms] = await Promise.all([client.capacity(), client.listHosts(), client.listVms()]);
    const usable = hosts.filter((host) => host.connectionState === 'connected' && !host.inMaintenanceMode);
    const running = vms.filter((vm) => vm.powerState === 'poweredOn' && !vm.isTemplate);
    const totalCores = usable.reduce((sum, host) => sum + host.cpuCores, 0);
    const totalMemory = usable.reduce((sum, host) => sum + host.memoryMb, 0);
    const allocatedCores = running.reduce((sum, vm) => sum + vm.cpu, 0);
    const allocatedMemory = running.reduce((sum, vm) => sum + vm.memoryMb, 0);

    expect(capacity.hostCount).toBe(usable.length);
    expect(capacity.poweredOnVmCount).toBe(running.length);
    expect(capacity.cpuCores).toMatchObject({ total: totalCores, allocated: allocatedCores, free: Math.max(0, totalCores - allocatedCores) });
    expect(capacity.memoryMb).toMatchObject({
      total: totalMemory,
      used: usable.reduce((sum, host) => sum + host.usedMemoryMb, 0),
      allocated: allocatedMemory,
      free: totalMemory - allocatedMemory,
    });
    const usedCores = usable.reduce((sum, host) => sum + host.usedCpuMhz / host.cpuMhz, 0);
    expect(capacity.cpuCores.used).toBeCloseTo(usedCores, 2);
    expect(capacity.cpuCores.unused).toBeCloseTo(totalCores - usedCores, 2);
  });

  it('counts a powered-off VM out of the allocation', async () => {
    const before = await client.capacity();
    const vm = (await client.listVms()).find((candidate) => candidate.powerState === 'poweredOn')!;
    await client.powerOff(vm.ref);
    const after = await client.capacity();
    expect(after.cpuCores.allocated).toBe(before.cpuCores.allocated - vm.cpu);
    expect(after.memoryMb.free).toBe(before.memoryMb.free + vm.memoryMb);
    await client.powerOn(vm.ref);
  });

  it('finds VMs by name and instance UUID', async () => {
    const vm = (await client.listVms())[1]!;
    expect((await paged.findVmByName(vm.name))?.ref).toBe(vm.ref);
    expect((await client.findVmByUuid(vm.instanceUuid!))?.ref).toBe(vm.ref);
    expect(await client.findVmByName('missing')).toBeUndefined();
  });

  it('reads many objects concurrently on one session', async () => {
    const vms = await client.listVms();
    const fetched = await Promise.all(vms.map((vm) => paged.getVm(vm.ref)));
    expect(fetched.map((vm) => vm.name)).toEqual(vms.map((vm) => vm.name));
  });
});
