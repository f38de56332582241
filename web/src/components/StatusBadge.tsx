// A clone's status as words (never colour alone): the status, the failover flag, and while
// provisioning the phase and percent; a FAILED or CRASHED clone's reason.
export interface StatusFields {
  status: string;
  failover: boolean;
  progressPhase: string | null;
  progressPercent: number;
  statusReason: string | null;
}

const LABEL: Record<string, string> = {
  PROVISIONING: 'Provisioning',
  STARTING: 'Starting',
  RUNNING: 'Running',
  STOPPED: 'Stopped',
  PAUSED: 'Paused',
  CRASHED: 'Crashed',
  FAILED: 'Failed',
  DELETING: 'Deleting',
  DELETED: 'Deleted',
};

const SYMBOL: Record<string, string> = {
  PROVISIONING: '◔', STARTING: '◑', RUNNING: '●', STOPPED: '■', PAUSED: '❚❚', CRASHED: '✖', FAILED: '✖', DELETING: '⌫', DELETED: '–',
};

export const statusLabel = (status: string) => LABEL[status] ?? status;

export function StatusBadge({ clone }: { clone: StatusFields }) {
  const busy = clone.status === 'PROVISIONING' || clone.status === 'STARTING' || clone.status === 'DELETING';
  return (
    <div className="status-cell">
      <span className={`badge status status-${clone.status.toLowerCase()}`} data-status={clone.status}>
        <span aria-hidden="true">{SYMBOL[clone.status] ?? '•'} </span>
        {statusLabel(clone.status)}
      </span>
      {clone.failover && (
        <span className="badge failover" data-testid="failover-flag" title="Operations run on this clone instead of the primary">
          <span aria-hidden="true">⇄ </span>In failover
        </span>
      )}
      {busy && clone.status === 'PROVISIONING' && (
        <span className="progress">
          <progress max={100} value={clone.progressPercent} aria-label={`Provisioning progress${clone.progressPhase ? `: ${clone.progressPhase}` : ''}`} />
          <span>{clone.progressPhase ?? 'queued'} · {clone.progressPercent}%</span>
        </span>
      )}
      {(clone.status === 'FAILED' || clone.status === 'CRASHED') && clone.statusReason && (
        <span className="reason">Reason: {clone.statusReason}</span>
      )}
    </div>
  );
}

/** The C (clone) and P (primary) machine badges. */
export function KindBadge({ kind }: { kind: 'C' | 'P' }) {
  return (
    <abbr className={`badge kind kind-${kind}`} title={kind === 'C' ? 'Clone machine' : 'Primary machine'}>
      {kind}
    </abbr>
  );
}
