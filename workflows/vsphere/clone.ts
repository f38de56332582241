/**
 * CloneVM_Task from a template or from a VM snapshot (full or linked), with CPU, memory, the
 * network of the first NIC and guest customization, made idempotent by name.
 *
 * Idempotency: vCenter keeps VM names unique per folder, and every clone made here carries an
 * extraConfig marker naming its source. Before cloning, the target folder is searched for the
 * name: a VM with the same marker is the result of an earlier attempt and is returned as is; any
 * other entity with that name is a DuplicateNameError. So an activity retried after a lost
 * response, a deadline or a worker crash never makes a second VM. (Where the marker could not be
 * written by the clone itself, the source's recent tasks prove whether the VM came from it.)
 */
import { DuplicateNameError, TaskFailedError, VSphereError } from './errors.js';
import { buildCustomizationSpec, type GuestCustomization } from './customization.js';
import { isWindowsGuest } from './inventory.js';
import { powerOn, type OperationContext } from './operations.js';
import { retrieveObjects, retrieveOne } from './properties.js';
import { formatRef, parseRefOfType, sameRef, type MoRef } from './refs.js';
import { runTask, type TaskWaitOptions } from './tasks.js';
import type { VmInfo } from './types.js';
import { many, moRefXml, text, textOf, toRef, typed, xsiType, type XmlElement, type XmlInput, type XmlInputObject, type XmlNode } from './xml.js';

export interface CloneVmSpec extends TaskWaitOptions {
  /** The template or VM to clone ("VirtualMachine:vm-42"). */
  source: string;
  /** Clone the state of this snapshot of the source instead of its current state. */
  snapshot?: string;
  /** Linked clone: the new disks are children of the snapshot's disks. Requires `snapshot`. */
  linked?: boolean;
  name: string;
  /** Default: the folder of the source. */
  folder?: string;
  /** Default: the source VM's pool, or for a template the root pool of its host's compute resource. */
  resourcePool?: string;
  host?: string;
  /** Default: the source's datastore (vCenter's default). */
  datastore?: string;
  cpu?: number;
  memoryMb?: number;
  /** Network or DistributedVirtualPortgroup for the first NIC (added when the source has none). */
  network?: string;
  customization?: GuestCustomization;
  annotation?: string;
  /** Power the VM on after cloning (also when an earlier attempt already made it). Default false. */
  powerOn?: boolean;
}

/** extraConfig key identifying what a clone was made from (see the module comment). */
export const CLONE_SOURCE_KEY = 'enclave.cloneSource';

const NIC_TYPES = new Set([
  'VirtualE1000',
  'VirtualE1000e',
  'VirtualPCNet32',
  'VirtualVmxnet',
  'VirtualVmxnet2',
  'VirtualVmxnet3',
  'VirtualVmxnet3Vrdma',
  'VirtualSriovEthernetCard',
]);

const SOURCE_PATHS = ['name', 'parent', 'resourcePool', 'runtime.host', 'config.instanceUuid', 'config.guestId', 'config.guestFullName', 'config.hardware.device'];

function devicesOf(node: XmlNode | undefined): XmlElement[] {
  return many(node, 'VirtualDevice').filter((device): device is XmlElement => typeof device === 'object' && !Array.isArray(device));
}

async function networkBacking(ctx: OperationContext, network: MoRef): Promise<XmlInputObject> {
  if (network.type === 'Network') {
    const object = await retrieveOne(ctx.session, network, ['name']);
    return typed('VirtualEthernetCardNetworkBackingInfo', {
      deviceName: text(object.props.get('name')) ?? '',
      network: moRefXml(network),
    });
  }
  const portgroup = await retrieveOne(ctx.session, network, ['key', 'config.distributedVirtualSwitch']);
  const dvs = toRef(portgroup.props.get('config.distributedVirtualSwitch'));
  if (!dvs) throw new VSphereError(`${formatRef(network)} has no distributed switch`, { faultType: 'InvalidNetwork', retryable: false });
  const switchObject = await retrieveOne(ctx.session, dvs, ['uuid']);
  return typed('VirtualEthernetCardDistributedVirtualPortBackingInfo', {
    port: {
      switchUuid: text(switchObject.props.get('uuid')) ?? '',
      portgroupKey: text(portgroup.props.get('key')) ?? '',
    },
  });
}

