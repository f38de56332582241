// Activities of the snapshot workflow (and of the clone workflow's manual and failback snapshots).
// Each is idempotent: beginSnapshot is keyed by the calling workflow's ID, vSphere's createSnapshot
// reuses a snapshot of the same name, and every status change goes through endSnapshot, which only
// moves a snapshot out of IN_PROGRESS once.
import { ApplicationFailure, Context } from '@temporalio/activity';
import { Prisma, type PrismaClient, type SnapshotTrigger } from '../../prisma/client.js';
import { isUniqueViolation } from '../../prisma/errors.js';
import { NotFoundError, underlyingFault, type VSphereClient } from '../vsphere/index.js';
import { asActivityFailure, heartbeatProgress } from '../activityErrors.js';
import { createSnapshotExistence, markPruned } from './existence.js';
import { KEPT_VM_MARK } from '../restores/activities.js';
import { createSnapshotRecord, endSnapshot } from './records.js';

export interface SnapshotActivityDeps {
  prisma: PrismaClient;
  vsphere: VSphereClient;
}

export interface BeginSnapshotInput {
  configurationId: string;
  trigger: SnapshotTrigger;
  /** Capture this machine instead of the configuration's active one (e.g. a clone's VM). */
  sourceMachineId?: string;
  /** The clone the snapshot concerns; defaults to the clone whose VM is the source. */
  cloneId?: string;
  requestedById?: string;
  retryOfId?: string;
  /**
   * The ID of the workflow that owns this snapshot, one snapshot per workflow: a retried
   * beginSnapshot (or one whose row the API already created) returns that row.
   */
  workflowId: string;
}

