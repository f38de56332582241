/**
 * Public information types. Every reference is a "Type:value" string (see refs.ts) and every
 * timestamp an ISO-8601 string, so these values cross Temporal activity boundaries unchanged.
 */

export type PowerState = 'poweredOn' | 'poweredOff' | 'suspended';

export interface SnapshotInfo {
  ref: string;
  vmRef: string;
  name: string;
  description: string;
  /** ISO-8601. */
  createTime: string;
  /** Power state of the VM when the snapshot was taken. */
  powerState: PowerState;
  quiesced: boolean;
  /** The parent snapshot; undefined for a root snapshot. */
  parentRef: string | undefined;
  /** Whether this is the VM's current snapshot (the one its disks run on). */
  isCurrent: boolean;
}

export interface VmInfo {
  ref: string;
  name: string;
  instanceUuid: string | undefined;
  /** The BIOS UUID (config.uuid), which the guest sees. */
  biosUuid: string | undefined;
  isTemplate: boolean;
  powerState: PowerState;
  guestIp: string | undefined;
  guestHostName: string | undefined;
  /** guestToolsRunning, guestToolsNotRunning, guestToolsExecutingScripts; undefined when unknown. */
  toolsRunningStatus: string | undefined;
  guestId: string | undefined;
  guestFullName: string | undefined;
  cpu: number;
  memoryMb: number;
  hostRef: string | undefined;
  folderRef: string | undefined;
  resourcePoolRef: string | undefined;
  networkRefs: string[];
  /** The snapshot tree flattened in depth-first order (parents before children). */
  snapshots: SnapshotInfo[];
}

/** A template: what the product calls an application image. */
export interface TemplateInfo {
  ref: string;
  name: string;
  instanceUuid: string | undefined;
  guestId: string | undefined;
  guestFullName: string | undefined;
  /** Windows guests are customized with Sysprep, others with the Linux customization. */
  isWindows: boolean;
  cpu: number;
  memoryMb: number;
}

export type NetworkKind = 'STANDARD' | 'DISTRIBUTED';

export interface NetworkInfo {
  ref: string;
  name: string;
  kind: NetworkKind;
  /** DISTRIBUTED only: the switch UUID and port group key a NIC backing needs. */
  switchUuid: string | undefined;
  portgroupKey: string | undefined;
  switchRef: string | undefined;
}

export interface HostInfo {
  ref: string;
  name: string;
  /** The ClusterComputeResource, or undefined for a standalone host. */
  clusterRef: string | undefined;
  /** The host's compute resource (cluster or standalone ComputeResource). */
  computeResourceRef: string | undefined;
  connectionState: string | undefined;
  inMaintenanceMode: boolean;
  powerState: string | undefined;
  cpuCores: number;
  cpuMhz: number;
  memoryMb: number;
  /** Quick stats: current demand. */
  usedCpuMhz: number;
  usedMemoryMb: number;
}

export interface ClusterInfo {
  ref: string;
  name: string;
  hostRefs: string[];
  /** Summed from the cluster's hosts (not from the cluster summary, which vcsim does not keep right). */
  cpuCores: number;
  memoryMb: number;
}

export interface ResourceFigures {
  /** Capacity of the hosts that can run VMs (connected, not in maintenance mode). */
  total: number;
  /** Current demand from host quick stats (CPU converted from MHz to cores at each host's clock). */
  used: number;
  /** Sum of what powered-on VMs are configured with (vCPUs, configured memory). */
  allocated: number;
  /**
   * What new clones may take: `total - allocated`, never below 0. Allocation rather than demand,
   * because a standby clone must be able to run at its full size at failover time, and demand
   * swings with guest load while allocation only changes when the inventory does.
   */
  free: number;
  /** `total - used`, never below 0: the momentary headroom, for display. */
  unused: number;
}

export interface CapacityInfo {
  cpuCores: ResourceFigures;
  memoryMb: ResourceFigures;
  hostCount: number;
  poweredOnVmCount: number;
}