/**
 * The device change for the network: the source's first NIC sent back as read, with only the
 * backing replaced and startConnected set (keeps its key, MAC policy, adapter type and slot); or a
 * new VMXNET3 adapter when the source has no NIC.
 */
function nicChange(devices: XmlElement[], backing: XmlInputObject): { change: XmlInputObject; nicCount: number } {
  const nics = devices.filter((device) => NIC_TYPES.has(xsiType(device) ?? ''));
  const [first] = nics;
  if (!first) {
    const device = typed('VirtualVmxnet3', {
      key: -1,
      backing,
      connectable: { startConnected: true, allowGuestControl: true, connected: false },
      addressType: 'generated',
    });
    return { change: typed('VirtualDeviceConfigSpec', { operation: 'add', device }), nicCount: 1 };
  }
  const edited: Record<string, XmlInput> = {};
  for (const [key, value] of Object.entries(first)) {
    if (key === 'backing') edited[key] = backing;
    else if (key === 'connectable' && typeof value === 'object' && !Array.isArray(value)) edited[key] = { ...(value as XmlInputObject), startConnected: true };
    else edited[key] = value as XmlInput;
  }
  if (!('backing' in first)) throw new VSphereError('the source NIC has no backing to replace', { faultType: 'InvalidDevice', retryable: false });
  return { change: typed('VirtualDeviceConfigSpec', { operation: 'edit', device: edited }), nicCount: nics.length };
}

interface CloneTarget {
  source: MoRef;
  folder: MoRef;
  marker: string;
}

/**
 * Whether one of the source's recent tasks produced `vm`: a clone that finished but was never
 * stamped with the marker (the attempt died between the clone and ensureCloneConfig, possible
 * only where the clone spec's extraConfig is ignored, as in vcsim).
 */
async function producedBySource(ctx: OperationContext, source: MoRef, vm: MoRef): Promise<boolean> {
  const recent = many((await retrieveOne(ctx.session, source, ['recentTask'])).props.get('recentTask'), 'ManagedObjectReference').flatMap(
    (node) => toRef(node) ?? [],
  );
  const tasks = await retrieveObjects(ctx.session, 'Task', recent, ['info.state', 'info.result']).catch(() => []);
  return tasks.some((task) => {
    const result = toRef(task.props.get('info.result'));
    return text(task.props.get('info.state')) === 'success' && result !== undefined && sameRef(result, vm);
  });
}

/** Looks for the clone's name in the target folder: an earlier attempt's VM is returned; anything else is a DuplicateNameError. */
async function findExistingClone(ctx: OperationContext, spec: CloneVmSpec, target: CloneTarget): Promise<VmInfo | undefined> {
  const content = await ctx.session.ensureLoggedIn();
  const found = toRef(
    await ctx.session.call('FindChild', content.searchIndex, { entity: moRefXml(target.folder), name: spec.name }, { idempotent: true }),
  );
  if (!found) return undefined;
  if (found.type === 'VirtualMachine') {
    const object = await retrieveOne(ctx.session, found, ['config.extraConfig', 'config.template']);
    if (text(object.props.get('config.template')) !== 'true') {
      const marker = markerOf(object.props.get('config.extraConfig'));
      if (marker === target.marker) return ctx.inventory.getVm(found);
      if (marker === undefined && (await producedBySource(ctx, target.source, found))) {
        return ensureCloneConfig(ctx, found, spec, target.marker);
      }
    }
  }
  throw new DuplicateNameError(
    `${formatRef(found)} named ${JSON.stringify(spec.name)} already exists in ${formatRef(target.folder)} and is not a clone of this source`,
    { faultType: 'DuplicateName' },
  );
}

