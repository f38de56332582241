// Snapshot records against vSphere: which VM holds a snapshot now, the newest snapshot of a
// configuration that still exists, and marking records pruned when their vSphere snapshot is gone
// (retention, the VM holding it destroyed, or found missing). A pruned record stays as history and
// is never offered for restore again. The one place `prunedAt` is written.
import { ApplicationFailure } from '@temporalio/activity';
import { recordEvent, SYSTEM } from '../../infra/events.js';
import type { Prisma, PrismaClient, SnapshotPruneReason } from '../../prisma/client.js';
import type { VSphereClient } from '../vsphere/index.js';
import { asActivityFailure } from '../activityErrors.js';

type Db = PrismaClient | Prisma.TransactionClient;

/** What locating a snapshot needs of its record. */
export interface SnapshotLocation {
  id: string;
  vsphereRef: string | null;
  name: string;
}

/** The records a restore may use: domain/snapshots.ts isRestorable as a database filter. */
export const RESTORABLE = { status: 'DONE', prunedAt: null, vsphereRef: { not: null } } as const satisfies Prisma.SnapshotWhereInput;

/**
 * Marks the snapshots pruned (those not already) with the reason, one Event each, in one
 * transaction; returns the IDs it marked.
 */
export async function markPruned(
  prisma: PrismaClient,
  snapshotIds: readonly string[],
  reason: SnapshotPruneReason,
  data: Record<string, unknown> = {},
): Promise<string[]> {
  if (snapshotIds.length === 0) return [];
  return prisma.$transaction(async (tx) => markPrunedIn(tx, snapshotIds, reason, data));
}

export async function markPrunedIn(
  tx: Db,
  snapshotIds: readonly string[],
  reason: SnapshotPruneReason,
  data: Record<string, unknown> = {},
): Promise<string[]> {
  const rows = await tx.snapshot.findMany({
    where: { id: { in: [...snapshotIds] }, prunedAt: null },
    select: { id: true, cloneId: true, configurationId: true, vsphereRef: true },
  });
  if (rows.length === 0) return [];
  const prunedAt = new Date();
  await tx.snapshot.updateMany({ where: { id: { in: rows.map((r) => r.id) }, prunedAt: null }, data: { prunedAt, prunedReason: reason } });
  for (const row of rows) {
    await recordEvent(tx, {
      actor: SYSTEM,
      subjectType: 'Snapshot',
      subjectId: row.id,
      cloneId: row.cloneId,
      type: 'snapshot.pruned',
      data: { configurationId: row.configurationId, reason, vsphereRef: row.vsphereRef, ...data },
    });
  }
  return rows.map((r) => r.id);
}

export function createSnapshotExistence({ prisma, vsphere }: { prisma: PrismaClient; vsphere: VSphereClient }) {
  /** The VM holding the snapshot now, or undefined (then the record is marked pruned, MISSING). */
  async function locate(snapshot: SnapshotLocation): Promise<string | undefined> {
    const holder = snapshot.vsphereRef
      ? await vsphere.findSnapshotHolder(snapshot.vsphereRef, snapshot.name).catch(asActivityFailure)
      : undefined;
    if (!holder) await markPruned(prisma, [snapshot.id], 'MISSING');
    return holder;
  }

  return {
    locate,

    /** Like locate, for a restore: a snapshot that is gone is a permanent failure with the reason. */
    async holderForRestore(snapshot: SnapshotLocation): Promise<string> {
      const holder = await locate(snapshot);
      if (!holder) {
        throw ApplicationFailure.nonRetryable(`snapshot ${snapshot.id} no longer exists in vSphere (marked pruned)`, 'SnapshotGone');
      }
      return holder;
    },

    /**
     * The configuration's newest scheduled snapshot that vSphere still has, checked there now;
     * the stale records passed over on the way are marked pruned.
     */
    async newestExisting(configurationId: string): Promise<string | null> {
      for (;;) {
        const candidate = await prisma.snapshot.findFirst({
          where: { configurationId, trigger: 'SCHEDULED', ...RESTORABLE },
          orderBy: [{ startedAt: 'desc' }, { id: 'desc' }],
          select: { id: true, vsphereRef: true, name: true },
        });
        if (!candidate) return null;
        if (await locate(candidate)) return candidate.id;
      }
    },

    /**
     * Before a VM is destroyed: its snapshots go with it, so their records are marked pruned
     * (VM_DESTROYED). A VM that is already gone has nothing left to mark.
     */
    async pruneHeldBy(vmRef: string): Promise<string[]> {
      const held = await vsphere.listSnapshots(vmRef).catch(() => []);
      if (held.length === 0) return [];
      const rows = await prisma.snapshot.findMany({
        where: { prunedAt: null, OR: held.map((s) => ({ vsphereRef: s.ref, name: s.name })) },
        select: { id: true },
      });
      return markPruned(
        prisma,
        rows.map((r) => r.id),
        'VM_DESTROYED',
        { vmRef },
      );
    },
  };
}

export type SnapshotExistence = ReturnType<typeof createSnapshotExistence>;
