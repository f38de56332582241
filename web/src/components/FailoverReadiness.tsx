// The API's readiness answer shown before a failover (`Clone.failoverReadiness`, read fresh when
// the confirmation opens): ready, or each reason why not; the standby lag against the RPO target
// and the last restore. The confirmation (CloneActions) offers `force` only when every reason is
// one force may override.
import { useQuery } from 'urql';
import { FailoverReadinessQuery } from '../operations';

export function formatLag(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return 'no restore yet';
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 3600)} h`;
}

export interface ReadinessAnswer {
  ready: boolean;
  overridable: boolean;
}

export function useFailoverReadiness(cloneId: string) {
  const [{ data, fetching, error }] = useQuery({ query: FailoverReadinessQuery, variables: { id: cloneId }, requestPolicy: 'network-only' });
  return { readiness: data?.clone?.failoverReadiness ?? null, fetching, error };
}

export function FailoverReadiness({ readiness, fetching, error }: ReturnType<typeof useFailoverReadiness>) {
  if (error) return <p role="alert" className="error" data-testid="failover-readiness">Could not read the clone’s readiness: {error.message}</p>;
  if (!readiness) return <p role="status" data-testid="failover-readiness">{fetching ? 'Checking readiness…' : ''}</p>;
  const restore = readiness.lastRestore;
  return (
    <section aria-label="Readiness" className="readiness" data-testid="failover-readiness" data-ready={readiness.ready}>
      {readiness.ready ? (
        <p><strong>Ready to fail over.</strong></p>
      ) : (
        <>
          <p><strong>Not ready to fail over:</strong></p>
          <ul data-testid="readiness-reasons">{readiness.reasons.map((r) => <li key={r}>{r}</li>)}</ul>
        </>
      )}
      <dl>
        <dt>Status</dt>
        <dd>{readiness.status}</dd>
        <dt>Standby lag</dt>
        <dd>{formatLag(readiness.standbyLagSeconds)} (RPO target {formatLag(readiness.rpoTargetSeconds)})</dd>
        <dt>Last restore</dt>
        <dd>{restore ? `${restore.status}${restore.finishedAt ? `, ${new Date(restore.finishedAt).toLocaleString()}` : ''}${restore.error ? `: ${restore.error}` : ''}` : 'none yet'}</dd>
      </dl>
    </section>
  );
}
