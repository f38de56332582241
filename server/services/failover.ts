// Starting failover: readiness (domain/failoverReadiness.ts), one active system per
// configuration (the ActiveSystem row, claimed in the transaction that queues the Operation, so
// of two concurrent requests exactly one gets it), fencing of the primary, and `force`.
import { invalidState } from '../../domain/errors.js';
import { failoverReadiness, type Readiness } from '../../domain/failoverReadiness.js';
import type { CloneStatusName } from '../../domain/cloneStatus.js';
import { recordCloneEvent } from '../../infra/events.js';
import type { Prisma, PrismaClient } from '../../prisma/client.js';
import { isUniqueViolation } from '../../prisma/errors.js';
import { cloneRequestUpdate } from '../../workflows/clone/messages.js';
import { queueCloneOperation } from './operations.js';
import type { ActingUser, AppServices } from './types.js';
import { notFound } from '../../domain/errors.js';

/** The columns readiness reads, as a Prisma select on Clone. */
export const READINESS_SELECT = {
  status: true,
  failover: true,
  lastRestoredAt: true,
  configuration: { select: { rpoTargetSeconds: true } },
  restores: {
    where: { status: { in: ['DONE', 'FAILED', 'CANCELLED'] } },
    orderBy: [{ startedAt: 'desc' }, { id: 'desc' }],
    take: 1,
    select: { status: true, finishedAt: true, error: true },
  },
} satisfies Prisma.CloneSelect;

export type ReadinessRow = Prisma.CloneGetPayload<{ select: typeof READINESS_SELECT }>;

export interface CloneReadiness extends Readiness {
  status: CloneStatusName;
  lastRestore: ReadinessRow['restores'][number] | null;
  rpoTargetSeconds: number;
}

export function readinessOf(clone: ReadinessRow, now = new Date()): CloneReadiness {
  const lastRestore = clone.restores[0] ?? null;
  const readiness = failoverReadiness({
    status: clone.status,
    failover: clone.failover,
    lastRestore: lastRestore as Parameters<typeof failoverReadiness>[0]['lastRestore'],
    lastRestoredAt: clone.lastRestoredAt,
    rpoTargetSeconds: clone.configuration.rpoTargetSeconds,
    now,
  });
  return { ...readiness, status: clone.status, lastRestore, rpoTargetSeconds: clone.configuration.rpoTargetSeconds };
}

/** The clone of `configurationId` that is (or is becoming) its active system, if any. */
async function activeSystemOf(prisma: Pick<PrismaClient, 'activeSystem' | 'clone'>, configurationId: string) {
  const claim = await prisma.activeSystem.findUnique({ where: { configurationId }, select: { clone: { select: { id: true, name: true } } } });
  if (claim) return claim.clone;
  // Rows from before the claim existed: a clone flagged in failover.
  return prisma.clone.findFirst({ where: { configurationId, failover: true, deletedAt: null }, select: { id: true, name: true } });
}

export interface StartFailoverOptions {
  force: boolean;
  fencePrimary: boolean;
}

/**
 * Queues the failover of a clone: refused (INVALID_STATE, nothing written) when another clone of
 * its configuration is the active system, or when the clone is not ready and `force` is not set.
 * A forced failover is recorded as such on its Operation and by a `clone.failover_forced` Event.
 */
export async function startFailover(
  services: Pick<AppServices, 'prisma' | 'temporal'>,
  user: ActingUser,
  cloneId: string,
  { force, fencePrimary }: StartFailoverOptions,
): Promise<{ id: string; operationId: string }> {
  const { prisma } = services;
  const clone = await prisma.clone.findUnique({ where: { id: cloneId }, select: { id: true, name: true, configurationId: true, ...READINESS_SELECT } });
  if (!clone) throw notFound('clone', 'cloneId');
  const refuseActive = (active: { id: string; name: string }) => {
    if (active.id === clone.id) return invalidState('the clone is already in failover');
    return invalidState(`clone "${active.name}" is the active system of this configuration (in failover); end its failover first`);
  };
  const active = await activeSystemOf(prisma, clone.configurationId);
  if (active) throw refuseActive(active);

  const readiness = readinessOf(clone);
  // Status problems are the workflow's to answer (it knows the state now, the row may lag).
  if (!readiness.ready && !force && readiness.blocking.length === 0) {
    throw invalidState(`the clone is not ready for failover: ${readiness.reasons.join('; ')} (force: true overrides)`);
  }
  const forced = force && readiness.reasons.length > 0;
  const options = { force, fencePrimary, ...(forced ? { notReadyReasons: readiness.reasons } : {}) };
  let queued: { operationId: string };
  try {
    queued = await queueCloneOperation(services, user, clone.id, {
      type: 'START_FAILOVER',
      options,
      forced,
      // The primary key on configurationId decides between concurrent requests.
      claim: async (tx, operationId) => {
        await tx.activeSystem.create({ data: { configurationId: clone.configurationId, cloneId: clone.id, operationId } });
      },
      send: (handle, operationId) =>
        handle.executeUpdate(cloneRequestUpdate, { args: [{ kind: 'startFailover', actorId: user.id, operationId, fencePrimary }] }),
      audit: { type: 'clone.startFailover_requested', data: { force, fencePrimary } },
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const winner = await activeSystemOf(prisma, clone.configurationId);
    throw winner ? refuseActive(winner) : invalidState('another failover of this configuration was requested at the same time; try again');
  }
  if (forced) {
    await recordCloneEvent(prisma, { kind: 'USER', userId: user.id }, clone.id, 'clone.failover_forced', { operationId: queued.operationId, notReadyReasons: readiness.reasons });
  }
  return { id: clone.id, operationId: queued.operationId };
}
