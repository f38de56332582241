// A clone's operations. Until the API has `Clone.operations` (see README.md here), the requests
// are read from the clone's events: who asked for what, and when.
export interface OperationEvent {
  id: string;
  type: string;
  createdAt: string;
  actor: { username: string } | null;
}

/** The API audits every accepted request as `clone.<request>_requested` (e.g. `clone.startFailover_requested`). */
const REQUESTS = /_requested$/;

export function CloneOperations({ events }: { events: OperationEvent[] }) {
  const requests = events.filter((e) => e.actor && REQUESTS.test(e.type));
  return (
    <section aria-labelledby="operations-title">
      <h2 id="operations-title">Operations</h2>
      {requests.length === 0 ? (
        <p className="muted">No requests yet.</p>
      ) : (
        <ul>
          {requests.map((e) => (
            <li key={e.id}>
              <time dateTime={e.createdAt}>{new Date(e.createdAt).toLocaleString()}</time> {e.type.replace(/^clone\./, '').replace(/_requested$/, '')} requested by {e.actor!.username}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
