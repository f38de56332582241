/** Inventory reads: VMs, templates, networks, hosts, clusters and the capacity derived from them. */
import { VSphereError } from './errors.js';
import { retrieveByType, retrieveOne, type ObjectContent } from './properties.js';
import { formatRef, type MoRef } from './refs.js';
import type { SoapSession } from './session.js';
import type {
  CapacityInfo,
  ClusterInfo,
  HostInfo,
  NetworkInfo,
  PowerState,
  ResourceFigures,
  SnapshotInfo,
  TemplateInfo,
  VmInfo,
} from './types.js';
import { boolOf, many, refOf, text, textOf, toRef, type XmlNode } from './xml.js';

const VM_PATHS = [
  'name',
  'parent',
  'resourcePool',
  'network',
  'snapshot',
  'config.instanceUuid',
  'config.uuid',
  'config.template',
  'config.guestId',
  'config.guestFullName',
  'config.hardware.numCPU',
  'config.hardware.memoryMB',
  'runtime.powerState',
  'runtime.host',
  'guest.ipAddress',
  'guest.hostName',
  'guest.toolsRunningStatus',
] as const;

const CAPACITY_VM_PATHS = ['config.template', 'runtime.powerState', 'config.hardware.numCPU', 'config.hardware.memoryMB'];

const HOST_PATHS = [
  'name',
  'parent',
  'runtime.connectionState',
  'runtime.inMaintenanceMode',
  'runtime.powerState',
  'summary.hardware.numCpuCores',
  'summary.hardware.cpuMhz',
  'summary.hardware.memorySize',
  'summary.quickStats.overallCpuUsage',
  'summary.quickStats.overallMemoryUsage',
] as const;

const MB = 1024 * 1024;

const propText = (object: ObjectContent, path: string) => text(object.props.get(path));
const propNumber = (object: ObjectContent, path: string) => {
  const value = Number(propText(object, path));
  return Number.isFinite(value) ? value : 0;
};
const propRef = (object: ObjectContent, path: string) => {
  const ref = toRef(object.props.get(path));
  return ref ? formatRef(ref) : undefined;
};
/** ArrayOfManagedObjectReference values hold their items as <ManagedObjectReference> children. */
const propRefs = (object: ObjectContent, path: string) =>
  many(object.props.get(path), 'ManagedObjectReference').flatMap((node) => {
    const ref = toRef(node);
    return ref ? [formatRef(ref)] : [];
  });

/** Flattens VirtualMachineSnapshotInfo.rootSnapshotList, parents before children. */
export function flattenSnapshots(info: XmlNode | undefined): SnapshotInfo[] {
  const current = refOf(info, 'currentSnapshot');
  const currentRef = current ? formatRef(current) : undefined;
  const result: SnapshotInfo[] = [];
  const walk = (tree: XmlNode, parentRef: string | undefined) => {
    const snapshot = refOf(tree, 'snapshot');
    const vm = refOf(tree, 'vm');
    if (!snapshot || !vm) return;
    const ref = formatRef(snapshot);
    result.push({
      ref,
      vmRef: formatRef(vm),
      name: textOf(tree, 'name') ?? '',
      description: textOf(tree, 'description') ?? '',
      createTime: new Date(textOf(tree, 'createTime') ?? 0).toISOString(),
      powerState: (textOf(tree, 'state') ?? 'poweredOff') as PowerState,
      quiesced: boolOf(tree, 'quiesced') ?? false,
      parentRef,
      isCurrent: ref === currentRef,
    });
    for (const child of many(tree, 'childSnapshotList')) walk(child, ref);
  };
  for (const root of many(info, 'rootSnapshotList')) walk(root, undefined);
  return result;
}

export function decodeVm(object: ObjectContent): VmInfo {
  const ip = propText(object, 'guest.ipAddress');
  return {
    ref: formatRef(object.ref),
    name: propText(object, 'name') ?? '',
    instanceUuid: propText(object, 'config.instanceUuid'),
    biosUuid: propText(object, 'config.uuid'),
    isTemplate: propText(object, 'config.template') === 'true',
    powerState: (propText(object, 'runtime.powerState') ?? 'poweredOff') as PowerState,
    guestIp: ip ? ip : undefined,
    guestHostName: propText(object, 'guest.hostName') || undefined,
    toolsRunningStatus: propText(object, 'guest.toolsRunningStatus') || undefined,
    guestId: propText(object, 'config.guestId'),
    guestFullName: propText(object, 'config.guestFullName'),
    cpu: propNumber(object, 'config.hardware.numCPU'),
    memoryMb: propNumber(object, 'config.hardware.memoryMB'),
    hostRef: propRef(object, 'runtime.host'),
    folderRef: propRef(object, 'parent'),
    resourcePoolRef: propRef(object, 'resourcePool'),
    networkRefs: propRefs(object, 'network'),
    snapshots: flattenSnapshots(object.props.get('snapshot')),
  };
}

