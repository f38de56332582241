// The table's filters, one per column: name contains, primary machine, configuration, VM image,
// status set and failover, CPU and RAM ranges, created by, created-at range. Applied on submit
// (Enter in any field), so typing does not send a query per key.
import { useState, type FormEvent } from 'react';
import type { CloneChoicesQuery, CloneFilter, CloneStatus, PrimaryChoicesQuery, UserChoicesQuery } from '../gql/graphql';
import { statusLabel } from './StatusBadge';

export const FILTER_STATUSES: CloneStatus[] = ['PROVISIONING', 'STARTING', 'RUNNING', 'STOPPED', 'PAUSED', 'CRASHED', 'FAILED', 'DELETING'];

export interface FilterState {
  name: string;
  primaryMachineId: string;
  configurationId: string;
  imageId: string;
  statuses: CloneStatus[];
  failover: '' | 'yes' | 'no';
  cpuMin: string;
  cpuMax: string;
  ramGbMin: string;
  ramGbMax: string;
  createdById: string;
  createdAfter: string;
  createdBefore: string;
}

export const EMPTY_FILTER: FilterState = {
  name: '', primaryMachineId: '', configurationId: '', imageId: '', statuses: [], failover: '',
  cpuMin: '', cpuMax: '', ramGbMin: '', ramGbMax: '', createdById: '', createdAfter: '', createdBefore: '',
};

const int = (value: string) => (value.trim() === '' ? null : Number(value));
/** A datetime-local value (the browser's time zone) as an ISO instant. */
const instant = (value: string) => (value ? new Date(value).toISOString() : null);

/** The API's IntRange, or no filter when both ends are open. */
function range(min: number | null, max: number | null): { min: number | null; max: number | null } | null {
  return min == null && max == null ? null : { min, max };
}

export function toCloneFilter(f: FilterState): CloneFilter {
  return {
    name: f.name.trim() || null,
    primaryMachineId: f.primaryMachineId || null,
    configurationId: f.configurationId || null,
    imageId: f.imageId || null,
    status: f.statuses.length ? f.statuses : null,
    failover: f.failover === '' ? null : f.failover === 'yes',
    cpu: range(int(f.cpuMin), int(f.cpuMax)),
    ramGb: range(int(f.ramGbMin), int(f.ramGbMax)),
    createdById: f.createdById || null,
    createdAfter: instant(f.createdAfter),
    createdBefore: instant(f.createdBefore),
  };
}

export function CloneFilters({ value, choices, onApply }: { value: FilterState; choices: (Partial<CloneChoicesQuery> & Partial<PrimaryChoicesQuery> & Partial<UserChoicesQuery>) | undefined; onApply(next: FilterState): void }) {
  const [draft, setDraft] = useState(value);
  const set = <K extends keyof FilterState>(key: K, v: FilterState[K]) => setDraft({ ...draft, [key]: v });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    onApply(draft);
  };
  const toggleStatus = (status: CloneStatus) =>
    set('statuses', draft.statuses.includes(status) ? draft.statuses.filter((s) => s !== status) : [...draft.statuses, status]);

  return (
    <form className="filters" onSubmit={onSubmit} aria-label="Filter clones">
      <div className="filter-grid">
        <label>Name contains<input type="search" value={draft.name} onChange={(e) => set('name', e.target.value)} /></label>
        <label>
          Primary machine
          <select value={draft.primaryMachineId} onChange={(e) => set('primaryMachineId', e.target.value)}>
            <option value="">Any</option>
            {choices?.machines?.edges.map(({ node }) => <option key={node.id} value={node.id}>{node.name}</option>)}
          </select>
        </label>
        <label>
          Configuration
          <select value={draft.configurationId} onChange={(e) => set('configurationId', e.target.value)}>
            <option value="">Any</option>
            {choices?.configurations?.edges.map(({ node }) => <option key={node.id} value={node.id}>{node.name}</option>)}
          </select>
        </label>
        <label>
          VM image
          <select value={draft.imageId} onChange={(e) => set('imageId', e.target.value)}>
            <option value="">Any</option>
            {choices?.vmImages?.map((image) => <option key={image.id} value={image.id}>{image.name}</option>)}
          </select>
        </label>
        <label>
          Failover
          <select value={draft.failover} onChange={(e) => set('failover', e.target.value as FilterState['failover'])}>
            <option value="">Any</option>
            <option value="yes">In failover</option>
            <option value="no">Not in failover</option>
          </select>
        </label>
        <label>
          Created by
          <select value={draft.createdById} onChange={(e) => set('createdById', e.target.value)}>
            <option value="">Anyone</option>
            {choices?.users?.edges.map(({ node }) => <option key={node.id} value={node.id}>{node.name} ({node.username})</option>)}
          </select>
        </label>
        <fieldset className="range">
          <legend>CPU cores</legend>
          <label>from<input type="number" min={1} inputMode="numeric" value={draft.cpuMin} onChange={(e) => set('cpuMin', e.target.value)} /></label>
          <label>to<input type="number" min={1} inputMode="numeric" value={draft.cpuMax} onChange={(e) => set('cpuMax', e.target.value)} /></label>
        </fieldset>
        <fieldset className="range">
          <legend>RAM (GB)</legend>
          <label>from<input type="number" min={1} inputMode="numeric" value={draft.ramGbMin} onChange={(e) => set('ramGbMin', e.target.value)} /></label>
          <label>to<input type="number" min={1} inputMode="numeric" value={draft.ramGbMax} onChange={(e) => set('ramGbMax', e.target.value)} /></label>
        </fieldset>
        <fieldset className="range">
          <legend>Created</legend>
          <label>from<input type="datetime-local" value={draft.createdAfter} onChange={(e) => set('createdAfter', e.target.value)} /></label>
          <label>before<input type="datetime-local" value={draft.createdBefore} onChange={(e) => set('createdBefore', e.target.value)} /></label>
        </fieldset>
      </div>
      <fieldset className="statuses">
        <legend>Status</legend>
        {FILTER_STATUSES.map((status) => (
          <label key={status} className="check">
            <input type="checkbox" checked={draft.statuses.includes(status)} onChange={() => toggleStatus(status)} />
            {statusLabel(status)}
          </label>
        ))}
      </fieldset>
      <div className="filter-actions">
        <button type="submit">Apply filters</button>
        <button type="button" onClick={() => { setDraft(EMPTY_FILTER); onApply(EMPTY_FILTER); }}>Clear filters</button>
      </div>
    </form>
  );
}
