// Inventory sync: brings what PostgreSQL knows about vSphere up to date (machines, networks,
// templates, capacity). vSphere is the truth; every activity reads it whole and writes only the
// differences, so a retry or an overlapping run changes nothing twice.
import { Context } from '@temporalio/activity';
import { recordCapacity } from '../../infra/capacity.js';
import { recordEvent, SYSTEM } from '../../infra/events.js';
import type { PowerState, PrismaClient } from '../../prisma/client.js';
import type { VmInfo, VSphereClient } from '../vsphere/index.js';
import { asActivityFailure } from '../activityErrors.js';
import { markPruned } from '../snapshots/existence.js';

export interface InventoryActivityDeps {
  prisma: PrismaClient;
  vsphere: VSphereClient;
}

const POWER_STATES: Record<VmInfo['powerState'], PowerState> = {
  poweredOn: 'POWERED_ON',
  poweredOff: 'POWERED_OFF',
  suspended: 'SUSPENDED',
};

/** What a Machine row should say about its VM. */
function observedMachine(vm: VmInfo) {
  const powerState = POWER_STATES[vm.powerState] ?? 'UNKNOWN';
  const guestIp = vm.guestIp ?? null;
  return {
    powerState,
    online: powerState === 'POWERED_ON' && guestIp !== null,
    guestIp,
    cpu: vm.cpu,
    ramGb: Math.max(1, Math.round(vm.memoryMb / 1024)),
  };
}