function markerOption(marker: string): XmlInputObject {
  return typed('OptionValue', { key: CLONE_SOURCE_KEY, value: typed('xsd:string', { '#text': marker }) });
}

function markerOf(extraConfig: XmlNode | undefined): string | undefined {
  const option = many(extraConfig, 'OptionValue').find((entry) => textOf(entry, 'key') === CLONE_SOURCE_KEY);
  return textOf(option, 'value');
}

/**
 * Checks that the new VM got the CPU, memory and marker of the clone spec and reconfigures it
 * when not. vCenter applies them during the clone, so this normally reads and does nothing; the
 * simulator used in tests (vcsim 0.46) ignores the clone spec's config apart from device changes.
 */
async function ensureCloneConfig(ctx: OperationContext, vm: MoRef, spec: CloneVmSpec, marker: string): Promise<VmInfo> {
  const object = await retrieveOne(ctx.session, vm, ['config.hardware.numCPU', 'config.hardware.memoryMB', 'config.extraConfig']);
  const current = (path: string) => Number(text(object.props.get(path)));
  const change = {
    numCPUs: spec.cpu !== undefined && spec.cpu !== current('config.hardware.numCPU') ? spec.cpu : undefined,
    memoryMB: spec.memoryMb !== undefined && spec.memoryMb !== current('config.hardware.memoryMB') ? spec.memoryMb : undefined,
    extraConfig: markerOf(object.props.get('config.extraConfig')) === marker ? undefined : markerOption(marker),
  };
  if (change.numCPUs !== undefined || change.memoryMB !== undefined || change.extraConfig !== undefined) {
    await runTask(ctx.session, 'ReconfigVM_Task', vm, { spec: change }, { ...spec, progressIntervalMs: ctx.progressIntervalMs });
  }
  return ctx.inventory.getVm(vm);
}

async function defaultPool(ctx: OperationContext, host: MoRef): Promise<MoRef> {
  const hostObject = await retrieveOne(ctx.session, host, ['parent']);
  const computeResource = toRef(hostObject.props.get('parent'));
  if (!computeResource) throw new VSphereError(`${formatRef(host)} has no compute resource`, { faultType: 'InvalidState', retryable: false });
  const pool = toRef((await retrieveOne(ctx.session, computeResource, ['resourcePool'])).props.get('resourcePool'));
  if (!pool) throw new VSphereError(`${formatRef(computeResource)} has no resource pool`, { faultType: 'InvalidState', retryable: false });
  return pool;
}

export async function cloneVm(ctx: OperationContext, spec: CloneVmSpec): Promise<VmInfo> {
  const vm = await cloneOrFind(ctx, spec);
  if (!spec.powerOn || vm.powerState === 'poweredOn') return vm;
  const ref = parseRefOfType(vm.ref, 'VirtualMachine');
  await powerOn(ctx, ref, spec);
  return ctx.inventory.getVm(ref);
}

