// Lab only (dev stack and tests against vcsim, never product code): vcsim does not boot guests,
// so nothing ever reports a guest IP or running VMware Tools. This plays the guest: a VM that
// has been powered on for `bootDelayMs` gets an IP from the documentation range 198.51.100.0/24
// (never routed) and "tools running", through vcsim's SET.guest.* extraConfig keys. On its first
// boot a VM also runs its guest customization, as a Windows guest runs Sysprep: the simulator posts
// CustomizationStartedEvent with the IP and CustomizationSucceeded `customizationDelayMs` later
// (a real Windows guest reports its IP before Sysprep has set the password).
import type { VSphereClient } from '../../workflows/vsphere/index.js';

type VmInfo = Awaited<ReturnType<VSphereClient['listVms']>>[number];
import { postCustomizationEvent, setGuestInfo } from '../../workflows/vsphere/testing/vcsim.js';

export interface GuestSimulator {
  stop(): Promise<void>;
}

export function startGuestSimulator(
  vsphere: VSphereClient,
  options: { intervalMs?: number; bootDelayMs?: number; customizationDelayMs?: number; onError?: (error: unknown) => void } = {},
): GuestSimulator {
  const intervalMs = options.intervalMs ?? 1000;
  const bootDelayMs = options.bootDelayMs ?? 2000;
  const customizationDelayMs = options.customizationDelayMs ?? bootDelayMs;
  /**
   * VM -> when its customization started (deleted once it succeeded). Keyed by ref and instance
   * UUID: a restarted vcsim hands the same refs to new VMs.
   */
  const customizing = new Map<string, number>();
  const customized = new Set<string>();
  const poweredOnSince = new Map<string, number>();
  const assigned = new Map<string, string>();
  let stopped = false;

  async function tick(): Promise<void> {
    const now = Date.now();
    // One VM's failure (one destroyed under the sweep, say) must not hold up the others.
    for (const vm of await vsphere.listVms()) await play(vm, now).catch((error: unknown) => options.onError?.(error));
  }

  async function play(vm: VmInfo, now: number): Promise<void> {
    if (vm.isTemplate || vm.powerState !== 'poweredOn') {
      poweredOnSince.delete(vm.ref);
      return;
    }
    const key = `${vm.ref}/${vm.instanceUuid ?? ''}`;
    const startedAt = customizing.get(key);
    if (startedAt !== undefined && now - startedAt >= customizationDelayMs) {
      await postCustomizationEvent(vsphere, vm, 'CustomizationSucceeded');
      customizing.delete(key);
      customized.add(key);
    }
    if (vm.guestIp) return;
    const since = poweredOnSince.get(vm.ref) ?? now;
    poweredOnSince.set(vm.ref, since);
    if (now - since < bootDelayMs) return;
    const ip = assigned.get(vm.ref) ?? `198.51.100.${(assigned.size % 250) + 2}`;
    assigned.set(vm.ref, ip);
    if (!customized.has(key) && !customizing.has(key)) {
      await postCustomizationEvent(vsphere, vm, 'CustomizationStartedEvent');
      customizing.set(key, now);
    }
    await setGuestInfo(vsphere, vm.ref, { ipAddress: ip, toolsRunningStatus: 'guestToolsRunning' });
  }

  const loop = (async () => {
    while (!stopped) {
      await tick().catch((error: unknown) => options.onError?.(error));
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();

  return {
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
}
