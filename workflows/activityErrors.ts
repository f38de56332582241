// How vSphere faults become Temporal failures: permanent faults (a missing object, a duplicate
// name, no capacity) are non-retryable so a workflow fails fast with the reason; everything
// else propagates and is retried by the activity's retry policy.
import { ApplicationFailure, Context } from '@temporalio/activity';
import { VSphereError } from './vsphere/index.js';

export function asActivityFailure(error: unknown): never {
  if (error instanceof VSphereError && !error.retryable) {
    throw ApplicationFailure.create({ message: error.message, type: error.faultType, nonRetryable: true, cause: error });
  }
  throw error;
}

/** A vSphere progress callback that heartbeats the running activity. */
export function heartbeatProgress(percent?: number, description?: string): void {
  Context.current().heartbeat({ percent, description });
}
