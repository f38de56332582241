/** VM snapshots: create (idempotent by name), list, revert, remove. */
import { NotFoundError } from './errors.js';
import { flattenSnapshots } from './inventory.js';
import type { OperationContext } from './operations.js';
import { underlyingFault } from './operations.js';
import { retrieveOne } from './properties.js';
import { formatRef, type MoRef } from './refs.js';
import { toRef } from './xml.js';
import { runTask, type TaskWaitOptions } from './tasks.js';
import type { SnapshotInfo } from './types.js';

export interface CreateSnapshotOptions {
  name: string;
  description?: string;
  /** Include the VM's memory, so a revert resumes a running VM. */
  memory?: boolean;
  /** Quiesce the guest file systems through VMware Tools (needs running tools; ignored with memory). */
  quiesce?: boolean;
}

export async function listSnapshots(ctx: OperationContext, vm: MoRef): Promise<SnapshotInfo[]> {
  const object = await retrieveOne(ctx.session, vm, ['snapshot']);
  return flattenSnapshots(object.props.get('snapshot'));
}

/**
 * Creates a snapshot unless the VM already has one with this name, in which case that one
 * (the newest, if several) is returned: a retried activity does not stack duplicate snapshots.
 */
export async function createSnapshot(
  ctx: OperationContext,
  vm: MoRef,
  options: CreateSnapshotOptions,
  wait: TaskWaitOptions = {},
): Promise<SnapshotInfo> {
  if (!options.name.trim()) throw new TypeError('snapshot name must not be empty');
  const existing = (await listSnapshots(ctx, vm)).filter((snapshot) => snapshot.name === options.name);
  const newest = existing.sort((a, b) => a.createTime.localeCompare(b.createTime)).at(-1);
  if (newest) return newest;

  const outcome = await runTask(
    ctx.session,
    'CreateSnapshot_Task',
    vm,
    {
      name: options.name,
      description: options.description ?? '',
      memory: options.memory ?? false,
      quiesce: options.quiesce ?? false,
    },
    { ...wait, progressIntervalMs: ctx.progressIntervalMs },
  );
  const created = (await listSnapshots(ctx, vm)).find((snapshot) => snapshot.ref === outcome.resultRef);
  if (!created) throw new NotFoundError(`snapshot ${outcome.resultRef} of ${formatRef(vm)} vanished right after creation`, { faultType: 'NotFound' });
  return created;
}

/**
 * The VM that holds the snapshot `ref` under `name`, or undefined when vSphere no longer has it.
 * The name is checked too: a moref can be handed out again (a restarted vcsim numbers its objects
 * afresh; a re-registered vCenter inventory too), and a reused one names another VM's snapshot.
 */
export async function findSnapshotHolder(ctx: OperationContext, snapshot: MoRef, name: string): Promise<string | undefined> {
  let vm: MoRef | undefined;
  try {
    vm = toRef((await retrieveOne(ctx.session, snapshot, ['vm'])).props.get('vm'));
  } catch (error) {
    if (underlyingFault(error) instanceof NotFoundError) return undefined;
    throw error;
  }
  if (!vm) return undefined;
  let held: SnapshotInfo[];
  try {
    held = await listSnapshots(ctx, vm);
  } catch (error) {
    if (underlyingFault(error) instanceof NotFoundError) return undefined;
    throw error;
  }
  return held.some((s) => s.ref === formatRef(snapshot) && s.name === name) ? formatRef(vm) : undefined;
}

/** Reverts the snapshot's VM to it; the VM takes the power state recorded in the snapshot. */
export async function revertToSnapshot(ctx: OperationContext, snapshot: MoRef, wait: TaskWaitOptions = {}): Promise<void> {
  await runTask(ctx.session, 'RevertToSnapshot_Task', snapshot, {}, { ...wait, progressIntervalMs: ctx.progressIntervalMs });
}

/** Removes a snapshot, consolidating disks. A snapshot that no longer exists counts as removed. */
export async function removeSnapshot(
  ctx: OperationContext,
  snapshot: MoRef,
  options: { removeChildren?: boolean } = {},
  wait: TaskWaitOptions = {},
): Promise<void> {
  try {
    await runTask(
      ctx.session,
      'RemoveSnapshot_Task',
      snapshot,
      { removeChildren: options.removeChildren ?? false, consolidate: true },
      { ...wait, progressIntervalMs: ctx.progressIntervalMs },
    );
  } catch (error) {
    if (underlyingFault(error) instanceof NotFoundError) return;
    throw error;
  }
}
