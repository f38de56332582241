// CPU and memory of the vSphere system, as the API sees it without talking to vSphere: the worker
// (and the seed) record samples of what vSphere reports, and the API adds what Enclave's own
// clones reserve. The rule, also in README "Choices made":
//
//   used      = (cores/GB of powered-on VMs that are not clone VMs, at the newest sample)
//             + (cores/GB of every clone that is not DELETED or FAILED, whatever its power state)
//   available = max(0, total - used)
//
// Clones count at their full size even when stopped or still provisioning, because a standby
// must be able to run at failover time; clone VMs are left out of the vSphere figure so they
// are not counted twice.
import type { PrismaClient } from '../prisma/client.js';
import { AppError, validationError, type FieldProblem } from '../domain/errors.js';
import type { RawExecutor } from './eventBus.js';

/** What vSphere reports; `CapacityInfo` of workflows/vsphere satisfies it. */
export interface CapacityReading {
  cpuCores: { total: number; allocated: number };
  memoryMb: { total: number; allocated: number };
}

/** Clones in these statuses hold no VM and reserve nothing. */
export const NON_RESERVING_STATUSES = ['DELETED', 'FAILED'] as const;

type Db = Pick<PrismaClient, 'capacitySample' | 'machine' | 'clone'>;

/** Stores a reading of vSphere; the newest one is what `resources` and createClone use. */
export async function recordCapacity(db: Db, capacity: CapacityReading, sampledAt = new Date()): Promise<void> {
  // Powered-on clone VMs are inside vSphere's allocation; they are counted from the Clone table.
  const cloneVms = await db.machine.aggregate({
    where: {
      kind: 'CLONE',
      powerState: 'POWERED_ON',
      removedAt: null,
      clone: { status: { notIn: [...NON_RESERVING_STATUSES] } },
    },
    _sum: { cpu: true, ramGb: true },
  });
  const cloneCpu = cloneVms._sum.cpu ?? 0;
  const cloneRamMb = (cloneVms._sum.ramGb ?? 0) * 1024;
  await db.capacitySample.create({
    data: {
      // Totals round down and usage rounds up, so rounding never promises capacity that is not there.
      cpuCoresTotal: Math.floor(capacity.cpuCores.total),
      ramGbTotal: Math.floor(capacity.memoryMb.total / 1024),
      cpuCoresUsed: Math.ceil(Math.max(0, capacity.cpuCores.allocated - cloneCpu)),
      ramGbUsed: Math.ceil(Math.max(0, capacity.memoryMb.allocated - cloneRamMb) / 1024),
      sampledAt,
    },
  });
}

export interface ResourceFigures {
  total: number;
  used: number;
  available: number;
}

export interface ResourceSummary {
  cpuCores: ResourceFigures;
  ramGb: ResourceFigures;
  /** Reserved by Enclave's clones (part of `used`). */
  clones: { cpuCores: number; ramGb: number };
  sampledAt: Date;
}

const figures = (total: number, used: number): ResourceFigures => ({
  total,
  used,
  available: Math.max(0, total - used),
});

/** The rule above, from the newest sample; null until vSphere has been sampled once. */
export async function resourceSummary(db: Pick<PrismaClient, 'capacitySample' | 'clone'>): Promise<ResourceSummary | null> {
  const [sample, clones] = await Promise.all([
    db.capacitySample.findFirst({ orderBy: { sampledAt: 'desc' } }),
    db.clone.aggregate({
      where: { status: { notIn: [...NON_RESERVING_STATUSES] } },
      _sum: { cpu: true, ramGb: true },
    }),
  ]);
  if (!sample) return null;
  const cloneCpu = clones._sum.cpu ?? 0;
  const cloneRam = clones._sum.ramGb ?? 0;
  return {
    cpuCores: figures(sample.cpuCoresTotal, sample.cpuCoresUsed + cloneCpu),
    ramGb: figures(sample.ramGbTotal, sample.ramGbUsed + cloneRam),
    clones: { cpuCores: cloneCpu, ramGb: cloneRam },
    sampledAt: sample.sampledAt,
  };
}

// Serialises capacity checks across API replicas for the rest of the caller's transaction, so two
// clones that each fit, but not together, cannot both be admitted.
const CAPACITY_LOCK_KEY = 0x656e636c; // "encl"

/**
 * Inside the transaction that creates a clone, as its last step, once the clone's row (which
 * counts in `used`) is written: refuses (VALIDATION on input.cpu / input.ramGb) a clone that does
 * not fit in what was available without it. The lock it takes is held until the transaction
 * ends, so concurrent creates queue only for this check and the commit, not for the whole create.
 */
export async function reserveCapacity(
  tx: RawExecutor & Pick<PrismaClient, 'capacitySample' | 'clone'>,
  request: { cpu: number; ramGb: number },
  prefix = 'input',
): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${CAPACITY_LOCK_KEY})`;
  const summary = await resourceSummary(tx);
  if (!summary) {
    throw new AppError('UNAVAILABLE', 'the capacity of the vSphere system is not known yet; try again after the inventory sync');
  }
  // What was available to this request: the summary already counts the request itself.
  const cpu = figures(summary.cpuCores.total, summary.cpuCores.used - request.cpu);
  const ram = figures(summary.ramGb.total, summary.ramGb.used - request.ramGb);
  const problems: FieldProblem[] = [];
  if (request.cpu > cpu.available) problems.push({ field: `${prefix}.cpu`, message: describe(request.cpu, 'CPU cores', cpu) });
  if (request.ramGb > ram.available) problems.push({ field: `${prefix}.ramGb`, message: describe(request.ramGb, 'GB of RAM', ram) });
  if (problems.length) throw validationError(problems);
}

const describe = (wanted: number, unit: string, figures: ResourceFigures) =>
  `${wanted} ${unit} requested but only ${figures.available} available (${figures.used} of ${figures.total} in use)`;
