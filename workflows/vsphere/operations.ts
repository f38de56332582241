/**
 * VM lifecycle operations: power, guest shutdown/reboot, reconfigure, rename, destroy, mark as
 * template, waiting for a guest IP. Each one checks the current state first, so that a Temporal
 * activity retried after a lost response finds the work done instead of failing or repeating it.
 */
import {
  InvalidPowerStateError,
  NotFoundError,
  TaskFailedError,
  ToolsUnavailableError,
  VSphereError,
} from './errors.js';
import type { Inventory } from './inventory.js';
import { retrieveOne } from './properties.js';
import { formatRef, type MoRef } from './refs.js';
import type { SoapSession } from './session.js';
import { runTask, type TaskWaitOptions } from './tasks.js';
import type { PowerState, VmInfo } from './types.js';
import { text } from './xml.js';
import { watchObject, type ProgressCallback } from './watch.js';

export interface OperationContext {
  session: SoapSession;
  inventory: Inventory;
  progressIntervalMs: number;
}

export interface GuestIpWaitOptions {
  /** Default 15 minutes: a Windows guest runs Sysprep and reboots before it reports an address. */
  timeoutMs?: number;
  onProgress?: ProgressCallback;
  /** Stops waiting (pass Temporal's Context.cancellationSignal). */
  signal?: AbortSignal;
}

export interface GuestShutdownOptions extends TaskWaitOptions {
  /** Return as soon as the guest accepted the request instead of waiting for poweredOff. */
  noWait?: boolean;
}

const DEFAULT_GUEST_IP_TIMEOUT_MS = 15 * 60_000;
const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10 * 60_000;

/** The underlying typed fault of an error: the task's fault for TaskFailedError, the error itself otherwise. */
export function underlyingFault(error: unknown): unknown {
  return error instanceof TaskFailedError ? error.cause : error;
}

function isFault(error: unknown, type: abstract new (...args: never[]) => VSphereError): boolean {
  return underlyingFault(error) instanceof type;
}

async function readState(ctx: OperationContext, vm: MoRef): Promise<{ powerState: PowerState; tools: string | undefined; template: boolean }> {
  const object = await retrieveOne(ctx.session, vm, ['runtime.powerState', 'guest.toolsRunningStatus', 'config.template']);
  return {
    powerState: (text(object.props.get('runtime.powerState')) ?? 'poweredOff') as PowerState,
    tools: text(object.props.get('guest.toolsRunningStatus')),
    template: text(object.props.get('config.template')) === 'true',
  };
}

function powerStateError(vm: MoRef, action: string, state: PowerState): InvalidPowerStateError {
  return new InvalidPowerStateError(`cannot ${action} ${formatRef(vm)}: it is ${state}`, { faultType: 'InvalidPowerState' });
}

/**
 * Brings a VM to `target` with `method` unless it is there already. If vSphere refuses because
 * the state changed under us (another actor, a retried activity), the state is read again and the
 * refusal only counts when the VM still is not in the target state.
 */
async function changePowerState(
  ctx: OperationContext,
  vm: MoRef,
  target: PowerState,
  method: string,
  allowedFrom: readonly PowerState[],
  options: TaskWaitOptions,
): Promise<void> {
  const { powerState } = await readState(ctx, vm);
  if (powerState === target) return;
  if (!allowedFrom.includes(powerState)) throw powerStateError(vm, method, powerState);
  try {
    await runTask(ctx.session, method, vm, {}, { ...options, progressIntervalMs: ctx.progressIntervalMs });
  } catch (error) {
    if (isFault(error, InvalidPowerStateError) && (await readState(ctx, vm)).powerState === target) return;
    throw error;
  }
}

export const powerOn = (ctx: OperationContext, vm: MoRef, options: TaskWaitOptions = {}) =>
  changePowerState(ctx, vm, 'poweredOn', 'PowerOnVM_Task', ['poweredOff', 'suspended'], options);

export const powerOff = (ctx: OperationContext, vm: MoRef, options: TaskWaitOptions = {}) =>
  changePowerState(ctx, vm, 'poweredOff', 'PowerOffVM_Task', ['poweredOn', 'suspended'], options);

export const suspend = (ctx: OperationContext, vm: MoRef, options: TaskWaitOptions = {}) =>
  changePowerState(ctx, vm, 'suspended', 'SuspendVM_Task', ['poweredOn'], options);

/** Hard reset. Not idempotent by nature: every call resets the VM once more. */
export async function reset(ctx: OperationContext, vm: MoRef, options: TaskWaitOptions = {}): Promise<void> {
  const { powerState } = await readState(ctx, vm);
  if (powerState !== 'poweredOn') throw powerStateError(vm, 'reset', powerState);
  await runTask(ctx.session, 'ResetVM_Task', vm, {}, { ...options, progressIntervalMs: ctx.progressIntervalMs });
}

async function requireRunningTools(ctx: OperationContext, vm: MoRef, action: string): Promise<PowerState> {
  const { powerState, tools } = await readState(ctx, vm);
  if (powerState === 'poweredOff') return powerState;
  if (powerState !== 'poweredOn') throw powerStateError(vm, action, powerState);
  if (tools !== 'guestToolsRunning') {
    throw new ToolsUnavailableError(`cannot ${action} ${formatRef(vm)}: VMware Tools are not running (${tools ?? 'unknown'})`, {
      faultType: 'ToolsUnavailable',
    });
  }
  return powerState;
}

