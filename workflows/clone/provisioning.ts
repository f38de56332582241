// The clone's provisioning saga: clone the VM from the image, power it on, wait for the guest,
// restore the configuration's latest snapshot. Each step that makes something registers its undo;
// on failure (or a delete meanwhile) the undos run newest first, each catching its own failure, so
// a failed undo neither skips the others nor keeps the clone from ending FAILED with the reason.
import { CancellationScope, isCancellation, log, patched } from '@temporalio/workflow';
import { failureReason } from '../policies.js';
import type { CloneEntity } from './entity.js';
import { bookkeeping, guestWaits, vsphereTasks } from './proxies.js';

/** Names part of running histories: never rename. */
const CUSTOMIZATION_WAIT_PATCH = 'wait-for-guest-customization';

/** Undo steps, run newest first; each one's failure is collected, not thrown. */
class Compensations {
  private readonly steps: Array<{ what: string; undo: () => Promise<unknown> }> = [];

  add(what: string, undo: () => Promise<unknown>): void {
    this.steps.push({ what, undo });
  }

  /** Runs every undo; returns what failed, as "<what>: <reason>". */
  async run(cloneId: string): Promise<string[]> {
    const failed: string[] = [];
    for (const { what, undo } of this.steps.reverse()) {
      try {
        await undo();
      } catch (error) {
        const reason = failureReason(error);
        log.error('provisioning undo failed', { cloneId, undo: what, reason });
        failed.push(`${what}: ${reason}`);
      }
    }
    return failed;
  }
}

/**
 * Returns true when the clone is RUNNING, false when it ended FAILED (its undos run). Rethrows
 * the cancellation of a delete during provisioning, after running the undos.
 */
export async function provision(clone: CloneEntity): Promise<boolean> {
  const { cloneId } = clone;
  const compensations = new Compensations();
  try {
    await bookkeeping.updateClone(cloneId, { phase: 'cloning the image', percent: 5 });
    compensations.add('destroy the clone VM', () => vsphereTasks.destroyCloneVm(cloneId));
    await vsphereTasks.cloneVmFromImage(cloneId);

    await bookkeeping.updateClone(cloneId, { phase: 'powering on', percent: 50 });
    await vsphereTasks.powerOnCloneVm(cloneId);

    await clone.setStatus('STARTING', { phase: 'waiting for the guest', percent: 60 });
    await guestWaits.waitForCloneGuest(cloneId);
    // The guest reports an IP before its customization (Sysprep) has set the password: the
    // credentials are offered only once it finished. (Histories from before this wait replay without it.)
    if (patched(CUSTOMIZATION_WAIT_PATCH)) {
      await bookkeeping.updateClone(cloneId, { phase: 'waiting for the guest customization', percent: 70 });
      await guestWaits.waitForCustomization(cloneId);
    }

    const latest = await bookkeeping.latestSnapshot((await clone.cloneFacts()).configurationId);
    if (latest) {
      await bookkeeping.updateClone(cloneId, { phase: 'restoring the latest snapshot', percent: 80 });
      await clone.restoreOnto(latest, 'clone', 'AUTO');
    }
    // Serving from here: requests accepted while RUNNING is written run right after.
    clone.state.phase = 'serving';
    await clone.setStatus('RUNNING', { phase: 'ready', percent: 100 });
    return true;
  } catch (error) {
    const reason = isCancellation(error) ? 'deleted while provisioning' : failureReason(error);
    log.warn('provisioning stopped; compensating', { cloneId, reason });
    // Compensation must run even when the scope was cancelled by a delete.
    await CancellationScope.nonCancellable(async () => {
      const undoFailures = await compensations.run(cloneId);
      if (isCancellation(error)) return; // the delete that follows removes what is left
      const cleanup = undoFailures.length > 0 ? `; cleanup failed (${undoFailures.join('; ')})` : '';
      await clone.setStatus('FAILED', { reason: `${reason}${cleanup}`, phase: 'failed', percent: 100 });
    });
    if (isCancellation(error)) throw error;
    return false;
  }
}
