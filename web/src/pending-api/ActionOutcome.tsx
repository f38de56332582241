// An action's progress and outcome. Until the API returns an Operation per request (see
// README.md here), an accepted request is followed through the clone's status and statusReason,
// which the status subscription keeps current.
import type { ApiError } from '../errors';
import { statusLabel } from '../components/StatusBadge';

export type ActionState =
  | { phase: 'sending'; label: string }
  | { phase: 'refused'; label: string; error: ApiError }
  | { phase: 'accepted'; label: string; settled: (clone: OutcomeClone) => boolean };

export interface OutcomeClone {
  status: string;
  failover: boolean;
  statusReason: string | null;
}

export function ActionOutcome({ action, clone }: { action: ActionState | null; clone: OutcomeClone }) {
  let text = '';
  let failed = false;
  if (action?.phase === 'sending') text = `${action.label}: sending…`;
  if (action?.phase === 'refused') {
    text = `${action.label} refused: ${action.error.message} (${action.error.code})`;
    failed = true;
  }
  if (action?.phase === 'accepted') {
    const now = `${statusLabel(clone.status)}${clone.failover ? ', in failover' : ''}`;
    if (clone.status === 'FAILED' || clone.status === 'CRASHED') {
      text = `${action.label} failed: the clone is ${now}${clone.statusReason ? ` (${clone.statusReason})` : ''}`;
      failed = true;
    } else if (action.settled(clone)) text = `${action.label}: done. The clone is ${now}.`;
    else text = `${action.label}: in progress. The clone is ${now}.`;
  }
  return (
    <p role={failed ? 'alert' : 'status'} className={failed ? 'outcome error' : 'outcome'} data-testid="action-outcome">
      {text}
    </p>
  );
}
