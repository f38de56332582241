// "Restore this snapshot" on a clone's page: for the roles that operate clones, on a snapshot the
// API says it can restore (`Snapshot.restorable`), while the clone is RUNNING and not in failover
// (restoreClone's rule). A confirmation first (the clone's current state is replaced); the
// outcome follows the RESTORE operation it queued.
import { useState } from 'react';
import { useMutation } from 'urql';
import { apiError } from '../errors';
import { useMe } from '../me';
import { RestoreCloneMutation } from '../operations';
import { ActionOutcome, type ActionState } from './ActionOutcome';
import { Dialog } from './Dialog';

export function RestoreSnapshot({ clone, snapshot }: { clone: { id: string; name: string; status: string; failover: boolean }; snapshot: { id: string; name: string; restorable: boolean } }) {
  const { can } = useMe();
  const [confirming, setConfirming] = useState(false);
  const [action, setAction] = useState<ActionState | null>(null);
  const [, restore] = useMutation(RestoreCloneMutation);
  if (!can.operator || !snapshot.restorable) return null;
  const allowed = clone.status === 'RUNNING' && !clone.failover;
  const label = `Restore ${snapshot.name}`;
  async function confirm() {
    setConfirming(false);
    setAction({ phase: 'sending', label });
    const result = await restore({ cloneId: clone.id, snapshotId: snapshot.id });
    const error = apiError(result.error);
    setAction(error ? { phase: 'refused', label, error } : { phase: 'accepted', label, operationId: result.data?.restoreClone.currentOperation?.id ?? null });
  }
  return (
    <>
      {allowed && (
        <button type="button" onClick={() => setConfirming(true)} disabled={action?.phase === 'sending'} aria-label={`Restore this snapshot: ${snapshot.name}`}>
          Restore this snapshot
        </button>
      )}
      {action && <ActionOutcome action={action} />}
      {confirming && (
        <Dialog title={`Restore ${snapshot.name} onto ${clone.name}?`} onClose={() => setConfirming(false)}>
          <p>The clone is rebuilt from this snapshot: <strong>its current state is replaced</strong>. Are you sure?</p>
          <div className="dialog-actions">
            <button type="button" onClick={() => setConfirming(false)}>Cancel</button>
            <button type="button" className="danger" onClick={() => void confirm()}>Yes, restore</button>
          </div>
        </Dialog>
      )}
    </>
  );
}
