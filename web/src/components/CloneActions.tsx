// A clone's actions, each shown only to the roles that may use it (domain/roles.ts, the table the
// API's scopes use) and only when the clone's state allows it (domain/cloneRequests.ts, the rules
// the clone workflow applies): RDP credentials, start/end failover, snapshot, power, delete.
// Each action shows its progress and outcome (pending-api/ActionOutcome).
import { useId, useState } from 'react';
import { useMutation } from 'urql';
import { requestRejection, deleteRejection, type CloneRequestRuleInput, type CloneRequestState } from '../../../domain/cloneRequests';
import type { CloneStatusName } from '../../../domain/cloneStatus';
import { apiError } from '../errors';
import { useMe } from '../me';
import {
  CreateSnapshotMutation, DeleteCloneMutation, EndFailoverMutation, RebootCloneMutation, ResumeCloneMutation,
  StartCloneMutation, StartFailoverMutation, StopCloneMutation, SuspendCloneMutation,
} from '../operations';
import { ActionOutcome, type ActionState, type OutcomeClone } from '../pending-api/ActionOutcome';
import { FailoverReadiness } from '../pending-api/FailoverReadiness';
import { Dialog } from './Dialog';
import { RdpCredentials } from './RdpCredentials';

export interface ActionClone extends OutcomeClone {
  id: string;
  name: string;
  standbyLagSeconds: number | null;
  lastRestoredAt: string | null;
}

/** The clone's state as the request rules see it (what is queued in the workflow is not known here). */
function ruleState(clone: ActionClone): CloneRequestState {
  const status = clone.status as CloneStatusName;
  const phase = status === 'PROVISIONING' ? 'provisioning' : status === 'FAILED' ? 'failed' : status === 'DELETING' ? 'deleting' : status === 'DELETED' ? 'deleted' : 'serving';
  return { phase, status, failover: clone.failover, deleteRequested: false, queued: [] };
}

type DialogKind = 'rdp' | 'startFailover' | 'endFailover' | 'snapshot' | 'stop' | 'suspend' | 'reboot' | 'delete';

