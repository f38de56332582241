/**
 * VSphereClient: the facade activities use. Create one per worker process and share it; it holds
 * one vCenter session and one HTTPS connection pool, and all methods may run concurrently.
 */
import { customizationState, type CustomizationState } from './customizationEvents.js';
import { cloneVm, type CloneVmSpec } from './clone.js';
import { Inventory } from './inventory.js';
import type { VSphereMetrics } from './instrumentation.js';
import { consoleLogger, type Logger } from './logger.js';
import * as operations from './operations.js';
import type { GuestIpWaitOptions, GuestShutdownOptions, OperationContext } from './operations.js';
import { parseRef, parseRefOfType } from './refs.js';
import { SoapSession, type CallOptions, type RetryPolicy, type ServiceContent } from './session.js';
import * as snapshots from './snapshots.js';
import type { CreateSnapshotOptions } from './snapshots.js';
import { waitForTask, type TaskOutcome, type TaskWaitOptions } from './tasks.js';
import { SoapTransport, type TlsOptions } from './transport.js';
import type { CapacityInfo, ClusterInfo, HostInfo, NetworkInfo, SnapshotInfo, TemplateInfo, VmInfo } from './types.js';
import type { XmlInputObject, XmlNode } from './xml.js';

export interface VSphereClientOptions {
  /** vCenter address: "https://vcenter.example.com" (the /sdk path is added) or the full SDK URL. */
  url: string;
  username: string;
  password: string;
  tls?: TlsOptions;
  logger?: Logger;
  /** Deadline of one HTTP request (default 60 s). Task waits have their own deadlines. */
  requestTimeoutMs?: number;
  /** Objects per RetrievePropertiesEx page (maxObjects, default 500). */
  pageSize?: number;
  /** Longest interval between two onProgress calls while a task or wait makes no progress (default 10 s, minimum 1 s). */
  progressIntervalMs?: number;
  /** Retries of idempotent calls on network errors and 5xx (default 4 attempts, from 500 ms). */
  retry?: Partial<RetryPolicy>;
  /** Maximum concurrent HTTPS connections to vCenter (default 8). */
  maxConnections?: number;
  /** Where call and task durations go (the worker's Prometheus histograms); spans need nothing. */
  metrics?: VSphereMetrics;
}

const VM = 'VirtualMachine';
const SNAPSHOT = 'VirtualMachineSnapshot';

export class VSphereClient {
  private readonly transport: SoapTransport;
  private readonly session: SoapSession;
  private readonly inventory: Inventory;
  private readonly ctx: OperationContext;

  constructor(options: VSphereClientOptions) {
    const logger = options.logger ?? consoleLogger;
    this.transport = new SoapTransport({
      url: options.url,
      logger,
      requestTimeoutMs: options.requestTimeoutMs ?? 60_000,
      ...(options.tls ? { tls: options.tls } : {}),
      ...(options.maxConnections ? { maxConnections: options.maxConnections } : {}),
    });
    this.session = new SoapSession(this.transport, { username: options.username, password: options.password }, logger, {
      attempts: options.retry?.attempts ?? 4,
      baseDelayMs: options.retry?.baseDelayMs ?? 500,
    }, options.metrics);
    this.inventory = new Inventory(this.session, options.pageSize ?? 500);
    this.ctx = {
      session: this.session,
      inventory: this.inventory,
      progressIntervalMs: Math.max(1000, options.progressIntervalMs ?? 10_000),
    };
  }

  // --- session -------------------------------------------------------------------------------

  /** Opens the session now (otherwise the first call does). Safe to call repeatedly. */
  async login(): Promise<ServiceContent> {
    return this.session.ensureLoggedIn();
  }

  /** Ends the vCenter session. The client stays usable: the next call logs in again. */
  async logout(): Promise<void> {
    await this.session.logout();
  }

  /** Logs out and closes the connection pool; the client is unusable afterwards. */
  async close(): Promise<void> {
    try {
      await this.session.logout();
    } finally {
      await this.transport.close();
    }
  }

  /** The server-side key of the current session (for SessionManager calls; it is a credential, do not log it). */
  get sessionKey(): string | undefined {
    return this.session.sessionKey;
  }

  /**
   * Low-level escape hatch: one vim25 method on an object, with the shared session and its
   * transparent re-login. Returns the parsed `returnval`. Set `idempotent` only for calls that are
   * safe to repeat.
   */
  async call(method: string, ref: string, args: XmlInputObject = {}, options: CallOptions = {}): Promise<XmlNode | undefined> {
    return this.session.call(method, parseRef(ref), args, options);
  }

  // --- inventory -----------------------------------------------------------------------------

  async listVms(): Promise<VmInfo[]> {
    return this.inventory.listVms();
  }

  async listTemplates(): Promise<TemplateInfo[]> {
    return this.inventory.listTemplates();
  }

  async listNetworks(): Promise<NetworkInfo[]> {
    return this.inventory.listNetworks();
  }

  async listHosts(): Promise<HostInfo[]> {
    return this.inventory.listHosts();
  }

  async listClusters(): Promise<ClusterInfo[]> {
    return this.inventory.listClusters();
  }

  /** Total, used, allocated and free CPU cores and memory; see ResourceFigures for what "free" means. */
  async capacity(): Promise<CapacityInfo> {
    return this.inventory.capacity();
  }

