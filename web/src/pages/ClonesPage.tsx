// The Clones page: the table (every column filterable and sortable, cursor pages), the capacity
// info control, the create form (admins), row actions by role, and live status.
import { useMemo, useState } from 'react';
import { useQuery } from 'urql';
import { CapacityInfo } from '../components/CapacityInfo';
import { CloneFilters, type FilterState, toCloneFilter, EMPTY_FILTER } from '../components/CloneFilters';
import { CloneTable, type SortState } from '../components/CloneTable';
import { CreateCloneForm } from '../components/CreateCloneForm';
import { LiveEvents, LiveStatus, MAX_PROGRESS_FEEDS } from '../components/LiveUpdates';
import { useMe } from '../me';
import { ChoicesQuery, ClonesQuery, PrimaryChoicesQuery, UserChoicesQuery } from '../operations';

type Cursor = { after: string } | { before: string } | null;

export function ClonesPage() {
  const { can } = useMe();
  const [filter, setFilter] = useState<FilterState>(EMPTY_FILTER);
  const [sort, setSort] = useState<SortState>({ field: 'CREATED_AT', direction: 'DESC' });
  const [pageSize, setPageSize] = useState(20);
  const [cursor, setCursor] = useState<Cursor>(null);
  const [creating, setCreating] = useState(false);
  const [announcement, setAnnouncement] = useState('');

  const variables = useMemo(() => {
    const page = cursor && 'before' in cursor ? { last: pageSize, before: cursor.before } : { first: pageSize, after: cursor?.after ?? null };
    return { ...page, filter: toCloneFilter(filter), orderBy: { field: sort.field, direction: sort.direction } };
  }, [cursor, pageSize, filter, sort]);
  const [{ data, fetching, error }] = useQuery({ query: ClonesQuery, variables });
  const [{ data: choices }] = useQuery({ query: ChoicesQuery });
  const [{ data: primaries }] = useQuery({ query: PrimaryChoicesQuery });
  const [{ data: users }] = useQuery({ query: UserChoicesQuery });
  const connection = data?.clones;
  const rows = connection?.edges.map((edge) => edge.node) ?? [];
  const building = rows.filter((c) => c.status === 'PROVISIONING' || c.status === 'STARTING').slice(0, MAX_PROGRESS_FEEDS);

  const applyFilter = (next: FilterState) => {
    setFilter(next);
    setCursor(null);
  };
  const applySort = (next: SortState) => {
    setSort(next);
    setCursor(null);
  };

  return (
    <section aria-labelledby="clones-title">
      <LiveStatus />
      {building.map((clone) => <LiveEvents key={clone.id} cloneId={clone.id} />)}
      <div className="page-head">
        <h1 id="clones-title">Clones</h1>
        <CapacityInfo />
        {can.admin && (
          <button type="button" className="primary" aria-expanded={creating} aria-controls="create-clone" onClick={() => setCreating(!creating)}>
            {creating ? 'Close the form' : 'Create clone'}
          </button>
        )}
      </div>
      {creating && can.admin && (
        <CreateCloneForm
          choices={choices}
          onCreated={(name) => {
            setCreating(false);
            setCursor(null);
            setAnnouncement(`Clone ${name} created; it is provisioning.`);
          }}
          onCancel={() => setCreating(false)}
        />
      )}
      <p role="status" className="visually-hidden">{announcement}</p>
      <CloneFilters value={filter} choices={{ ...choices, ...primaries, ...users }} onApply={applyFilter} />
      {error && <p role="alert" className="error">Could not load the clones: {error.message}</p>}
      <CloneTable rows={rows} sort={sort} onSort={applySort} busy={fetching} />
      <nav className="pager" aria-label="Pages of clones">
        <span role="status" data-testid="clone-count">
          {connection ? `${connection.totalCount} clone${connection.totalCount === 1 ? '' : 's'}` : ''}
        </span>
        <label>
          Rows per page{' '}
          <select value={pageSize} onChange={(e) => { setPageSize(Number(e.target.value)); setCursor(null); }}>
            {[10, 20, 50, 100].map((n) => <option key={n} value={n}>{n}</option>)}
          </select>
        </label>
        <button type="button" disabled={!connection?.pageInfo.hasPreviousPage && !(cursor && 'after' in cursor)} onClick={() => setCursor(connection?.pageInfo.startCursor ? { before: connection.pageInfo.startCursor } : null)}>
          Previous page
        </button>
        <button type="button" disabled={!connection?.pageInfo.hasNextPage && !(cursor && 'before' in cursor)} onClick={() => connection?.pageInfo.endCursor && setCursor({ after: connection.pageInfo.endCursor })}>
          Next page
        </button>
      </nav>
    </section>
  );
}
