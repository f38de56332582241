// The clone table: name (C badge), primary machine (P badge), configuration, VM image, status
// (failover flag, provisioning phase and percent), CPU/RAM, created by, created at, actions.
// Every column header sorts (aria-sort says how).
import type { CloneOrderField, CloneRowFragment, OrderDirection } from '../gql/graphql';
import { clonePath, Link } from '../router';
import { CloneActions } from './CloneActions';
import { KindBadge, StatusBadge } from './StatusBadge';

export interface SortState {
  field: CloneOrderField;
  direction: OrderDirection;
}

function SortHeader({ label, field, sort, onSort }: { label: string; field: CloneOrderField; sort: SortState; onSort(next: SortState): void }) {
  const active = sort.field === field;
  const next: OrderDirection = active && sort.direction === 'ASC' ? 'DESC' : 'ASC';
  return (
    <button type="button" className="sort" onClick={() => onSort({ field, direction: next })} aria-label={`Sort by ${label}, ${next === 'ASC' ? 'ascending' : 'descending'}`}>
      {label}
      <span aria-hidden="true" className="sort-mark">{active ? (sort.direction === 'ASC' ? ' ▲' : ' ▼') : ' ↕'}</span>
    </button>
  );
}

const ariaSort = (sort: SortState, ...fields: CloneOrderField[]) =>
  fields.includes(sort.field) ? (sort.direction === 'ASC' ? 'ascending' : 'descending') : undefined;

export function CloneTable({ rows, sort, onSort, busy }: { rows: CloneRowFragment[]; sort: SortState; onSort(next: SortState): void; busy: boolean }) {
  const header = (label: string, field: CloneOrderField) => <SortHeader label={label} field={field} sort={sort} onSort={onSort} />;
  return (
    <div className="table-wrap">
      <table className="clones" aria-busy={busy} aria-describedby="clones-caption">
        <caption id="clones-caption" className="visually-hidden">Clones; column headers sort the table</caption>
        <thead>
          <tr>
            <th scope="col" aria-sort={ariaSort(sort, 'NAME')}>{header('Name', 'NAME')}</th>
            <th scope="col" aria-sort={ariaSort(sort, 'PRIMARY_MACHINE')}>{header('Primary machine', 'PRIMARY_MACHINE')}</th>
            <th scope="col" aria-sort={ariaSort(sort, 'CONFIGURATION')}>{header('Configuration', 'CONFIGURATION')}</th>
            <th scope="col" aria-sort={ariaSort(sort, 'IMAGE')}>{header('VM image', 'IMAGE')}</th>
            <th scope="col" aria-sort={ariaSort(sort, 'STATUS', 'FAILOVER')}>
              {header('Status', 'STATUS')} {header('Failover', 'FAILOVER')}
            </th>
            <th scope="col" aria-sort={ariaSort(sort, 'CPU', 'RAM')}>
              {header('CPU', 'CPU')} / {header('RAM', 'RAM')}
            </th>
            <th scope="col" aria-sort={ariaSort(sort, 'CREATED_BY')}>{header('Created by', 'CREATED_BY')}</th>
            <th scope="col" aria-sort={ariaSort(sort, 'CREATED_AT')}>{header('Created at', 'CREATED_AT')}</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 && !busy && (
            <tr><td colSpan={9} className="empty">No clones match.</td></tr>
          )}
          {rows.map((clone) => (
            <tr key={clone.id} data-clone-name={clone.name}>
              <th scope="row">
                <KindBadge kind="C" /> <Link href={clonePath(clone.id)}>{clone.name}</Link>
              </th>
              <td><KindBadge kind="P" /> {clone.primaryMachine.name}</td>
              <td>{clone.configuration.name}</td>
              <td>{clone.image.name}</td>
              <td data-testid="status"><StatusBadge clone={clone} /></td>
              <td>{clone.cpu} cores / {clone.ramGb} GB</td>
              <td>{clone.createdBy.name}</td>
              <td><time dateTime={clone.createdAt}>{new Date(clone.createdAt).toLocaleString()}</time></td>
              <td><CloneActions clone={clone} compact /></td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