export function CloneActions({ clone, compact = false }: { clone: ActionClone; compact?: boolean }) {
  const { can } = useMe();
  const [open, setOpen] = useState(!compact);
  const [dialog, setDialog] = useState<DialogKind | null>(null);
  const [action, setAction] = useState<ActionState | null>(null);
  const [discard, setDiscard] = useState(false);
  const menuId = useId();

  const [, startFailover] = useMutation(StartFailoverMutation);
  const [, endFailover] = useMutation(EndFailoverMutation);
  const [, createSnapshot] = useMutation(CreateSnapshotMutation);
  const [, startClone] = useMutation(StartCloneMutation);
  const [, stopClone] = useMutation(StopCloneMutation);
  const [, suspendClone] = useMutation(SuspendCloneMutation);
  const [, resumeClone] = useMutation(ResumeCloneMutation);
  const [, rebootClone] = useMutation(RebootCloneMutation);
  const [, deleteClone] = useMutation(DeleteCloneMutation);

  if (!can.operator && !can.admin) return null; // DEVELOPER: read-only, no credentials

  const state = ruleState(clone);
  const allowed = (request: CloneRequestRuleInput) => requestRejection(request, state) === null;
  const inFailoverAtStart = clone.failover;

  type Send = (variables: { cloneId: string; discard?: boolean }) => Promise<{ error?: Parameters<typeof apiError>[0] }>;
  const asSend = (mutate: unknown) => mutate as Send;
  async function run(label: string, send: Send, variables: { cloneId: string; discard?: boolean }, settled: (c: OutcomeClone) => boolean) {
    setDialog(null);
    setAction({ phase: 'sending', label });
    const result = await send(variables);
    const error = apiError(result.error);
    setAction(error ? { phase: 'refused', label, error } : { phase: 'accepted', label, settled });
  }
  const id = { cloneId: clone.id };

  const buttons: Array<{ key: string; label: string; show: boolean; onClick(): void; danger?: boolean }> = [
    { key: 'rdp', label: 'RDP credentials', show: can.operator && state.phase === 'serving', onClick: () => setDialog('rdp') },
    { key: 'startFailover', label: 'Start failover', show: can.operator && allowed({ kind: 'startFailover' }), onClick: () => setDialog('startFailover') },
    { key: 'endFailover', label: 'End failover', show: can.operator && allowed({ kind: 'endFailover' }), onClick: () => { setDiscard(false); setDialog('endFailover'); } },
    { key: 'snapshot', label: 'Create snapshot', show: can.operator && allowed({ kind: 'createSnapshot' }), onClick: () => setDialog('snapshot') },
    { key: 'start', label: 'Start', show: can.operator && allowed({ kind: 'power', action: 'start' }), onClick: () => void run('Start', asSend(startClone), id, (c) => c.status === 'RUNNING') },
    { key: 'resume', label: 'Resume', show: can.operator && allowed({ kind: 'power', action: 'resume' }), onClick: () => void run('Resume', asSend(resumeClone), id, (c) => c.status === 'RUNNING') },
    { key: 'stop', label: 'Stop', show: can.operator && allowed({ kind: 'power', action: 'stop' }), onClick: () => setDialog('stop') },
    { key: 'suspend', label: 'Suspend', show: can.operator && allowed({ kind: 'power', action: 'suspend' }), onClick: () => setDialog('suspend') },
    { key: 'reboot', label: 'Reboot', show: can.operator && allowed({ kind: 'power', action: 'reboot' }), onClick: () => setDialog('reboot') },
    { key: 'delete', label: 'Delete', danger: true, show: can.admin && deleteRejection(state) === null && !clone.failover, onClick: () => setDialog('delete') },
  ];
  const visible = buttons.filter((b) => b.show);

  const close = () => setDialog(null);
  const confirmRow = (label: string, onConfirm: () => void, danger = false) => (
    <div className="dialog-actions">
      <button type="button" onClick={close}>Cancel</button>
      <button type="button" className={danger ? 'danger' : 'primary'} onClick={onConfirm}>{label}</button>
    </div>
  );

  return (
    <div className="actions" data-testid={`actions-${clone.name}`}>
      {compact && (
        <button type="button" className="menu-button" aria-expanded={open} aria-controls={menuId} onClick={() => setOpen(!open)} aria-label={`Actions for ${clone.name}`}>
          Actions <span aria-hidden="true">▾</span>
        </button>
      )}
      <div id={menuId} hidden={!open} role="group" aria-label={`Actions for ${clone.name}`} className="action-buttons">
        {visible.length === 0 && <span className="muted">None now ({clone.status.toLowerCase()})</span>}
        {visible.map((b) => (
          <button key={b.key} type="button" className={b.danger ? 'danger' : undefined} onClick={b.onClick} disabled={action?.phase === 'sending'}>
            {b.label}
          </button>
        ))}
      </div>
      <ActionOutcome action={action} clone={clone} />

      {dialog === 'rdp' && (
        <Dialog title={`RDP credentials of ${clone.name}`} onClose={close} testId="rdp-dialog">
          <RdpCredentials cloneId={clone.id} />
          <div className="dialog-actions"><button type="button" onClick={close}>Close</button></div>
        </Dialog>
      )}
      {dialog === 'startFailover' && (
        <Dialog title={`Start failover to ${clone.name}?`} onClose={close}>
          <FailoverReadiness clone={clone} />
          <p>Operations switch from the primary machine to this clone. Are you sure?</p>
          {confirmRow('Yes, start failover', () => void run('Start failover', asSend(startFailover), id, (c) => c.failover))}
        </Dialog>
      )}
      {dialog === 'endFailover' && (
        <Dialog title={`End failover of ${clone.name}?`} onClose={close}>
          <p>Operations return to the primary machine.</p>
          <fieldset>
            <legend>The failover system’s state</legend>
            <label className="check"><input type="radio" name="discard" checked={!discard} onChange={() => setDiscard(false)} /> Carry it back to the primary (snapshot, then restore onto the primary)</label>
            <label className="check"><input type="radio" name="discard" checked={discard} onChange={() => setDiscard(true)} /> Discard it (kept only as a snapshot record; the primary is untouched)</label>
          </fieldset>
          {confirmRow('End failover', () => void run(discard ? 'End failover (discard state)' : 'End failover (carry state back)', asSend(endFailover), { ...id, discard }, (c) => !c.failover))}
        </Dialog>
      )}
      {dialog === 'snapshot' && (
        <Dialog title={`Create a snapshot of ${clone.name}?`} onClose={close}>
          {inFailoverAtStart ? (
            <p><strong>This clone is in failover: the snapshot triggers failback.</strong> It is restored onto the primary machine and operations return to the primary.</p>
          ) : (
            <p>Captures the clone’s VM now.</p>
          )}
          {confirmRow(inFailoverAtStart ? 'Snapshot and fail back' : 'Create snapshot', () =>
            void run(inFailoverAtStart ? 'Snapshot and failback' : 'Snapshot', asSend(createSnapshot), id, (c) => !inFailoverAtStart || !c.failover),
          )}
        </Dialog>
      )}
      {(dialog === 'stop' || dialog === 'suspend' || dialog === 'reboot') && (
        <Dialog title={`${{ stop: 'Stop', suspend: 'Suspend', reboot: 'Reboot' }[dialog]} ${clone.name}?`} onClose={close}>
          <p>{{ stop: 'The guest is shut down (powered off if VMware Tools do not answer).', suspend: 'The VM is suspended.', reboot: 'The guest restarts (reset if VMware Tools do not answer).' }[dialog]}</p>
          {confirmRow(
            { stop: 'Stop', suspend: 'Suspend', reboot: 'Reboot' }[dialog],
            () => {
              const [label, send, target] = ({
                stop: ['Stop', stopClone, 'STOPPED'],
                suspend: ['Suspend', suspendClone, 'PAUSED'],
                reboot: ['Reboot', rebootClone, 'RUNNING'],
              } as const)[dialog];
              void run(label, asSend(send), id, (c) => c.status === target);
            },
          )}
        </Dialog>
      )}
      {dialog === 'delete' && (
        <Dialog title={`Delete ${clone.name}?`} onClose={close}>
          <p><strong>This is irreversible.</strong> The clone’s VM is powered off and destroyed; the record and its history are kept.</p>
          {confirmRow('Delete permanently', () => void run('Delete', asSend(deleteClone), id, (c) => c.status === 'DELETED'), true)}
        </Dialog>
      )}
    </div>
  );
}
