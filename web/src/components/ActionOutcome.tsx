// An action's progress and outcome: the request is sent, refused (the API's error and code), or
// accepted with the Operation it queued, which is then followed live through `operationChanged`
// (QUEUED → RUNNING with its phase → SUCCEEDED, or FAILED / CANCELLED with its error). graphcache
// keeps one record per Operation, so the subscription's changes reach every place that shows it.
import { useEffect, useState } from 'react';
import { useQuery, useSubscription } from 'urql';
import type { ApiError } from '../errors';
import { OperationChangedSubscription, OperationQuery } from '../operations';

export type ActionState =
  | { phase: 'sending'; label: string }
  | { phase: 'refused'; label: string; error: ApiError }
  | { phase: 'accepted'; label: string; operationId: string | null };

export interface OperationView {
  status: string;
  phase?: string | null;
  error?: string | null;
}

/** An Operation in words, e.g. "running (restoring the snapshot)", "succeeded", "failed: …". */
export function operationText(op: OperationView): string {
  const status = op.status.toLowerCase();
  if (op.status === 'RUNNING') return op.phase ? `running (${op.phase})` : 'running';
  if (op.status === 'FAILED' || op.status === 'CANCELLED') return `${status}${op.error ? `: ${op.error}` : ''}`;
  return status;
}

const FINISHED = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);

function FollowedOperation({ label, operationId }: { label: string; operationId: string }) {
  // Subscribed first, then read: a change between the two is in the read's answer or in the feed.
  // Once the operation has finished the feed is closed (the API allows 20 subscriptions per
  // connection, and a page may show many outcomes).
  const [finished, setFinished] = useState(false);
  const [{ data: live }] = useSubscription({ query: OperationChangedSubscription, variables: { operationId }, pause: finished });
  const [{ data }] = useQuery({ query: OperationQuery, variables: { id: operationId } });
  const op = live?.operationChanged.operation ?? data?.operation;
  const done = op ? FINISHED.has(op.status) : false;
  useEffect(() => {
    if (done) setFinished(true);
  }, [done]);
  if (!op) return <Line text={`${label}: accepted.`} />;
  const failed = op.status === 'FAILED' || op.status === 'CANCELLED';
  return (
    <Line failed={failed} status={op.status} text={`${label}: ${FINISHED.has(op.status) ? '' : 'in progress, '}${operationText(op)}.`} />
  );
}

function Line({ text, failed = false, status }: { text: string; failed?: boolean; status?: string }) {
  return (
    <p role={failed ? 'alert' : 'status'} className={failed ? 'outcome error' : 'outcome'} data-testid="action-outcome" data-operation-status={status}>
      {text}
    </p>
  );
}

export function ActionOutcome({ action }: { action: ActionState | null }) {
  if (action?.phase === 'accepted' && action.operationId) return <FollowedOperation key={action.operationId} label={action.label} operationId={action.operationId} />;
  if (action?.phase === 'sending') return <Line text={`${action.label}: sending…`} />;
  if (action?.phase === 'refused') return <Line failed text={`${action.label} refused: ${action.error.message} (${action.error.code})`} />;
  if (action?.phase === 'accepted') return <Line text={`${action.label}: accepted.`} />;
  return <Line text="" />;
}
