// The one place snapshot rows are created and leave IN_PROGRESS. The row, its Event and its bus
// message are written in one transaction; a snapshot leaves IN_PROGRESS only once, so a capture
// finishing after a cancel (or a retried activity) never overwrites an outcome already recorded.
import { notify } from '../../infra/eventBus.js';
import { recordEvent, SYSTEM, type Actor } from '../../infra/events.js';
import type { PrismaClient, SnapshotTrigger } from '../../prisma/client.js';

export interface NewSnapshot {
  configurationId: string;
  sourceMachineId: string;
  cloneId: string | null;
  trigger: SnapshotTrigger;
  requestedById: string | null;
  retryOfId: string | null;
  /** The workflow that owns the snapshot (unique): how a cancel finds it. */
  workflowId: string;
}

/** The vSphere snapshot name, derived from the row so every retry of the capture uses the same one. */
const vsphereSnapshotName = (snapshotId: string) => `enclave-${snapshotId.slice(-12)}`;

/** Creates the IN_PROGRESS row; a second row for the same workflowId fails with P2002. */
export async function createSnapshotRecord(prisma: PrismaClient, snapshot: NewSnapshot): Promise<{ snapshotId: string }> {
  return prisma.$transaction(async (tx) => {
    const created = await tx.snapshot.create({
      // The name is derived from the row's own ID, known only once the row exists.
      data: { ...snapshot, name: 'enclave' },
      select: { id: true, startedAt: true },
    });
    await tx.snapshot.update({ where: { id: created.id }, data: { name: vsphereSnapshotName(created.id) } });
    await recordEvent(tx, {
      actor: snapshot.requestedById ? { kind: 'USER', userId: snapshot.requestedById } : SYSTEM,
      subjectType: 'Snapshot',
      subjectId: created.id,
      cloneId: snapshot.cloneId,
      type: 'snapshot.started',
      data: {
        configurationId: snapshot.configurationId,
        sourceMachineId: snapshot.sourceMachineId,
        trigger: snapshot.trigger,
        ...(snapshot.retryOfId ? { retryOfId: snapshot.retryOfId } : {}),
      },
    });
    await notify(tx, {
      topic: 'snapshot.status',
      snapshotId: created.id,
      configurationId: snapshot.configurationId,
      status: 'IN_PROGRESS',
      at: created.startedAt.toISOString(),
    });
    return { snapshotId: created.id };
  });
}

export type SnapshotOutcome =
  | { status: 'DONE'; vsphereRef: string }
  | { status: 'FAILED'; reason: string }
  | { status: 'CANCELLED'; reason: string };

const EVENT_TYPES = { DONE: 'snapshot.done', FAILED: 'snapshot.failed', CANCELLED: 'snapshot.cancelled' } as const;

/** Returns false (and writes nothing) when the snapshot was no longer IN_PROGRESS. */
export async function endSnapshot(
  prisma: PrismaClient,
  snapshotId: string,
  outcome: SnapshotOutcome,
  actor: Actor = SYSTEM,
): Promise<boolean> {
  return prisma.$transaction(async (tx) => {
    const snapshot = await tx.snapshot.findUnique({ where: { id: snapshotId } });
    if (!snapshot || snapshot.status !== 'IN_PROGRESS') return false;
    const finishedAt = new Date();
    const { count } = await tx.snapshot.updateMany({
      where: { id: snapshotId, status: 'IN_PROGRESS' },
      data: {
        status: outcome.status,
        finishedAt,
        durationMs: finishedAt.getTime() - snapshot.startedAt.getTime(),
        ...(outcome.status === 'DONE' ? { vsphereRef: outcome.vsphereRef, error: null } : { error: outcome.reason }),
      },
    });
    if (count === 0) return false;
    await recordEvent(tx, {
      actor,
      subjectType: 'Snapshot',
      subjectId: snapshotId,
      cloneId: snapshot.cloneId,
      type: EVENT_TYPES[outcome.status],
      data: {
        configurationId: snapshot.configurationId,
        ...(outcome.status === 'DONE' ? { vsphereRef: outcome.vsphereRef } : { reason: outcome.reason }),
      },
    });
    await notify(tx, {
      topic: 'snapshot.status',
      snapshotId,
      configurationId: snapshot.configurationId,
      status: outcome.status,
      at: finishedAt.toISOString(),
    });
    return true;
  });
}
