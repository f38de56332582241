import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  DuplicateNameError,
  InvalidPowerStateError,
  NotFoundError,
  TaskFailedError,
  ToolsUnavailableError,
  VSphereClient,
  type NetworkInfo,
  type VmInfo,
} from './index.js';
import { connectToVcsim, setGuestInfo, startVcsim, type Vcsim } from './testing/vcsim.js';
import { formatRef, parseRef } from './refs.js';
import { many, moRefXml, textOf, toRef, xsiType, type XmlNode } from './xml.js';

let sim: Vcsim;
let client: VSphereClient;
let linuxTemplate: VmInfo;
let windowsTemplate: VmInfo;
let standard: NetworkInfo;
let distributed: NetworkInfo;

/** The VM's NICs as (device type, backing) pairs, read raw so the test does not trust the code under test. */
async function nicsOf(ref: string): Promise<{ type: string; network?: string; portgroupKey?: string }[]> {
  const result = await client.call('RetrievePropertiesEx', 'PropertyCollector:propertyCollector', {
    specSet: { propSet: { type: 'VirtualMachine', pathSet: ['config.hardware.device'] }, objectSet: { obj: moRefXml(parseRef(ref)) } },
    options: {},
  });
  const devices: XmlNode[] = many(many(many(result, 'objects')[0], 'propSet')[0], 'val').flatMap((val) => many(val, 'VirtualDevice'));
  return devices
    .filter((device) => /Virtual(E1000|Vmxnet|PCNet)/.test(xsiType(device) ?? ''))
    .map((device) => {
      const backing = many(device, 'backing')[0];
      const network = toRef(many(backing, 'network')[0]);
      return {
        type: xsiType(device)!,
        ...(network ? { network: formatRef(network) } : {}),
        ...(textOf(many(backing, 'port')[0], 'portgroupKey') ? { portgroupKey: textOf(many(backing, 'port')[0], 'portgroupKey') } : {}),
      };
    });
}

async function makeTemplate(vmName: string, guestId?: string): Promise<VmInfo> {
  const vm = (await client.findVmByName(vmName))!;
  await client.powerOff(vm.ref);
  if (guestId) {
    const task = toRef(await client.call('ReconfigVM_Task', vm.ref, { spec: { guestId } }));
    await client.waitForTask(formatRef(task!));
  }
  await client.markAsTemplate(vm.ref);
  return client.getVm(vm.ref);
}

beforeAll(async () => {
  sim = await startVcsim({ binary: inject('vcsimBinary') });
  client = connectToVcsim(sim);
  linuxTemplate = await makeTemplate('DC0_H0_VM0');
  windowsTemplate = await makeTemplate('DC0_H0_VM1', 'windows9Server64Guest');
  const networks = await client.listNetworks();
  standard = networks.find((network) => network.kind === 'STANDARD')!;
  distributed = networks.find((network) => network.name === 'DC0_DVPG0')!;
});

afterAll(async () => {
  await client?.close();
  await sim?.stop();
});

describe('templates', () => {
  it('marks powered-off VMs as templates, idempotently, and lists them with their guest OS', async () => {
    expect(linuxTemplate.isTemplate).toBe(true);
    await client.markAsTemplate(linuxTemplate.ref);
    const templates = await client.listTemplates();
    expect(templates.map((template) => template.name).sort()).toEqual(['DC0_H0_VM0', 'DC0_H0_VM1']);
    expect(templates.find((template) => template.ref === windowsTemplate.ref)).toMatchObject({ isWindows: true, guestId: 'windows9Server64Guest' });
    expect(templates.find((template) => template.ref === linuxTemplate.ref)).toMatchObject({ isWindows: false });
  });

  it('refuses to make a template of a running VM', async () => {
    const running = (await client.findVmByName('DC0_C0_RP0_VM0'))!;
    await expect(client.markAsTemplate(running.ref)).rejects.toBeInstanceOf(InvalidPowerStateError);
  });
});

