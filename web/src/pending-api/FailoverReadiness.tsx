// The readiness answer shown before a failover. Until the API has `Clone.failoverReadiness`
// (see README.md here), it shows what the clone itself tells: status, standby lag, last restore.
export interface ReadinessClone {
  status: string;
  failover: boolean;
  standbyLagSeconds: number | null;
  lastRestoredAt: string | null;
}

export function formatLag(seconds: number | null): string {
  if (seconds === null) return 'no restore yet';
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 3600)} h`;
}

export function FailoverReadiness({ clone }: { clone: ReadinessClone }) {
  const running = clone.status === 'RUNNING';
  return (
    <section aria-label="Readiness" className="readiness" data-testid="failover-readiness">
      <p>
        <strong>{running ? 'The clone is running.' : `The clone is ${clone.status}; failover needs a running clone.`}</strong>
      </p>
      <dl>
        <dt>Standby lag</dt>
        <dd>{formatLag(clone.standbyLagSeconds)}</dd>
        <dt>State received</dt>
        <dd>{clone.lastRestoredAt ? new Date(clone.lastRestoredAt).toLocaleString() : 'never: the clone holds its image, not the primary’s state'}</dd>
      </dl>
    </section>
  );
}
