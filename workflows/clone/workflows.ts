// The per-clone workflow `clone-<id>`, an entity workflow: provisions the clone (provisioning.ts),
// then serves its requests one at a time until it is deleted (entity.ts), continuing as new when
// its history grows large. Requests arrive as updates (messages.ts), whose validators apply the
// request rules (domain/cloneRequests.ts), so the API learns at once whether one was accepted.
// Deterministic: every effect goes through an activity. Recorded histories in test/replay/ must
// keep replaying: a change to the commands this issues needs patched().
import { allHandlersFinished, CancellationScope, condition, continueAsNew, isCancellation, workflowInfo } from '@temporalio/workflow';
import { CloneEntity } from './entity.js';
import type { CloneWorkflowInput } from './messages.js';
import { provision } from './provisioning.js';

/** Continue as new past this many history events (Temporal may suggest it sooner). */
const DEFAULT_HISTORY_EVENT_LIMIT = 10_000;

export async function cloneWorkflow({ cloneId, resume, historyEventLimit }: CloneWorkflowInput): Promise<void> {
  const clone = new CloneEntity(cloneId, resume);
  clone.registerHandlers();

  if (!resume) {
    clone.provisioning = new CancellationScope();
    const provisioned = await clone.provisioning.run(() => provision(clone)).catch((error: unknown) => {
      if (isCancellation(error)) return false; // deleted while provisioning; the saga already cleaned up
      throw error;
    });
    clone.provisioning = undefined;
    clone.state.phase = provisioned ? 'serving' : 'failed';
  }

  // Serve requests one at a time; background restores run when no operator request waits.
  for (;;) {
    await condition(() => clone.hasWork());
    if (clone.deleting) break;
    await clone.serveNext();
    // Keep the history small: hand the state to a fresh run when it grows large and nothing waits.
    const info = workflowInfo();
    const large = info.continueAsNewSuggested || info.historyLength > (historyEventLimit ?? DEFAULT_HISTORY_EVENT_LIMIT);
    if (large && clone.quiet) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof cloneWorkflow>({
        cloneId,
        ...(historyEventLimit ? { historyEventLimit } : {}),
        resume: clone.resumeState(),
      });
    }
  }

  await clone.tearDown();
  await condition(allHandlersFinished);
}
