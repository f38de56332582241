// Restoring a snapshot of VM A onto machine B (DESIGN.md §2): B is rebuilt as a linked clone of A
// at that snapshot, with B's name, hardware and network, and swapped in only once it is up. The
// VM it replaces stays (powered off) until the swap is recorded, so a failed restore loses
// nothing. Every step finds its own earlier work by VM name, so a retried activity continues
// where the last attempt stopped and never makes a second VM.
import { ApplicationFailure, Context } from '@temporalio/activity';
import { recordEvent, SYSTEM } from '../../infra/events.js';
import { cloneHostname } from '../../domain/naming.js';
import { decryptSecret } from '../../infra/secrets.js';
import type { PrismaClient, RestoreTrigger } from '../../prisma/client.js';
import type { VSphereClient } from '../vsphere/index.js';
import { asActivityFailure, heartbeatProgress } from '../activityErrors.js';
import { createSnapshotExistence } from '../snapshots/existence.js';
import { releaseMachineRef } from '../machineRefs.js';
import { awaitCustomization } from '../clone/activities.js';

export interface RestoreActivityDeps {
  prisma: PrismaClient;
  vsphere: VSphereClient;
  secretKey: string;
  guestWaitTimeoutMs: number;
}

export interface BeginRestoreInput {
  snapshotId: string;
  targetMachineId: string;
  cloneId?: string;
  trigger: RestoreTrigger;
}

/** In the name of a replaced VM kept for the failover state it holds. */
export const KEPT_VM_MARK = '~kept-';

const suffix = (restoreId: string) => restoreId.replace(/-/g, '').slice(-8);
/**
 * The new VM's name while it is being built, the old VM's name between swap and destroy, and its
 * name when it is kept instead because it holds a failover state (a FAILBACK snapshot).
 */
export const restoreVmNames = (finalName: string, restoreId: string) => ({
  building: `${finalName}~restore-${suffix(restoreId)}`,
  replaced: `${finalName}~replaced-${suffix(restoreId)}`,
  kept: `${finalName}${KEPT_VM_MARK}${suffix(restoreId)}`,
});