/** Windows guest ids all start with "win" (windows9Server64Guest, winNetStandardGuest, ...). */
export function isWindowsGuest(guestId: string | undefined, guestFullName?: string): boolean {
  return /^win/i.test(guestId ?? '') || /windows/i.test(guestFullName ?? '');
}

function decodeHost(object: ObjectContent): HostInfo {
  const parent = toRef(object.props.get('parent'));
  return {
    ref: formatRef(object.ref),
    name: propText(object, 'name') ?? '',
    clusterRef: parent?.type === 'ClusterComputeResource' ? formatRef(parent) : undefined,
    computeResourceRef: parent ? formatRef(parent) : undefined,
    connectionState: propText(object, 'runtime.connectionState'),
    inMaintenanceMode: propText(object, 'runtime.inMaintenanceMode') === 'true',
    powerState: propText(object, 'runtime.powerState'),
    cpuCores: propNumber(object, 'summary.hardware.numCpuCores'),
    cpuMhz: propNumber(object, 'summary.hardware.cpuMhz'),
    memoryMb: Math.floor(propNumber(object, 'summary.hardware.memorySize') / MB),
    usedCpuMhz: propNumber(object, 'summary.quickStats.overallCpuUsage'),
    usedMemoryMb: propNumber(object, 'summary.quickStats.overallMemoryUsage'),
  };
}

/** Hosts whose capacity counts: connected and not in maintenance mode. */
export function isUsableHost(host: HostInfo): boolean {
  return host.connectionState === 'connected' && !host.inMaintenanceMode;
}

export class Inventory {
  constructor(
    private readonly session: SoapSession,
    private readonly pageSize: number,
  ) {}

  async listVms(): Promise<VmInfo[]> {
    const objects = await retrieveByType(this.session, 'VirtualMachine', VM_PATHS, this.pageSize);
    return objects.map(decodeVm);
  }

  async listTemplates(): Promise<TemplateInfo[]> {
    const vms = await this.listVms();
    return vms
      .filter((vm) => vm.isTemplate)
      .map((vm) => ({
        ref: vm.ref,
        name: vm.name,
        instanceUuid: vm.instanceUuid,
        guestId: vm.guestId,
        guestFullName: vm.guestFullName,
        isWindows: isWindowsGuest(vm.guestId, vm.guestFullName),
        cpu: vm.cpu,
        memoryMb: vm.memoryMb,
      }));
  }

  async getVm(ref: MoRef): Promise<VmInfo> {
    return decodeVm(await retrieveOne(this.session, ref, VM_PATHS));
  }

  /** Names are unique per folder only: more than one match is an error rather than a guess. */
  async findVmByName(name: string): Promise<VmInfo | undefined> {
    const objects = await retrieveByType(this.session, 'VirtualMachine', ['name'], this.pageSize);
    const matches = objects.filter((object) => propText(object, 'name') === name);
    if (matches.length > 1) {
      throw new VSphereError(`${matches.length} VMs are named ${JSON.stringify(name)}: ${matches.map((m) => formatRef(m.ref)).join(', ')}`, {
        faultType: 'AmbiguousName',
        retryable: false,
      });
    }
    return matches[0] ? this.getVm(matches[0].ref) : undefined;
  }

  /** Looks a VM up by its instance UUID (config.instanceUuid), which vCenter keeps unique. */
  async findVmByUuid(uuid: string): Promise<VmInfo | undefined> {
    const content = await this.session.ensureLoggedIn();
    const found = toRef(
      await this.session.call('FindByUuid', content.searchIndex, { uuid, vmSearch: true, instanceUuid: true }, { idempotent: true }),
    );
    return found ? this.getVm(found) : undefined;
  }