export function createInventoryActivities({ prisma, vsphere }: InventoryActivityDeps) {
  /**
   * Snapshot records whose vSphere snapshot is in no VM's snapshot tree are marked pruned
   * (MISSING). Only records finished before the listing began: a capture that ended after it is
   * not in the listing and must not be mistaken for a missing one.
   */
  async function pruneMissingSnapshots(listed: VmInfo[], listedAt: Date): Promise<void> {
    const present = new Set(listed.flatMap((vm) => vm.snapshots.map((s) => `${s.ref}\n${s.name}`)));
    const records = await prisma.snapshot.findMany({
      where: { prunedAt: null, status: 'DONE', vsphereRef: { not: null }, finishedAt: { lt: listedAt } },
      select: { id: true, vsphereRef: true, name: true },
    });
    const missing = records.filter((r) => !present.has(`${r.vsphereRef}\n${r.name}`)).map((r) => r.id);
    await markPruned(prisma, missing, 'MISSING', { foundBy: 'inventory sync' });
  }

  return {
    /**
     * Power state, guest IP, online flag and hardware of every known machine; a machine whose VM
     * is gone gets removedAt. New VMs are not adopted: which VMs are primaries is decided when a
     * configuration is made, and a clone VM mid-provisioning must not become one.
     */
    async syncMachineInventory(): Promise<{ changed: number; removed: number; downCloneIds: string[] }> {
      // Rows are read before vSphere is listed: a restore that swaps a clone's VM after this read
      // leaves the row with a ref this sync does not hold, and the conditional writes below skip it.
      const machines = await prisma.machine.findMany({
        where: { removedAt: null, vsphereRef: { not: null } },
        include: { clone: { select: { id: true } } },
      });
      const listedAt = new Date();
      const listed = await vsphere.listVms().catch(asActivityFailure);
      await pruneMissingSnapshots(listed, listedAt);
      const vms = new Map(listed.filter((vm) => !vm.isTemplate).map((vm) => [vm.ref, vm]));
      const now = new Date();
      let changed = 0;
      let removed = 0;
      // Clones whose VM went down or away behind Enclave's back: their workflows check and decide.
      const downCloneIds: string[] = [];
      for (const machine of machines) {
        const ref = machine.vsphereRef!;
        const cloneId = machine.clone?.id ?? null;
        const vm = vms.get(ref);
        if (!vm) {
          await prisma.$transaction(async (tx) => {
            // A clone being deleted is its delete's to remove: it destroys the VM and records
            // clone.vm_destroyed. The VM can vanish before that record (its task ran on while the
            // worker was down: CI, 16:36 on 2026-11-23); marking it here would log a removal
            // behind Enclave's back and leave the delete nothing to record. DELETING is written
            // before the destroy starts, so this statement sees it whenever the VM is gone.
            const { count } = await tx.machine.updateMany({
              where: { id: machine.id, vsphereRef: ref, removedAt: null, NOT: { clone: { is: { status: 'DELETING' } } } },
              data: { removedAt: now, online: false, guestIp: null },
            });
            if (count === 0) return;
            removed++;
            if (cloneId) downCloneIds.push(cloneId);
            await recordEvent(tx, { actor: SYSTEM, subjectType: 'Machine', subjectId: machine.id, cloneId, type: 'machine.removed', data: { vmRef: ref } });
          });
          continue;
        }
        const observed = observedMachine(vm);
        const powerChanged = observed.powerState !== machine.powerState;
        const guestChanged = observed.online !== machine.online || observed.guestIp !== machine.guestIp;
        const hardwareChanged = observed.cpu !== machine.cpu || observed.ramGb !== machine.ramGb;
        // lastOnlineAt is "last seen online", so it moves on every sync that sees the guest up.
        if (!powerChanged && !guestChanged && !hardwareChanged && !observed.online) continue;
        await prisma.$transaction(async (tx) => {
          const { count } = await tx.machine.updateMany({
            where: { id: machine.id, vsphereRef: ref },
            data: { ...observed, ...(observed.online ? { lastOnlineAt: now } : {}) },
          });
          if (count === 0) return;
          const machineEvent = (type: string, data: Record<string, unknown>) =>
            recordEvent(tx, { actor: SYSTEM, subjectType: 'Machine', subjectId: machine.id, cloneId, type, data });
          if (powerChanged) await machineEvent('machine.power_changed', { from: machine.powerState, to: observed.powerState });
          if (guestChanged) await machineEvent('machine.guest_changed', { online: observed.online, guestIp: observed.guestIp });
        });
        if (powerChanged || guestChanged || hardwareChanged) changed++;
        if (powerChanged && cloneId && observed.powerState !== 'POWERED_ON') downCloneIds.push(cloneId);
        Context.current().heartbeat();
      }
      return { changed, removed, downCloneIds };
    },

    /** New vSphere networks become selectable; vanished ones get removedAt (clones keep their link). */
    async syncNetworkInventory(): Promise<{ added: number; removed: number }> {
      const [rows, networks] = await Promise.all([prisma.network.findMany(), vsphere.listNetworks().catch(asActivityFailure)]);
      const byRef = new Map(rows.map((row) => [row.vsphereRef, row]));
      const now = new Date();
      let added = 0;
      let removed = 0;
      for (const network of networks) {
        const row = byRef.get(network.ref);
        if (row && row.name === network.name && row.kind === network.kind && row.removedAt === null) continue;
        await prisma.$transaction(async (tx) => {
          const saved = await tx.network.upsert({
            where: { vsphereRef: network.ref },
            create: { name: network.name, vsphereRef: network.ref, kind: network.kind },
            update: { name: network.name, kind: network.kind, removedAt: null },
          });
          if (row && row.removedAt === null) return;
          added++;
          await recordEvent(tx, {
            actor: SYSTEM,
            subjectType: 'Network',
            subjectId: saved.id,
            type: 'network.added',
            data: { vsphereRef: network.ref, name: network.name },
          });
        });
      }
      const present = new Set(networks.map((network) => network.ref));
      for (const row of rows) {
        if (row.removedAt !== null || present.has(row.vsphereRef)) continue;
        await prisma.$transaction(async (tx) => {
          const { count } = await tx.network.updateMany({ where: { id: row.id, removedAt: null }, data: { removedAt: now } });
          if (count === 0) return;
          removed++;
          await recordEvent(tx, { actor: SYSTEM, subjectType: 'Network', subjectId: row.id, type: 'network.removed', data: { vsphereRef: row.vsphereRef } });
        });
      }
      return { added, removed };
    },

    /**
     * Flags application images whose template vanished (and clears the flag if it came back).
     * Unknown templates are not turned into images: an image needs an application and defaults.
     */
    async syncTemplateInventory(): Promise<{ removed: number; restored: number }> {
      const [images, templates] = await Promise.all([prisma.vmImage.findMany(), vsphere.listTemplates().catch(asActivityFailure)]);
      const present = new Set(templates.map((template) => template.ref));
      const now = new Date();
      let removed = 0;
      let restored = 0;
      for (const image of images) {
        const exists = present.has(image.vsphereRef);
        if (exists === (image.removedAt === null)) continue;
        await prisma.$transaction(async (tx) => {
          await tx.vmImage.update({ where: { id: image.id }, data: { removedAt: exists ? null : now } });
          await recordEvent(tx, {
            actor: SYSTEM,
            subjectType: 'VmImage',
            subjectId: image.id,
            type: exists ? 'image.restored' : 'image.removed',
            data: { vsphereRef: image.vsphereRef },
          });
        });
        if (exists) restored++;
        else removed++;
      }
      return { removed, restored };
    },

    /** A capacity sample, which the API's `resources` and createClone's check read. */
    async sampleCapacity(): Promise<void> {
      await recordCapacity(prisma, await vsphere.capacity().catch(asActivityFailure));
    },
  };
}

export type InventoryActivities = ReturnType<typeof createInventoryActivities>;