  /** NotFoundError when the VM does not exist. */
  async getVm(ref: string): Promise<VmInfo> {
    return this.inventory.getVm(parseRefOfType(ref, VM));
  }

  /** undefined when no VM has the name; an AmbiguousName VSphereError when several do. */
  async findVmByName(name: string): Promise<VmInfo | undefined> {
    return this.inventory.findVmByName(name);
  }

  /** By instance UUID (VmInfo.instanceUuid). */
  async findVmByUuid(uuid: string): Promise<VmInfo | undefined> {
    return this.inventory.findVmByUuid(uuid);
  }

  // --- operations ----------------------------------------------------------------------------

  /** Clones and returns the new VM (powered off); returns the existing VM when an earlier attempt already made it. */
  async cloneVm(spec: CloneVmSpec): Promise<VmInfo> {
    return cloneVm(this.ctx, spec);
  }

  async reconfigureVm(ref: string, change: { cpu?: number; memoryMb?: number }, options?: TaskWaitOptions): Promise<VmInfo> {
    return operations.reconfigureVm(this.ctx, parseRefOfType(ref, VM), change, options);
  }

  /** No-op when already powered on. */
  async powerOn(ref: string, options?: TaskWaitOptions): Promise<void> {
    return operations.powerOn(this.ctx, parseRefOfType(ref, VM), options);
  }

  /** Hard power off; no-op when already off. */
  async powerOff(ref: string, options?: TaskWaitOptions): Promise<void> {
    return operations.powerOff(this.ctx, parseRefOfType(ref, VM), options);
  }

  /** No-op when already suspended; InvalidPowerStateError when powered off. */
  async suspend(ref: string, options?: TaskWaitOptions): Promise<void> {
    return operations.suspend(this.ctx, parseRefOfType(ref, VM), options);
  }

  /** InvalidPowerStateError unless powered on. */
  async reset(ref: string, options?: TaskWaitOptions): Promise<void> {
    return operations.reset(this.ctx, parseRefOfType(ref, VM), options);
  }

  /** Clean shutdown through VMware Tools, waiting for poweredOff; ToolsUnavailableError when tools do not run. */
  async shutdownGuest(ref: string, options?: GuestShutdownOptions): Promise<void> {
    return operations.shutdownGuest(this.ctx, parseRefOfType(ref, VM), options);
  }

  /** Clean reboot through VMware Tools; ToolsUnavailableError when tools do not run. */
  async rebootGuest(ref: string): Promise<void> {
    return operations.rebootGuest(this.ctx, parseRefOfType(ref, VM));
  }

  async createSnapshot(ref: string, options: CreateSnapshotOptions, wait?: TaskWaitOptions): Promise<SnapshotInfo> {
    return snapshots.createSnapshot(this.ctx, parseRefOfType(ref, VM), options, wait);
  }

  async listSnapshots(ref: string): Promise<SnapshotInfo[]> {
    return snapshots.listSnapshots(this.ctx, parseRefOfType(ref, VM));
  }

  /** The VM's guest customization progress, from its latest customization event. */
  async customizationState(ref: string): Promise<CustomizationState> {
    return customizationState(this.ctx, parseRefOfType(ref, VM));
  }

  /** The VM holding the snapshot `snapshotRef` named `name`, or undefined when it is gone. */
  async findSnapshotHolder(snapshotRef: string, name: string): Promise<string | undefined> {
    return snapshots.findSnapshotHolder(this.ctx, parseRefOfType(snapshotRef, SNAPSHOT), name);
  }

  async revertToSnapshot(snapshotRef: string, wait?: TaskWaitOptions): Promise<void> {
    return snapshots.revertToSnapshot(this.ctx, parseRefOfType(snapshotRef, SNAPSHOT), wait);
  }

  async removeSnapshot(snapshotRef: string, options?: { removeChildren?: boolean }, wait?: TaskWaitOptions): Promise<void> {
    return snapshots.removeSnapshot(this.ctx, parseRefOfType(snapshotRef, SNAPSHOT), options, wait);
  }

  async renameVm(ref: string, name: string, options?: TaskWaitOptions): Promise<void> {
    return operations.renameVm(this.ctx, parseRefOfType(ref, VM), name, options);
  }

  /** Powers off if needed, then destroys; a VM that does not exist counts as destroyed. */
  async destroyVm(ref: string, options?: TaskWaitOptions): Promise<void> {
    return operations.destroyVm(this.ctx, parseRefOfType(ref, VM), options);
  }

  /** The VM must be powered off; no-op when it already is a template. */
  async markAsTemplate(ref: string): Promise<void> {
    return operations.markAsTemplate(this.ctx, parseRefOfType(ref, VM));
  }

  /** Resolves with the guest's IP once VMware Tools report one. */
  async waitForGuestIp(ref: string, options?: GuestIpWaitOptions): Promise<string> {
    return operations.waitForGuestIp(this.ctx, parseRefOfType(ref, VM), options);
  }

  /** Waits for any task (for example one started through `call`). */
  async waitForTask(taskRef: string, options: TaskWaitOptions = {}): Promise<TaskOutcome> {
    return waitForTask(this.session, parseRefOfType(taskRef, 'Task'), { ...options, progressIntervalMs: this.ctx.progressIntervalMs });
  }
}