export function createSnapshotActivities({ prisma, vsphere }: SnapshotActivityDeps) {
  const existence = createSnapshotExistence({ prisma, vsphere });

  /**
   * A VM kept by a restore's swap for the failover state it holds (named with KEPT_VM_MARK) is
   * destroyed once retention has removed its last snapshot.
   */
  async function destroyIfEmptyKeptVm(vmRef: string): Promise<void> {
    const vm = await vsphere.getVm(vmRef).catch(() => undefined);
    if (!vm || !vm.name.includes(KEPT_VM_MARK)) return;
    const inUse = await prisma.machine.count({ where: { vsphereRef: vmRef, removedAt: null } });
    if (inUse > 0) return;
    if ((await vsphere.listSnapshots(vmRef).catch(asActivityFailure)).length > 0) return;
    await vsphere.destroyVm(vmRef, { onProgress: heartbeatProgress }).catch(asActivityFailure);
  }

  async function loadSnapshot(snapshotId: string) {
    const snapshot = await prisma.snapshot.findUnique({ where: { id: snapshotId }, include: { sourceMachine: true } });
    if (!snapshot) throw ApplicationFailure.nonRetryable(`snapshot ${snapshotId} does not exist`, 'NotFound');
    return snapshot;
  }

  /**
   * The machine a snapshot of the configuration captures: the VM of the clone in failover (the
   * active system) if there is one, else the primary.
   */
  async function activeSource(configurationId: string): Promise<{ machineId: string; cloneId: string | null }> {
    const configuration = await prisma.configuration.findUnique({
      where: { id: configurationId },
      select: {
        primaryMachineId: true,
        clones: {
          where: { failover: true, deletedAt: null, machineId: { not: null } },
          select: { id: true, machineId: true },
          orderBy: { failoverStartedAt: 'desc' },
          take: 1,
        },
      },
    });
    if (!configuration) throw ApplicationFailure.nonRetryable(`configuration ${configurationId} does not exist`, 'NotFound');
    const failover = configuration.clones[0];
    return failover ? { machineId: failover.machineId!, cloneId: failover.id } : { machineId: configuration.primaryMachineId, cloneId: null };
  }

  /** Removes the vSphere snapshot a capture made (or is about to finish making) under this name. */
  async function removeVsphereSnapshots(vmRef: string, name: string): Promise<void> {
    let snapshots;
    try {
      snapshots = await vsphere.listSnapshots(vmRef);
    } catch (error) {
      if (underlyingFault(error) instanceof NotFoundError) return; // the VM is gone, and its snapshots with it
      return asActivityFailure(error);
    }
    for (const snapshot of snapshots.filter((s) => s.name === name)) {
      await vsphere.removeSnapshot(snapshot.ref, {}, { onProgress: heartbeatProgress }).catch(asActivityFailure);
    }
  }

  return {
    async beginSnapshot(input: BeginSnapshotInput): Promise<{ snapshotId: string }> {
      const earlier = await prisma.snapshot.findUnique({ where: { workflowId: input.workflowId }, select: { id: true } });
      if (earlier) return { snapshotId: earlier.id };

      const source = input.sourceMachineId
        ? { machineId: input.sourceMachineId, cloneId: null }
        : await activeSource(input.configurationId);
      const machine = await prisma.machine.findUnique({
        where: { id: source.machineId },
        select: { id: true, clone: { select: { id: true } } },
      });
      if (!machine) throw ApplicationFailure.nonRetryable(`machine ${source.machineId} does not exist`, 'NotFound');
      const cloneId = input.cloneId ?? source.cloneId ?? machine.clone?.id ?? null;

      try {
        return await createSnapshotRecord(prisma, {
          configurationId: input.configurationId,
          sourceMachineId: machine.id,
          cloneId,
          trigger: input.trigger,
          requestedById: input.requestedById ?? null,
          retryOfId: input.retryOfId ?? null,
          workflowId: input.workflowId,
        });
      } catch (error) {
        // A concurrent attempt of this activity won the unique workflowId: its row is the answer.
        if (isUniqueViolation(error)) {
          const winner = await prisma.snapshot.findUniqueOrThrow({ where: { workflowId: input.workflowId }, select: { id: true } });
          return { snapshotId: winner.id };
        }
        if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2003') {
          throw ApplicationFailure.nonRetryable(`a referenced row does not exist: ${error.message}`, 'NotFound');
        }
        throw error;
      }
    },

    /** Takes the vSphere snapshot (no memory, no quiescing) and marks the snapshot DONE. */
    async captureSnapshot(snapshotId: string): Promise<{ vsphereRef: string }> {
      const snapshot = await loadSnapshot(snapshotId);
      if (snapshot.status === 'DONE' && snapshot.vsphereRef) return { vsphereRef: snapshot.vsphereRef };
      if (snapshot.status !== 'IN_PROGRESS') {
        throw ApplicationFailure.nonRetryable(`snapshot ${snapshotId} is already ${snapshot.status}`, 'InvalidTransition');
      }
      const vmRef = snapshot.sourceMachine.vsphereRef;
      if (!vmRef || snapshot.sourceMachine.removedAt) {
        throw ApplicationFailure.nonRetryable(`machine ${snapshot.sourceMachine.name} has no VM in vSphere`, 'NotFound');
      }
      // No cancellation signal on purpose: stopping the wait would not stop vSphere's task, and
      // the snapshot it still makes would be orphaned. Finishing lets the check below clean up.
      const created = await vsphere
        .createSnapshot(
          vmRef,
          { name: snapshot.name, description: `Enclave ${snapshot.trigger.toLowerCase()} snapshot ${snapshot.id}`, memory: false, quiesce: false },
          { onProgress: heartbeatProgress },
        )
        .catch(asActivityFailure);
      const recorded = await endSnapshot(prisma, snapshotId, { status: 'DONE', vsphereRef: created.ref });
      if (!recorded) {
        const now = await loadSnapshot(snapshotId);
        if (now.status === 'DONE' && now.vsphereRef === created.ref) return { vsphereRef: created.ref };
        // Cancelled or failed while vSphere was still working: nothing may keep its snapshot.
        await removeVsphereSnapshots(vmRef, snapshot.name);
        throw ApplicationFailure.nonRetryable(`snapshot ${snapshotId} ended ${now.status} during the capture`, 'InvalidTransition');
      }
      return { vsphereRef: created.ref };
    },

    /** Records a failed or cancelled snapshot and removes whatever the capture left in vSphere. */
    async finishSnapshotFailed(snapshotId: string, outcome: { reason: string; cancelled?: boolean }): Promise<void> {
      await endSnapshot(prisma, snapshotId, {
        status: outcome.cancelled ? 'CANCELLED' : 'FAILED',
        reason: outcome.reason,
      });
      const snapshot = await loadSnapshot(snapshotId);
      // A capture that completed first made the snapshot DONE; its vSphere snapshot is the result.
      if (snapshot.status === 'DONE' || !snapshot.sourceMachine.vsphereRef) return;
      await removeVsphereSnapshots(snapshot.sourceMachine.vsphereRef, snapshot.name);
    },

    /**
     * Keeps the newest `retention` DONE snapshots per source machine of the configuration and
     * removes the older ones from vSphere (the rows stay, with prunedAt). Never prunes a snapshot
     * that a restore in progress reads, nor the newest one restored onto any machine.
     */
    async applyRetention(configurationId: string): Promise<{ pruned: string[] }> {
      const configuration = await prisma.configuration.findUnique({ where: { id: configurationId }, select: { retention: true } });
      if (!configuration) throw ApplicationFailure.nonRetryable(`configuration ${configurationId} does not exist`, 'NotFound');
      const live = await prisma.snapshot.findMany({
        where: { configurationId, status: 'DONE', prunedAt: null },
        orderBy: [{ startedAt: 'desc' }, { id: 'desc' }],
        select: { id: true, sourceMachineId: true, vsphereRef: true, name: true },
      });
      const keptPerSource = new Map<string, number>();
      const beyondRetention = live.filter((snapshot) => {
        const kept = keptPerSource.get(snapshot.sourceMachineId) ?? 0;
        keptPerSource.set(snapshot.sourceMachineId, kept + 1);
        return kept >= configuration.retention;
      });
      if (beyondRetention.length === 0) return { pruned: [] };

      const [restoring, newestRestored] = await Promise.all([
        prisma.restore.findMany({
          where: { status: 'IN_PROGRESS', snapshotId: { in: beyondRetention.map((s) => s.id) } },
          select: { snapshotId: true },
        }),
        // The newest DONE restore of every target machine: that snapshot is what the machine runs.
        prisma.restore.findMany({
          where: { status: 'DONE' },
          distinct: ['targetMachineId'],
          orderBy: [{ targetMachineId: 'asc' }, { finishedAt: 'desc' }, { startedAt: 'desc' }],
          select: { snapshotId: true },
        }),
      ]);
      const protectedIds = new Set([...restoring, ...newestRestored].map((r) => r.snapshotId));

      const pruned: string[] = [];
      for (const snapshot of beyondRetention) {
        if (protectedIds.has(snapshot.id)) continue;
        // Removed only where it really is: a reused moref could name another VM's snapshot.
        const holder = await existence.locate(snapshot);
        if (holder) {
          await vsphere.removeSnapshot(snapshot.vsphereRef!, {}, { onProgress: heartbeatProgress }).catch(asActivityFailure);
          await markPruned(prisma, [snapshot.id], 'RETENTION', { retention: configuration.retention });
          await destroyIfEmptyKeptVm(holder);
        }
        pruned.push(snapshot.id);
        Context.current().heartbeat({ pruned: pruned.length });
      }
      return { pruned };
    },

    /** The clones a new snapshot of the configuration is restored onto: running, not in failover. */
    async clonesToAutoRestore(configurationId: string): Promise<string[]> {
      const configuration = await prisma.configuration.findUnique({ where: { id: configurationId }, select: { autoRestore: true } });
      if (!configuration) throw ApplicationFailure.nonRetryable(`configuration ${configurationId} does not exist`, 'NotFound');
      if (!configuration.autoRestore) return [];
      const clones = await prisma.clone.findMany({
        where: { configurationId, deletedAt: null, failover: false, status: 'RUNNING', machineId: { not: null } },
        select: { id: true },
        orderBy: { createdAt: 'asc' },
      });
      return clones.map((clone) => clone.id);
    },
  };
}

export type SnapshotActivities = ReturnType<typeof createSnapshotActivities>;