  /**
   * Standard port groups and distributed port groups VMs can attach to. NSX opaque networks and
   * DVS uplink port groups are left out: a clone NIC cannot be backed by them here.
   */
  async listNetworks(): Promise<NetworkInfo[]> {
    const [networks, portgroups, switches] = await Promise.all([
      retrieveByType(this.session, 'Network', ['name'], this.pageSize),
      retrieveByType(this.session, 'DistributedVirtualPortgroup', ['name', 'key', 'config.distributedVirtualSwitch'], this.pageSize),
      retrieveByType(this.session, 'DistributedVirtualSwitch', ['uuid', 'config.uplinkPortgroup'], this.pageSize),
    ]);
    const switchByRef = new Map(switches.map((dvs) => [formatRef(dvs.ref), dvs]));
    // Uplink port groups carry the host uplinks, never VMs. The switch lists them (since vSphere
    // 4.0); the port group's own `config.uplink` flag is newer and not asked for, so older API
    // versions do not reject the whole read.
    const uplinks = new Set(switches.flatMap((dvs) => propRefs(dvs, 'config.uplinkPortgroup')));

    const result: NetworkInfo[] = networks
      .filter((network) => network.ref.type === 'Network')
      .map((network) => ({
        ref: formatRef(network.ref),
        name: propText(network, 'name') ?? '',
        kind: 'STANDARD' as const,
        switchUuid: undefined,
        portgroupKey: undefined,
        switchRef: undefined,
      }));
    for (const portgroup of portgroups) {
      const ref = formatRef(portgroup.ref);
      if (uplinks.has(ref)) continue;
      const switchRef = propRef(portgroup, 'config.distributedVirtualSwitch');
      const dvs = switchRef ? switchByRef.get(switchRef) : undefined;
      result.push({
        ref,
        name: propText(portgroup, 'name') ?? '',
        kind: 'DISTRIBUTED',
        switchUuid: dvs ? propText(dvs, 'uuid') : undefined,
        portgroupKey: propText(portgroup, 'key'),
        switchRef,
      });
    }
    return result.sort((a, b) => a.name.localeCompare(b.name));
  }

  async listHosts(): Promise<HostInfo[]> {
    const objects = await retrieveByType(this.session, 'HostSystem', HOST_PATHS, this.pageSize);
    return objects.map(decodeHost);
  }

  async listClusters(): Promise<ClusterInfo[]> {
    const [clusters, hosts] = await Promise.all([
      retrieveByType(this.session, 'ClusterComputeResource', ['name', 'host'], this.pageSize),
      this.listHosts(),
    ]);
    const hostByRef = new Map(hosts.map((host) => [host.ref, host]));
    return clusters.map((cluster) => {
      const hostRefs = propRefs(cluster, 'host');
      const usable = hostRefs.flatMap((ref) => {
        const host = hostByRef.get(ref);
        return host && isUsableHost(host) ? [host] : [];
      });
      return {
        ref: formatRef(cluster.ref),
        name: propText(cluster, 'name') ?? '',
        hostRefs,
        cpuCores: usable.reduce((sum, host) => sum + host.cpuCores, 0),
        memoryMb: usable.reduce((sum, host) => sum + host.memoryMb, 0),
      };
    });
  }

  async capacity(): Promise<CapacityInfo> {
    // Only the four VM properties the arithmetic needs: on a large vCenter, full VM reads
    // (snapshot trees, networks) would make this frequently polled figure slow.
    const [hosts, vms] = await Promise.all([
      this.listHosts(),
      retrieveByType(this.session, 'VirtualMachine', CAPACITY_VM_PATHS, this.pageSize),
    ]);
    return computeCapacity(
      hosts,
      vms.map((vm) => ({
        isTemplate: propText(vm, 'config.template') === 'true',
        powerState: (propText(vm, 'runtime.powerState') ?? 'poweredOff') as PowerState,
        cpu: propNumber(vm, 'config.hardware.numCPU'),
        memoryMb: propNumber(vm, 'config.hardware.memoryMB'),
      })),
    );
  }
}

function figures(total: number, used: number, allocated: number): ResourceFigures {
  return { total, used, allocated, free: Math.max(0, total - allocated), unused: Math.max(0, total - used) };
}

/** Capacity from host hardware and quick stats plus VM allocation; exported so tests can check the arithmetic. */
export function computeCapacity(
  hosts: readonly HostInfo[],
  vms: readonly Pick<VmInfo, 'isTemplate' | 'powerState' | 'cpu' | 'memoryMb'>[],
): CapacityInfo {
  const usable = hosts.filter(isUsableHost);
  const running = vms.filter((vm) => !vm.isTemplate && vm.powerState === 'poweredOn');
  const sum = <T>(items: readonly T[], pick: (item: T) => number) => items.reduce((total, item) => total + pick(item), 0);
  const usedCores = sum(usable, (host) => (host.cpuMhz > 0 ? host.usedCpuMhz / host.cpuMhz : 0));
  return {
    cpuCores: figures(sum(usable, (host) => host.cpuCores), Math.round(usedCores * 100) / 100, sum(running, (vm) => vm.cpu)),
    memoryMb: figures(sum(usable, (host) => host.memoryMb), sum(usable, (host) => host.usedMemoryMb), sum(running, (vm) => vm.memoryMb)),
    hostCount: usable.length,
    poweredOnVmCount: running.length,
  };
}