async function cloneOrFind(ctx: OperationContext, spec: CloneVmSpec): Promise<VmInfo> {
  if (!spec.name.trim()) throw new TypeError('clone name must not be empty');
  if (spec.linked && !spec.snapshot) throw new TypeError('a linked clone needs a snapshot to share disks with');
  for (const field of ['cpu', 'memoryMb'] as const) {
    const value = spec[field];
    if (value !== undefined && (!Number.isInteger(value) || value < 1)) throw new TypeError(`${field} must be a positive integer`);
  }

  const source = parseRefOfType(spec.source, 'VirtualMachine');
  const snapshot = spec.snapshot ? parseRefOfType(spec.snapshot, 'VirtualMachineSnapshot') : undefined;
  const sourceObject = await retrieveOne(ctx.session, source, SOURCE_PATHS);
  const prop = (path: string) => sourceObject.props.get(path);

  let devices = devicesOf(prop('config.hardware.device'));
  if (snapshot) {
    // The clone gets the snapshot's hardware, so the NIC to edit is the one the snapshot has.
    const snapshotObject = await retrieveOne(ctx.session, snapshot, ['vm', 'config.hardware.device']);
    const owner = toRef(snapshotObject.props.get('vm'));
    if (!owner || !sameRef(owner, source)) {
      throw new TypeError(`${spec.snapshot} is not a snapshot of ${spec.source}`);
    }
    devices = devicesOf(snapshotObject.props.get('config.hardware.device'));
  }

  const folder = spec.folder ? parseRefOfType(spec.folder, 'Folder') : toRef(prop('parent'));
  if (!folder || folder.type !== 'Folder') {
    throw new TypeError(`${spec.source} is not in a VM folder (vApp member?); pass spec.folder`);
  }
  const marker = `${text(prop('config.instanceUuid')) || formatRef(source)}${snapshot ? `@${snapshot.value}` : ''}`;
  const target: CloneTarget = { source, folder, marker };
  const existing = await findExistingClone(ctx, spec, target);
  if (existing) return existing;

  const host = spec.host ? parseRefOfType(spec.host, 'HostSystem') : undefined;
  // A template has no pool of its own; vCenter then needs one named explicitly.
  const placementHost = host ?? toRef(prop('runtime.host'));
  let pool = spec.resourcePool ? parseRefOfType(spec.resourcePool, 'ResourcePool', 'VirtualApp') : toRef(prop('resourcePool'));
  if (!pool && placementHost) pool = await defaultPool(ctx, placementHost);
  if (!pool) throw new TypeError(`cannot tell which resource pool to clone ${spec.source} into; pass spec.resourcePool`);

  const deviceChange: XmlInputObject[] = [];
  let nicCount = devices.filter((device) => NIC_TYPES.has(xsiType(device) ?? '')).length;
  if (spec.network) {
    const network = parseRefOfType(spec.network, 'Network', 'DistributedVirtualPortgroup');
    const nic = nicChange(devices, await networkBacking(ctx, network));
    deviceChange.push(nic.change);
    nicCount = nic.nicCount;
  }

  const windows = isWindowsGuest(text(prop('config.guestId')), text(prop('config.guestFullName')));
  const cloneSpec: XmlInputObject = {
    location: {
      datastore: spec.datastore ? moRefXml(parseRefOfType(spec.datastore, 'Datastore')) : undefined,
      diskMoveType: spec.linked ? 'createNewChildDiskBacking' : undefined,
      pool: moRefXml(pool),
      host: host ? moRefXml(host) : undefined,
    },
    template: false,
    config: {
      annotation: spec.annotation,
      numCPUs: spec.cpu,
      memoryMB: spec.memoryMb,
      deviceChange,
      extraConfig: markerOption(marker),
    },
    customization: spec.customization ? buildCustomizationSpec(spec.customization, windows, Math.max(nicCount, 1)) : undefined,
    // Powering on separately keeps the idempotent path (VM already there) and this one alike.
    powerOn: false,
    snapshot: snapshot ? moRefXml(snapshot) : undefined,
  };

  try {
    const outcome = await runTask(
      ctx.session,
      'CloneVM_Task',
      source,
      { folder: moRefXml(folder), name: spec.name, spec: cloneSpec },
      { ...spec, progressIntervalMs: ctx.progressIntervalMs },
    );
    if (!outcome.resultRef) throw new VSphereError('CloneVM_Task finished without a VM', { faultType: 'InvalidResponse', retryable: false });
    return await ensureCloneConfig(ctx, parseRefOfType(outcome.resultRef, 'VirtualMachine'), spec, marker);
  } catch (error) {
    // A concurrent attempt of the same clone won the race for the name: its VM is ours.
    if (error instanceof TaskFailedError && error.cause instanceof DuplicateNameError) {
      const winner = await findExistingClone(ctx, spec, target);
      if (winner) return winner;
    }
    throw error;
  }
}