/**
 * Asks the guest OS to shut down (through VMware Tools) and waits until the VM is powered off.
 * ShutdownGuest is not a vSphere task: vCenter returns once the guest accepted the request.
 */
export async function shutdownGuest(ctx: OperationContext, vm: MoRef, options: GuestShutdownOptions = {}): Promise<void> {
  if ((await requireRunningTools(ctx, vm, 'shut down the guest of')) === 'poweredOff') return;
  await ctx.session.call('ShutdownGuest', vm);
  if (options.noWait) return;
  await watchObject(
    ctx.session,
    vm,
    ['runtime.powerState'],
    (props) => {
      const state = text(props.get('runtime.powerState'));
      options.onProgress?.(state === 'poweredOff' ? 100 : 0, `guest shutdown: ${state ?? 'unknown'}`);
      return state === 'poweredOff' ? true : undefined;
    },
    {
      timeoutMs: options.timeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS,
      tickMs: ctx.progressIntervalMs,
      what: `${formatRef(vm)} to power off`,
      signal: options.signal,
    },
  );
}

/** Asks the guest OS to reboot. Returns once the guest accepted; there is no reliable "rebooted" signal to wait for. */
export async function rebootGuest(ctx: OperationContext, vm: MoRef): Promise<void> {
  const state = await requireRunningTools(ctx, vm, 'reboot the guest of');
  if (state !== 'poweredOn') throw powerStateError(vm, 'reboot the guest of', state);
  await ctx.session.call('RebootGuest', vm);
}

export async function reconfigureVm(
  ctx: OperationContext,
  vm: MoRef,
  change: { cpu?: number; memoryMb?: number },
  options: TaskWaitOptions = {},
): Promise<VmInfo> {
  for (const [field, value] of Object.entries(change)) {
    if (value !== undefined && (!Number.isInteger(value) || value < 1)) throw new TypeError(`${field} must be a positive integer`);
  }
  const current = await ctx.inventory.getVm(vm);
  const spec = {
    numCPUs: change.cpu !== undefined && change.cpu !== current.cpu ? change.cpu : undefined,
    memoryMB: change.memoryMb !== undefined && change.memoryMb !== current.memoryMb ? change.memoryMb : undefined,
  };
  if (spec.numCPUs === undefined && spec.memoryMB === undefined) return current;
  await runTask(ctx.session, 'ReconfigVM_Task', vm, { spec }, { ...options, progressIntervalMs: ctx.progressIntervalMs });
  return ctx.inventory.getVm(vm);
}

export async function renameVm(ctx: OperationContext, vm: MoRef, name: string, options: TaskWaitOptions = {}): Promise<void> {
  if (!name.trim()) throw new TypeError('name must not be empty');
  const current = await retrieveOne(ctx.session, vm, ['name']);
  if (text(current.props.get('name')) === name) return;
  await runTask(ctx.session, 'Rename_Task', vm, { newName: name }, { ...options, progressIntervalMs: ctx.progressIntervalMs });
}

/** Powers the VM off if needed and deletes it from disk. A VM that no longer exists counts as destroyed. */
export async function destroyVm(ctx: OperationContext, vm: MoRef, options: TaskWaitOptions = {}): Promise<void> {
  try {
    await powerOff(ctx, vm, options);
    await runTask(ctx.session, 'Destroy_Task', vm, {}, { ...options, progressIntervalMs: ctx.progressIntervalMs });
  } catch (error) {
    if (isFault(error, NotFoundError)) return;
    throw error;
  }
}

/** Turns a powered-off VM into a template (what the dev seed does to make images). Already a template: nothing to do. */
export async function markAsTemplate(ctx: OperationContext, vm: MoRef): Promise<void> {
  const { powerState, template } = await readState(ctx, vm);
  if (template) return;
  if (powerState !== 'poweredOff') throw powerStateError(vm, 'mark as template', powerState);
  try {
    await ctx.session.call('MarkAsTemplate', vm);
  } catch (error) {
    if ((await readState(ctx, vm)).template) return;
    throw error;
  }
}

/** Link-local addresses appear while DHCP is still running; they are not reachable for RDP. */
function isUsableAddress(ip: string): boolean {
  return !/^169\.254\./.test(ip) && !/^fe80:/i.test(ip);
}

/**
 * Waits until VMware Tools report a usable guest IP (guest.ipAddress) and returns it. Fails fast
 * with InvalidPowerStateError when the VM is not running, since it would never get one.
 */
export async function waitForGuestIp(ctx: OperationContext, vm: MoRef, options: GuestIpWaitOptions = {}): Promise<string> {
  return watchObject(
    ctx.session,
    vm,
    ['guest.ipAddress', 'runtime.powerState'],
    (props) => {
      const state = text(props.get('runtime.powerState')) as PowerState | undefined;
      if (state && state !== 'poweredOn') throw powerStateError(vm, 'wait for a guest IP of', state);
      const ip = text(props.get('guest.ipAddress'));
      if (ip && isUsableAddress(ip)) {
        options.onProgress?.(100, `guest IP ${ip}`);
        return ip;
      }
      options.onProgress?.(0, 'waiting for the guest to report an IP address');
      return undefined;
    },
    {
      timeoutMs: options.timeoutMs ?? DEFAULT_GUEST_IP_TIMEOUT_MS,
      tickMs: ctx.progressIntervalMs,
      what: `a guest IP on ${formatRef(vm)}`,
      signal: options.signal,
    },
  );
}
