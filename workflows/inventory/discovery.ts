// Discovery: every VM and template vSphere shows is recorded as a DiscoveredVm (not managed),
// which is what an admin registers primaries and application images from. The inventory sync
// runs it (activity `syncDiscoveredVms`); the demo seed calls `recordDiscoveredVms` directly.
import { Context } from '@temporalio/activity';
import { guestOsFamilyOf } from '../../domain/guestOs.js';
import { recordEvent, SYSTEM } from '../../infra/events.js';
import type { PowerState, PrismaClient } from '../../prisma/client.js';
import { asActivityFailure } from '../activityErrors.js';
import type { VmInfo, VSphereClient } from '../vsphere/index.js';

const POWER_STATES: Record<string, PowerState> = { poweredOn: 'POWERED_ON', poweredOff: 'POWERED_OFF', suspended: 'SUSPENDED' };

/** What a DiscoveredVm row says about a VM vSphere listed. */
export function discoveredFields(vm: VmInfo) {
  return {
    name: vm.name,
    isTemplate: vm.isTemplate,
    guestId: vm.guestId ?? '',
    guestFullName: vm.guestFullName ?? '',
    guestOsFamily: guestOsFamilyOf(vm.guestId ?? ''),
    cpu: vm.cpu,
    ramGb: Math.max(1, Math.round(vm.memoryMb / 1024)),
    powerState: POWER_STATES[vm.powerState] ?? ('UNKNOWN' as const),
    instanceUuid: vm.instanceUuid ?? null,
  };
}

/**
 * Brings the DiscoveredVm table up to what `vms` (the whole of vSphere's VMs and templates) shows:
 * new ones are added, known ones updated and seen, missing ones marked gone (and back when they
 * return). Each row is linked to the Machine or image (not retired) that manages its reference.
 * Idempotent.
 */
export async function recordDiscoveredVms(
  prisma: PrismaClient,
  vms: VmInfo[],
  { heartbeat = () => undefined }: { heartbeat?: () => void } = {},
): Promise<{ added: number; gone: number }> {
  const now = new Date();
  const refs = vms.map((vm) => vm.ref);
  const [machines, images] = await Promise.all([
    prisma.machine.findMany({ where: { vsphereRef: { in: refs }, retiredAt: null }, select: { id: true, vsphereRef: true } }),
    prisma.vmImage.findMany({ where: { vsphereRef: { in: refs }, retiredAt: null }, select: { id: true, vsphereRef: true } }),
  ]);
  const machineByRef = new Map(machines.map((m) => [m.vsphereRef!, m.id]));
  const imageByRef = new Map(images.map((i) => [i.vsphereRef, i.id]));
  const rows = new Map((await prisma.discoveredVm.findMany({ where: { vsphereRef: { in: refs } } })).map((r) => [r.vsphereRef, r]));
  let added = 0;
  for (const vm of vms) {
    const fields = {
      ...discoveredFields(vm),
      goneAt: null,
      machineId: machineByRef.get(vm.ref) ?? null,
      imageId: imageByRef.get(vm.ref) ?? null,
    };
    const row = rows.get(vm.ref);
    // Only differences are written; lastSeenAt moves for all of them in one statement below.
    if (row && (Object.keys(fields) as (keyof typeof fields)[]).every((key) => row[key] === fields[key])) continue;
    const saved = await prisma.discoveredVm.upsert({ where: { vsphereRef: vm.ref }, create: { vsphereRef: vm.ref, ...fields }, update: fields });
    if (!row) {
      added++;
      await recordEvent(prisma, {
        actor: SYSTEM,
        subjectType: 'DiscoveredVm',
        subjectId: saved.id,
        type: 'vm.discovered',
        data: { vsphereRef: vm.ref, name: vm.name, isTemplate: vm.isTemplate },
      });
    }
    heartbeat();
  }
  await prisma.discoveredVm.updateMany({ where: { vsphereRef: { in: refs } }, data: { lastSeenAt: now } });
  const { count: gone } = await prisma.discoveredVm.updateMany({
    where: { goneAt: null, vsphereRef: { notIn: refs } },
    data: { goneAt: now },
  });
  return { added, gone };
}

export function createDiscoveryActivities({ prisma, vsphere }: { prisma: PrismaClient; vsphere: VSphereClient }) {
  return {
    /** Records every VM and template vSphere shows (see recordDiscoveredVms). */
    async syncDiscoveredVms(): Promise<{ added: number; gone: number }> {
      const vms = await vsphere.listVms().catch(asActivityFailure);
      return recordDiscoveredVms(prisma, vms, { heartbeat: () => Context.current().heartbeat() });
    },
  };
}

export type DiscoveryActivities = ReturnType<typeof createDiscoveryActivities>;
