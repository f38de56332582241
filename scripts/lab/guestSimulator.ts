// Lab only (dev stack and tests against vcsim, never product code): vcsim does not boot guests,
// so nothing ever reports a guest IP or running VMware Tools. This plays the guest: a VM that
// has been powered on for `bootDelayMs` gets an IP from the documentation range 198.51.100.0/24
// (never routed) and "tools running", through vcsim's SET.guest.* extraConfig keys.
import type { VSphereClient } from '../../workflows/vsphere/index.js';
import { setGuestInfo } from '../../workflows/vsphere/testing/vcsim.js';

export interface GuestSimulator {
  stop(): Promise<void>;
}

export function startGuestSimulator(
  vsphere: VSphereClient,
  options: { intervalMs?: number; bootDelayMs?: number; onError?: (error: unknown) => void } = {},
): GuestSimulator {
  const intervalMs = options.intervalMs ?? 1000;
  const bootDelayMs = options.bootDelayMs ?? 2000;
  const poweredOnSince = new Map<string, number>();
  const assigned = new Map<string, string>();
  let stopped = false;

  async function tick(): Promise<void> {
    const now = Date.now();
    for (const vm of await vsphere.listVms()) {
      if (vm.isTemplate || vm.powerState !== 'poweredOn') {
        poweredOnSince.delete(vm.ref);
        continue;
      }
      if (vm.guestIp) continue;
      const since = poweredOnSince.get(vm.ref) ?? now;
      poweredOnSince.set(vm.ref, since);
      if (now - since < bootDelayMs) continue;
      const ip = assigned.get(vm.ref) ?? `198.51.100.${(assigned.size % 250) + 2}`;
      assigned.set(vm.ref, ip);
      await setGuestInfo(vsphere, vm.ref, { ipAddress: ip, toolsRunningStatus: 'guestToolsRunning' });
    }
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