export function createRestoreActivities({ prisma, vsphere, secretKey, guestWaitTimeoutMs }: RestoreActivityDeps) {
  const existence = createSnapshotExistence({ prisma, vsphere });

  async function loadRestore(restoreId: string) {
    const restore = await prisma.restore.findUnique({
      where: { id: restoreId },
      include: {
        snapshot: { include: { sourceMachine: true } },
        targetMachine: { include: { clone: { include: { network: true } } } },
      },
    });
    if (!restore) throw ApplicationFailure.nonRetryable(`restore ${restoreId} does not exist`, 'NotFound');
    return restore;
  }

  /** Whether the VM holds a FAILBACK snapshot still on record (a failover state, kept until retention). */
  async function holdsFailoverState(vmRef: string): Promise<boolean> {
    const held = await vsphere.listSnapshots(vmRef).catch(asActivityFailure);
    if (held.length === 0) return false;
    const kept = await prisma.snapshot.count({
      where: { trigger: 'FAILBACK', status: 'DONE', prunedAt: null, OR: held.map((s) => ({ vsphereRef: s.ref, name: s.name })) },
    });
    return kept > 0;
  }

  return {
    /** Records the restore as IN_PROGRESS; a retry finds the row it already wrote. */
    async beginRestore(input: BeginRestoreInput): Promise<{ restoreId: string }> {
      const inProgress = (snapshotId: string) =>
        prisma.restore.findFirst({
          where: { snapshotId, targetMachineId: input.targetMachineId, status: 'IN_PROGRESS' },
          select: { id: true },
        });
      const earlier = await inProgress(input.snapshotId);
      if (earlier) return { restoreId: earlier.id };
      // An auto-restore never fails a clone because a record was stale: when the snapshot it was
      // given is gone from vSphere, the newest one that still exists is restored instead.
      let snapshotId = input.snapshotId;
      if (input.trigger === 'AUTO') {
        const snapshot = await prisma.snapshot.findUnique({
          where: { id: input.snapshotId },
          select: { id: true, vsphereRef: true, name: true, configurationId: true },
        });
        if (!snapshot) throw ApplicationFailure.nonRetryable(`snapshot ${input.snapshotId} does not exist`, 'NotFound');
        if (!(await existence.locate(snapshot))) {
          const newest = await existence.newestExisting(snapshot.configurationId);
          if (!newest) {
            throw ApplicationFailure.nonRetryable(
              `snapshot ${input.snapshotId} no longer exists in vSphere, nor does any other snapshot of its configuration`,
              'SnapshotGone',
            );
          }
          snapshotId = newest;
          const substituted = await inProgress(snapshotId);
          if (substituted) return { restoreId: substituted.id };
        }
      }
      return prisma.$transaction(async (tx) => {
        const restore = await tx.restore.create({
          data: {
            snapshotId,
            targetMachineId: input.targetMachineId,
            cloneId: input.cloneId ?? null,
            trigger: input.trigger,
          },
        });
        await recordEvent(tx, {
          actor: SYSTEM,
          subjectType: 'Restore',
          subjectId: restore.id,
          cloneId: input.cloneId ?? null,
          type: 'restore.started',
          data: {
            snapshotId,
            targetMachineId: input.targetMachineId,
            trigger: input.trigger,
            ...(snapshotId !== input.snapshotId ? { insteadOf: input.snapshotId, reason: 'that snapshot no longer exists in vSphere' } : {}),
          },
        });
        return { restoreId: restore.id };
      });
    },

    /** Builds the replacement VM, waits for its guest, swaps it in and destroys the old VM. */
    async rebuildFromSnapshot(restoreId: string): Promise<{ vmRef: string }> {
      const restore = await loadRestore(restoreId);
      const { snapshot, targetMachine: target } = restore;
      if (snapshot.status !== 'DONE' || !snapshot.vsphereRef) {
        throw ApplicationFailure.nonRetryable(`snapshot ${snapshot.id} is not a finished vSphere snapshot`, 'InvalidInput');
      }
      const finalName = target.name;
      const names = restoreVmNames(finalName, restoreId);

      // Already swapped by an earlier attempt: only the bookkeeping is left.
      const atFinalName = await vsphere.findVmByName(finalName).catch(asActivityFailure);
      let built = atFinalName && atFinalName.ref !== target.vsphereRef ? atFinalName : undefined;

      if (!built) {
        const old = target.vsphereRef ? await vsphere.getVm(target.vsphereRef).catch(() => undefined) : undefined;
        const clone = target.clone;
        built = await vsphere.findVmByName(names.building).catch(asActivityFailure);
        // The VM that holds the snapshot now, checked in vSphere: after a swap that kept the old
        // VM it is no longer the source machine's current one.
        const holder = built ? undefined : await existence.holderForRestore(snapshot);
        built ??= await vsphere
            .cloneVm({
              source: holder!,
              snapshot: snapshot.vsphereRef,
              linked: true,
              name: names.building,
              cpu: clone?.cpu ?? old?.cpu ?? target.cpu,
              memoryMb: (clone?.ramGb ?? target.ramGb) * 1024,
              ...((clone?.network.vsphereRef ?? old?.networkRefs[0])
                ? { network: clone?.network.vsphereRef ?? old!.networkRefs[0]! }
                : {}),
              // A clone keeps its own identity (hostname, RDP password) through every restore.
              ...(clone
                ? {
                    customization: {
                      hostname: cloneHostname(clone),
                      adminPassword: decryptSecret(clone.rdpPasswordEnc, secretKey),
                    },
                  }
                : {}),
              onProgress: heartbeatProgress,
            })
            .catch(asActivityFailure);
        await vsphere.powerOn(built.ref, { onProgress: heartbeatProgress }).catch(asActivityFailure);
        await vsphere
          .waitForGuestIp(built.ref, { timeoutMs: guestWaitTimeoutMs, onProgress: heartbeatProgress })
          .catch(asActivityFailure);
        // A clone's rebuilt VM is customized with its identity again: it is swapped in only once
        // that finished, so the clone's credentials work throughout.
        if (clone) await awaitCustomization(vsphere, built.ref, Date.now() + guestWaitTimeoutMs, () => heartbeatProgress(90, 'guest customization'));
        // The swap: the old VM steps aside (powered off, kept) and the new one takes its name.
        if (old) {
          await vsphere.powerOff(old.ref, { onProgress: heartbeatProgress }).catch(asActivityFailure);
          await vsphere.renameVm(old.ref, names.replaced).catch(asActivityFailure);
        }
        await vsphere.renameVm(built.ref, finalName).catch(asActivityFailure);
      }

      const vm = await vsphere.getVm(built.ref).catch(asActivityFailure);
      await releaseMachineRef(prisma, vm.ref, target.id);
      await prisma.machine.update({
        where: { id: target.id },
        data: {
          vsphereRef: vm.ref,
          instanceUuid: vm.instanceUuid ?? null,
          powerState: 'POWERED_ON',
          guestIp: vm.guestIp ?? null,
          online: Boolean(vm.guestIp),
          lastOnlineAt: new Date(),
          removedAt: null,
        },
      });
      // Only now, with the new VM recorded, is the old one no longer needed.
      const replaced = await vsphere.findVmByName(names.replaced).catch(asActivityFailure);
      if (replaced) {
        if (await holdsFailoverState(replaced.ref)) {
          // A failover state (kept by a discarding end of failover) lives in this VM: it stays,
          // powered off, under its own name until retention removes its last snapshot.
          await vsphere.renameVm(replaced.ref, names.kept).catch(asActivityFailure);
        } else {
          await existence.pruneHeldBy(replaced.ref);
          await vsphere.destroyVm(replaced.ref, { onProgress: heartbeatProgress }).catch(asActivityFailure);
        }
      }
      return { vmRef: vm.ref };
    },

    /**
     * After a failed rebuild: removes the half-built VM and puts the old one back in service if
     * the swap had begun, so the target is as it was before the restore.
     */
    async discardRestore(restoreId: string): Promise<void> {
      const restore = await loadRestore(restoreId);
      const names = restoreVmNames(restore.targetMachine.name, restoreId);
      const building = await vsphere.findVmByName(names.building).catch(asActivityFailure);
      if (building) await vsphere.destroyVm(building.ref, { onProgress: heartbeatProgress }).catch(asActivityFailure);
      const replaced = await vsphere.findVmByName(names.replaced).catch(asActivityFailure);
      if (replaced) {
        await vsphere.renameVm(replaced.ref, restore.targetMachine.name).catch(asActivityFailure);
        await vsphere.powerOn(replaced.ref, { onProgress: heartbeatProgress }).catch(asActivityFailure);
      }
    },

    /** DONE (recording the clone's new standby point) or FAILED with the reason. */
    async finishRestore(restoreId: string, outcome: { error?: string }): Promise<void> {
      Context.current().heartbeat();
      await prisma.$transaction(async (tx) => {
        const restore = await tx.restore.findUnique({ where: { id: restoreId }, include: { snapshot: true } });
        if (!restore || restore.status !== 'IN_PROGRESS') return;
        const done = outcome.error === undefined;
        const finishedAt = new Date();
        await tx.restore.update({
          where: { id: restoreId },
          data: { status: done ? 'DONE' : 'FAILED', finishedAt, error: outcome.error ?? null },
        });
        if (done && restore.cloneId) {
          // The standby lag is measured from the moment the restored state was captured.
          await tx.clone.update({ where: { id: restore.cloneId }, data: { lastRestoredAt: restore.snapshot.startedAt } });
        }
        await recordEvent(tx, {
          actor: SYSTEM,
          subjectType: 'Restore',
          subjectId: restoreId,
          cloneId: restore.cloneId,
          type: done ? 'restore.done' : 'restore.failed',
          data: { snapshotId: restore.snapshotId, ...(outcome.error ? { error: outcome.error } : {}) },
        });
      });
    },
  };
}

export type RestoreActivities = ReturnType<typeof createRestoreActivities>;