describe('clone', () => {
  it('clones a template with CPU, memory and a standard network, and a retry returns the same VM', async () => {
    const progress: number[] = [];
    const spec = {
      source: linuxTemplate.ref,
      name: 'clone-standard',
      cpu: 2,
      memoryMb: 2048,
      network: standard.ref,
      customization: { hostname: 'clone-standard' },
      onProgress: (percent: number) => progress.push(percent),
    };
    const vm = await client.cloneVm(spec);
    expect(vm).toMatchObject({ name: 'clone-standard', cpu: 2, memoryMb: 2048, powerState: 'poweredOff', isTemplate: false });
    expect(progress.at(-1)).toBe(100);
    expect(await nicsOf(vm.ref)).toEqual([{ type: 'VirtualE1000', network: standard.ref }]);

    const again = await client.cloneVm(spec);
    expect(again.ref).toBe(vm.ref);
    const named = (await client.listVms()).filter((candidate) => candidate.name === 'clone-standard');
    expect(named).toHaveLength(1);
  });

  it('backs the NIC with a distributed port group and customizes a Windows guest with Sysprep', async () => {
    const vm = await client.cloneVm({
      source: windowsTemplate.ref,
      name: 'clone-dvpg',
      network: distributed.ref,
      customization: { hostname: 'CLONE-DVPG', adminPassword: 'Rdp<&>"pass' },
    });
    expect(await nicsOf(vm.ref)).toEqual([{ type: 'VirtualE1000', portgroupKey: distributed.portgroupKey }]);
    expect(distributed.switchUuid).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('rejects a Windows hostname longer than NetBIOS allows before calling vSphere', async () => {
    await expect(
      client.cloneVm({ source: windowsTemplate.ref, name: 'clone-long', customization: { hostname: 'a-much-too-long-name' } }),
    ).rejects.toThrow(/Windows computer name/);
    expect(await client.findVmByName('clone-long')).toBeUndefined();
  });

  it('adds a NIC when the source has none', async () => {
    const base = await client.cloneVm({ source: linuxTemplate.ref, name: 'no-nic-base' });
    const nics = await client.call('RetrievePropertiesEx', 'PropertyCollector:propertyCollector', {
      specSet: { propSet: { type: 'VirtualMachine', pathSet: ['config.hardware.device'] }, objectSet: { obj: moRefXml(parseRef(base.ref)) } },
      options: {},
    });
    const nicKeys = many(many(many(many(nics, 'objects')[0], 'propSet')[0], 'val')[0], 'VirtualDevice')
      .filter((device) => xsiType(device) === 'VirtualE1000')
      .map((device) => textOf(device, 'key'));
    const removal = nicKeys.map((key) => ({ '@xsi:type': 'VirtualDeviceConfigSpec', operation: 'remove', device: { '@xsi:type': 'VirtualE1000', key } }));
    await client.waitForTask(formatRef(toRef(await client.call('ReconfigVM_Task', base.ref, { spec: { deviceChange: removal } }))!));
    expect(await nicsOf(base.ref)).toEqual([]);

    const vm = await client.cloneVm({ source: base.ref, name: 'nic-added', network: standard.ref });
    expect(await nicsOf(vm.ref)).toEqual([{ type: 'VirtualVmxnet3', network: standard.ref }]);
  });

  it('refuses a name taken by a VM that is not a clone of the same source', async () => {
    await expect(client.cloneVm({ source: linuxTemplate.ref, name: 'DC0_C0_RP0_VM1' })).rejects.toBeInstanceOf(DuplicateNameError);
  });

  it('clones from a snapshot, full and linked', async () => {
    const source = (await client.findVmByName('DC0_C0_RP0_VM0'))!;
    const snapshot = await client.createSnapshot(source.ref, { name: 'golden' });
    const full = await client.cloneVm({ source: source.ref, snapshot: snapshot.ref, name: 'from-snapshot', cpu: 1 });
    const linked = await client.cloneVm({ source: source.ref, snapshot: snapshot.ref, linked: true, name: 'linked-clone' });
    expect(full.name).toBe('from-snapshot');
    expect(linked.name).toBe('linked-clone');
    await expect(client.cloneVm({ source: linuxTemplate.ref, snapshot: snapshot.ref, name: 'wrong-source' })).rejects.toThrow(/not a snapshot of/);
  });

  it('surfaces a raw CloneVM_Task with a duplicate name as TaskFailedError(DuplicateName)', async () => {
    const pool = (await client.findVmByName('DC0_C0_RP0_VM1'))!.resourcePoolRef!;
    const task = toRef(
      await client.call('CloneVM_Task', linuxTemplate.ref, {
        folder: moRefXml(parseRef(linuxTemplate.folderRef!)),
        name: 'DC0_C0_RP0_VM1',
        spec: { location: { pool: moRefXml(parseRef(pool)) }, template: false, powerOn: false },
      }),
    );
    const failure = await client.waitForTask(formatRef(task!)).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TaskFailedError);
    expect(failure).toMatchObject({ faultType: 'DuplicateName', retryable: false });
    expect((failure as TaskFailedError).cause).toBeInstanceOf(DuplicateNameError);
    expect((failure as TaskFailedError).localizedMessage).not.toBe('');
  });
});

describe('power, guest and lifecycle', () => {
  let vm: VmInfo;

  beforeAll(async () => {
    vm = await client.cloneVm({ source: linuxTemplate.ref, name: 'lifecycle', network: standard.ref });
  });

  it('powers on idempotently, and vcsim reports no guest IP by itself', async () => {
    await client.powerOn(vm.ref);
    await client.powerOn(vm.ref);
    const on = await client.getVm(vm.ref);
    expect(on.powerState).toBe('poweredOn');
    expect(on.guestIp).toBeUndefined();
  });

  it('keeps answering calls while more guest waits are open than it has connections', async () => {
    // Two connections for calls; each wait's long poll holds a connection for up to 10 s.
    const narrow = connectToVcsim(sim, { maxConnections: 2, progressIntervalMs: 10_000 });
    const guest = await client.cloneVm({ source: linuxTemplate.ref, name: 'many-waits', network: standard.ref });
    await client.powerOn(guest.ref);
    try {
      const waits = Array.from({ length: 4 }, () => narrow.waitForGuestIp(guest.ref, { timeoutMs: 30_000 }));
      await new Promise((resolve) => setTimeout(resolve, 500)); // the long polls are out
      const started = Date.now();
      expect((await narrow.listVms()).some((listed) => listed.ref === guest.ref)).toBe(true);
      expect(await narrow.getVm(guest.ref)).toMatchObject({ powerState: 'poweredOn' });
      // Behind the waits' connections these would have queued for up to the 10 s poll.
      expect(Date.now() - started).toBeLessThan(3_000);
      await setGuestInfo(client, guest.ref, { ipAddress: '192.0.2.9' });
      expect(await Promise.all(waits)).toEqual(['192.0.2.9', '192.0.2.9', '192.0.2.9', '192.0.2.9']);
    } finally {
      await narrow.close();
      await client.powerOff(guest.ref);
      await client.destroyVm(guest.ref);
    }
  });

  it('waits for the guest IP, reporting progress while it waits', async () => {
    const updates: string[] = [];
    setTimeout(() => void setGuestInfo(client, vm.ref, { ipAddress: '192.0.2.10' }), 1500);
    const ip = await client.waitForGuestIp(vm.ref, { timeoutMs: 20_000, onProgress: (_percent, description) => updates.push(description) });
    expect(ip).toBe('192.0.2.10');
    expect(updates.length).toBeGreaterThanOrEqual(2);
    expect((await client.getVm(vm.ref)).guestIp).toBe('192.0.2.10');
  });

  it('refuses guest shutdown and reboot without running tools', async () => {
    await setGuestInfo(client, vm.ref, { toolsRunningStatus: 'guestToolsNotRunning' });
    await expect(client.shutdownGuest(vm.ref)).rejects.toBeInstanceOf(ToolsUnavailableError);
    await expect(client.rebootGuest(vm.ref)).rejects.toBeInstanceOf(ToolsUnavailableError);
  });

  it('reboots and shuts down the guest when tools run', async () => {
    await setGuestInfo(client, vm.ref, { toolsRunningStatus: 'guestToolsRunning' });
    await client.rebootGuest(vm.ref);
    await client.shutdownGuest(vm.ref, { timeoutMs: 20_000 });
    expect((await client.getVm(vm.ref)).powerState).toBe('poweredOff');
    await client.shutdownGuest(vm.ref);
  });

  it('suspends, resets and powers off, with typed errors for impossible transitions', async () => {
    await expect(client.reset(vm.ref)).rejects.toBeInstanceOf(InvalidPowerStateError);
    await expect(client.suspend(vm.ref)).rejects.toBeInstanceOf(InvalidPowerStateError);
    await client.powerOn(vm.ref);
    await client.reset(vm.ref);
    await client.suspend(vm.ref);
    await client.suspend(vm.ref);
    expect((await client.getVm(vm.ref)).powerState).toBe('suspended');
    await client.powerOn(vm.ref);
    await client.powerOff(vm.ref);
    await client.powerOff(vm.ref);
    expect((await client.getVm(vm.ref)).powerState).toBe('poweredOff');
  });

  it('waitForGuestIp fails fast on a VM that is not running', async () => {
    await expect(client.waitForGuestIp(vm.ref, { timeoutMs: 10_000 })).rejects.toBeInstanceOf(InvalidPowerStateError);
  });

  it('reconfigures CPU and memory', async () => {
    const changed = await client.reconfigureVm(vm.ref, { cpu: 4, memoryMb: 4096 });
    expect(changed).toMatchObject({ cpu: 4, memoryMb: 4096 });
    expect(await client.reconfigureVm(vm.ref, { cpu: 4 })).toMatchObject({ cpu: 4 });
  });

  it('renames', async () => {
    await client.renameVm(vm.ref, 'lifecycle-renamed');
    await client.renameVm(vm.ref, 'lifecycle-renamed');
    expect((await client.getVm(vm.ref)).name).toBe('lifecycle-renamed');
    // vCenter answers DuplicateName; vcsim answers InvalidArgument. Either way a permanent task failure.
    await expect(client.renameVm(vm.ref, 'DC0_C0_RP0_VM1')).rejects.toMatchObject({ name: 'TaskFailedError', retryable: false });
  });

  it('surfaces a raw Destroy_Task on a powered-on VM as TaskFailedError(InvalidPowerState)', async () => {
    await client.powerOn(vm.ref);
    const task = toRef(await client.call('Destroy_Task', vm.ref));
    const failure = await client.waitForTask(formatRef(task!)).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TaskFailedError);
    expect(failure).toMatchObject({ faultType: 'InvalidPowerState', retryable: false });
    expect((failure as TaskFailedError).cause).toBeInstanceOf(InvalidPowerStateError);
  });

  it('destroys a running VM (powering it off first) and treats a missing VM as destroyed', async () => {
    await client.destroyVm(vm.ref);
    await expect(client.getVm(vm.ref)).rejects.toBeInstanceOf(NotFoundError);
    await client.destroyVm(vm.ref);
    expect(await client.findVmByName('lifecycle-renamed')).toBeUndefined();
  });
});

