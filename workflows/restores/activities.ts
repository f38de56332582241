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

const suffix = (restoreId: string) => restoreId.replace(/-/g, '').slice(-8);
/** The new VM's name while it is being built, and the old VM's name between swap and destroy. */
export const restoreVmNames = (finalName: string, restoreId: string) => ({
  building: `${finalName}~restore-${suffix(restoreId)}`,
  replaced: `${finalName}~replaced-${suffix(restoreId)}`,
});

export function createRestoreActivities({ prisma, vsphere, secretKey, guestWaitTimeoutMs }: RestoreActivityDeps) {
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

  return {
    /** Records the restore as IN_PROGRESS; a retry finds the row it already wrote. */
    async beginRestore(input: BeginRestoreInput): Promise<{ restoreId: string }> {
      const earlier = await prisma.restore.findFirst({
        where: { snapshotId: input.snapshotId, targetMachineId: input.targetMachineId, status: 'IN_PROGRESS' },
        select: { id: true },
      });
      if (earlier) return { restoreId: earlier.id };
      return prisma.$transaction(async (tx) => {
        const restore = await tx.restore.create({
          data: {
            snapshotId: input.snapshotId,
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
          data: { snapshotId: input.snapshotId, targetMachineId: input.targetMachineId, trigger: input.trigger },
        });
        return { restoreId: restore.id };
      });
    },

    /** Builds the replacement VM, waits for its guest, swaps it in and destroys the old VM. */
    async rebuildFromSnapshot(restoreId: string): Promise<{ vmRef: string }> {
      const restore = await loadRestore(restoreId);
      const { snapshot, targetMachine: target } = restore;
      if (snapshot.status !== 'DONE' || !snapshot.vsphereRef || !snapshot.sourceMachine.vsphereRef) {
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
        built =
          (await vsphere.findVmByName(names.building).catch(asActivityFailure)) ??
          (await vsphere
            .cloneVm({
              source: snapshot.sourceMachine.vsphereRef,
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
            .catch(asActivityFailure));
        await vsphere.powerOn(built.ref, { onProgress: heartbeatProgress }).catch(asActivityFailure);
        await vsphere
          .waitForGuestIp(built.ref, { timeoutMs: guestWaitTimeoutMs, onProgress: heartbeatProgress })
          .catch(asActivityFailure);
        // The swap: the old VM steps aside (powered off, kept) and the new one takes its name.
        if (old) {
          await vsphere.powerOff(old.ref, { onProgress: heartbeatProgress }).catch(asActivityFailure);
          await vsphere.renameVm(old.ref, names.replaced).catch(asActivityFailure);
        }
        await vsphere.renameVm(built.ref, finalName).catch(asActivityFailure);
      }

      const vm = await vsphere.getVm(built.ref).catch(asActivityFailure);
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
      if (replaced) await vsphere.destroyVm(replaced.ref, { onProgress: heartbeatProgress }).catch(asActivityFailure);
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
