// The info control next to the table: total and available CPU cores and RAM of the vSphere system
// (`resources`, as the inventory sync last read it).
import { useId, useState } from 'react';
import { useQuery } from 'urql';
import { ResourcesQuery } from '../operations';

export function CapacityInfo() {
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const [{ data, error }] = useQuery({ query: ResourcesQuery });
  const resources = data?.resources;
  return (
    <div className="capacity">
      <button type="button" aria-expanded={open} aria-controls={panelId} onClick={() => setOpen(!open)}>
        <span aria-hidden="true" className="info-icon">i</span> CPU and RAM
      </button>
      <div id={panelId} hidden={!open} className="capacity-panel" role="region" aria-label="CPU and RAM of the vSphere system">
        {error && <p role="alert">Could not read the capacity: {error.message}</p>}
        {!error && !resources && <p>Not known yet: the inventory sync has not read vSphere.</p>}
        {resources && (
          <>
            <table>
              <caption className="visually-hidden">Capacity</caption>
              <thead>
                <tr><th scope="col"></th><th scope="col">Total</th><th scope="col">Used</th><th scope="col">Available</th></tr>
              </thead>
              <tbody>
                <tr><th scope="row">CPU cores</th><td>{resources.cpuCores.total}</td><td>{resources.cpuCores.used}</td><td data-testid="cpu-available">{resources.cpuCores.available}</td></tr>
                <tr><th scope="row">RAM (GB)</th><td>{resources.ramGb.total}</td><td>{resources.ramGb.used}</td><td data-testid="ram-available">{resources.ramGb.available}</td></tr>
              </tbody>
            </table>
            <p className="muted">Clones reserve {resources.clones.cpuCores} cores and {resources.clones.ramGb} GB. Read from vSphere at {new Date(resources.sampledAt).toLocaleString()}.</p>
          </>
        )}
      </div>
    </div>
  );
}
