// A clone's operations (`Clone.operations`, newest 20): type, status and phase, who asked, when it
// was requested, started and finished, and why it failed. Kept live: each change of one of the
// clone's operations arrives through `operationChanged(cloneId)` into its graphcache record, and a
// new one makes the list be read again (client.ts).
import { useQuery, useSubscription } from 'urql';
import { CloneOperationsQuery, OperationChangedSubscription } from '../operations';
import { operationText } from './ActionOutcome';

const when = (iso: string | null | undefined) => (iso ? <time dateTime={iso}>{new Date(iso).toLocaleString()}</time> : '—');

export function CloneOperations({ cloneId, live }: { cloneId: string; live: boolean }) {
  useSubscription({ query: OperationChangedSubscription, variables: { cloneId }, pause: !live });
  const [{ data, error }] = useQuery({ query: CloneOperationsQuery, variables: { id: cloneId } });
  const operations = data?.clone?.operations;
  return (
    <section aria-labelledby="operations-title">
      <h2 id="operations-title">Operations ({operations?.totalCount ?? '…'})</h2>
      {error && <p role="alert" className="error">Could not load the operations: {error.message}</p>}
      <table data-testid="operations">
        <thead>
          <tr><th scope="col">Type</th><th scope="col">Status (phase or error)</th><th scope="col">Requested by</th><th scope="col">Requested</th><th scope="col">Started</th><th scope="col">Finished</th></tr>
        </thead>
        <tbody>
          {operations?.edges.length === 0 && <tr><td colSpan={6}>No operations yet.</td></tr>}
          {operations?.edges.map(({ node: op }) => (
            <tr key={op.id} data-operation-status={op.status}>
              <td>{op.type}{op.forced ? ' (forced)' : ''}</td>
              <td>{operationText(op)}</td>
              <td>{op.requestedBy?.username ?? 'Enclave'}</td>
              <td>{when(op.requestedAt)}</td><td>{when(op.startedAt)}</td><td>{when(op.finishedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