describe('snapshots', () => {
  let vm: VmInfo;

  beforeAll(async () => {
    vm = await client.cloneVm({ source: linuxTemplate.ref, name: 'snapshots' });
  });

  it('creates (idempotently by name), lists, reverts and removes snapshots', async () => {
    const first = await client.createSnapshot(vm.ref, { name: 'first', description: 'before change' });
    expect(first).toMatchObject({ name: 'first', description: 'before change', vmRef: vm.ref, isCurrent: true, parentRef: undefined });
    expect(await client.createSnapshot(vm.ref, { name: 'first' })).toEqual(first);

    await client.powerOn(vm.ref);
    const second = await client.createSnapshot(vm.ref, { name: 'second', memory: true });
    expect(second).toMatchObject({ parentRef: first.ref, powerState: 'poweredOn', isCurrent: true });
    expect(Date.parse(second.createTime)).not.toBeNaN();

    const listed = await client.listSnapshots(vm.ref);
    expect(listed.map((snapshot) => snapshot.name)).toEqual(['first', 'second']);
    expect((await client.getVm(vm.ref)).snapshots).toEqual(listed);

    await client.revertToSnapshot(first.ref);
    const afterRevert = await client.listSnapshots(vm.ref);
    expect(afterRevert.find((snapshot) => snapshot.isCurrent)?.ref).toBe(first.ref);

    await client.removeSnapshot(first.ref, { removeChildren: true });
    expect(await client.listSnapshots(vm.ref)).toEqual([]);
    await client.removeSnapshot(first.ref);
  });
});

describe('lookups', () => {
  it('finds VMs by name and instance UUID', async () => {
    const vm = (await client.findVmByName('DC0_C0_RP0_VM1'))!;
    expect(vm.instanceUuid).toBeTruthy();
    expect((await client.findVmByUuid(vm.instanceUuid!))?.ref).toBe(vm.ref);
    expect(await client.findVmByUuid('00000000-0000-0000-0000-000000000000')).toBeUndefined();
    expect(await client.findVmByName('no such vm')).toBeUndefined();
  });
});
