// A clone's page: its details, actions, operations, snapshots, restores and events, kept live by
// the clone's status and event subscriptions.
import { useQuery } from 'urql';
import { CloneActions } from '../components/CloneActions';
import { LiveEvents, LiveStatus } from '../components/LiveUpdates';
import { KindBadge, StatusBadge } from '../components/StatusBadge';
import { CloneDetailsQuery, CloneHistoryQuery, CloneRestoresQuery, CloneSnapshotsQuery } from '../operations';
import { CloneOperations } from '../components/CloneOperations';
import { formatLag } from '../components/FailoverReadiness';
import { RestoreSnapshot } from '../components/RestoreSnapshot';
import { Link } from '../router';

const when = (iso: string | null | undefined) => (iso ? <time dateTime={iso}>{new Date(iso).toLocaleString()}</time> : '—');
const bytes = (n: number | null) => (n === null ? '—' : n >= 1e9 ? `${(n / 1e9).toFixed(1)} GB` : `${(n / 1e6).toFixed(0)} MB`);

export function ClonePage({ id }: { id: string }) {
  const [{ data, fetching, error }] = useQuery({ query: CloneDetailsQuery, variables: { id } });
  const [{ data: snapshotData, error: snapshotError }] = useQuery({ query: CloneSnapshotsQuery, variables: { id } });
  const [{ data: restoreData, error: restoreError }] = useQuery({ query: CloneRestoresQuery, variables: { id } });
  const [{ data: historyData, error: historyError }] = useQuery({ query: CloneHistoryQuery, variables: { id } });
  const partError = snapshotError ?? restoreError ?? historyError;
  const clone = data?.clone;
  const snapshots = snapshotData?.clone?.snapshots;
  const restores = restoreData?.clone?.restores;
  const events = historyData?.clone?.events;
  if (error) return <p role="alert" className="error">Could not load the clone: {error.message}</p>;
  if (!clone) return <p role="status">{fetching ? 'Loading…' : 'No such clone.'}</p>;
  const live = clone.status !== 'DELETED';
  return (
    <article aria-labelledby="clone-title">
      {live && <LiveStatus cloneId={clone.id} />}
      {live && <LiveEvents cloneId={clone.id} />}
      <p><Link href="/">← All clones</Link></p>
      <h1 id="clone-title"><KindBadge kind="C" /> {clone.name}</h1>
      <div data-testid="status"><StatusBadge clone={clone} /></div>
      <CloneActions clone={clone} />
      {partError && <p role="alert" className="error">Part of this page could not be loaded: {partError.message}</p>}

      <section aria-labelledby="details-title">
        <h2 id="details-title">Details</h2>
        <dl className="details">
          <dt>Description</dt><dd>{clone.description || '—'}</dd>
          <dt>Primary machine</dt><dd><KindBadge kind="P" /> {clone.primaryMachine.name}</dd>
          <dt>Configuration</dt><dd>{clone.configuration.name}</dd>
          <dt>VM image</dt><dd>{clone.image.name}</dd>
          <dt>Network</dt><dd>{clone.network.name}</dd>
          <dt>CPU / RAM</dt><dd>{clone.cpu} cores / {clone.ramGb} GB</dd>
          <dt>Clone VM</dt>
          <dd>{clone.machine ? `${clone.machine.name}, ${clone.machine.powerState.toLowerCase().replace('_', ' ')}, IP ${clone.machine.guestIp ?? 'not reported yet'}` : 'not created yet'}</dd>
          <dt>Standby lag</dt><dd>{formatLag(clone.standbyLagSeconds)}</dd>
          <dt>State received</dt><dd>{when(clone.lastRestoredAt)}</dd>
          <dt>Created</dt><dd>{when(clone.createdAt)} by {clone.createdBy.name}</dd>
          {clone.deletedAt && (<><dt>Deleted</dt><dd>{when(clone.deletedAt)}</dd></>)}
        </dl>
      </section>

      <CloneOperations cloneId={clone.id} live={live} />

      <section aria-labelledby="snapshots-title">
        <h2 id="snapshots-title">Snapshots ({snapshots?.totalCount ?? '…'})</h2>
        <table data-testid="snapshots">
          <thead><tr><th scope="col">Name</th><th scope="col">Trigger</th><th scope="col">Status</th><th scope="col">Source</th><th scope="col">Started</th><th scope="col">Finished</th><th scope="col">Size</th><th scope="col">Error</th><th scope="col">Restore</th></tr></thead>
          <tbody>
            {snapshots?.edges.length === 0 && <tr><td colSpan={9}>No snapshots of this clone.</td></tr>}
            {snapshots?.edges.map(({ node: s }) => (
              <tr key={s.id}>
                <td>{s.name}{s.prunedAt ? ' (pruned)' : ''}</td><td>{s.trigger}</td><td>{s.status}</td><td>{s.sourceMachine.name}</td>
                <td>{when(s.startedAt)}</td><td>{when(s.finishedAt)}</td><td>{bytes(s.sizeBytes)}</td><td>{s.error ?? ''}</td>
                <td><RestoreSnapshot clone={clone} snapshot={s} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section aria-labelledby="restores-title">
        <h2 id="restores-title">Restores ({restores?.totalCount ?? '…'})</h2>
        <table data-testid="restores">
          <thead><tr><th scope="col">Snapshot</th><th scope="col">Target</th><th scope="col">Trigger</th><th scope="col">Status</th><th scope="col">Started</th><th scope="col">Finished</th><th scope="col">Error</th></tr></thead>
          <tbody>
            {restores?.edges.length === 0 && <tr><td colSpan={7}>No restores yet.</td></tr>}
            {restores?.edges.map(({ node: r }) => (
              <tr key={r.id}>
                <td>{r.snapshot.name}</td><td>{r.targetMachine.name}</td><td>{r.trigger}</td><td>{r.status}</td>
                <td>{when(r.startedAt)}</td><td>{when(r.finishedAt)}</td><td>{r.error ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section aria-labelledby="events-title">
        <h2 id="events-title">Events ({events?.totalCount ?? '…'})</h2>
        <ol className="events" data-testid="events">
          {events?.edges.map(({ node: e }) => (
            <li key={e.id}>
              {when(e.createdAt)} <code>{e.type}</code> by {e.actor ? e.actor.username : 'Enclave'}
              {e.data !== null && typeof e.data === 'object' && Object.keys(e.data).length > 0 ? <span className="muted"> {JSON.stringify(e.data)}</span> : null}
            </li>
          ))}
        </ol>
      </section>
    </article>
  );
}
