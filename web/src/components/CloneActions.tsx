// A clone's actions, each shown only to the roles that may use it (domain/roles.ts, the table the
// API's scopes use) and only when the clone's state allows it (domain/cloneRequests.ts, the rules
// the clone workflow applies): RDP credentials, start/end failover, snapshot, power, delete.
// Each action shows its progress and outcome through the Operation it queued (ActionOutcome).
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
import { ActionOutcome, type ActionState } from './ActionOutcome';
import { FailoverReadiness, useFailoverReadiness } from './FailoverReadiness';
import { Dialog } from './Dialog';
import { RdpCredentials } from './RdpCredentials';

export interface ActionClone {
  id: string;
  name: string;
  status: string;
  failover: boolean;
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

  type Variables = { cloneId: string; discard?: boolean; force?: boolean; fencePrimary?: boolean };
  type Send = (variables: Variables) => Promise<{ error?: Parameters<typeof apiError>[0]; data?: Record<string, unknown> | null }>;
  const asSend = (mutate: unknown) => mutate as Send;
  async function run(label: string, send: Send, variables: Variables) {
    setDialog(null);
    setAction({ phase: 'sending', label });
    const result = await send(variables);
    const error = apiError(result.error);
    if (error) return setAction({ phase: 'refused', label, error });
    setAction({ phase: 'accepted', label, operationId: queuedOperationId(result.data) });
  }
  const id = { cloneId: clone.id };

  const buttons: Array<{ key: string; label: string; show: boolean; onClick(): void; danger?: boolean }> = [
    { key: 'rdp', label: 'RDP credentials', show: can.operator && state.phase === 'serving', onClick: () => setDialog('rdp') },
    { key: 'startFailover', label: 'Start failover', show: can.operator && allowed({ kind: 'startFailover' }), onClick: () => setDialog('startFailover') },
    { key: 'endFailover', label: 'End failover', show: can.operator && allowed({ kind: 'endFailover' }), onClick: () => { setDiscard(false); setDialog('endFailover'); } },
    { key: 'snapshot', label: 'Create snapshot', show: can.operator && allowed({ kind: 'createSnapshot' }), onClick: () => setDialog('snapshot') },
    { key: 'start', label: 'Start', show: can.operator && allowed({ kind: 'power', action: 'start' }), onClick: () => void run('Start', asSend(startClone), id) },
    { key: 'resume', label: 'Resume', show: can.operator && allowed({ kind: 'power', action: 'resume' }), onClick: () => void run('Resume', asSend(resumeClone), id) },
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
      <ActionOutcome action={action} />

      {dialog === 'rdp' && (
        <Dialog title={`RDP credentials of ${clone.name}`} onClose={close} testId="rdp-dialog">
          <RdpCredentials cloneId={clone.id} />
          <div className="dialog-actions"><button type="button" onClick={close}>Close</button></div>
        </Dialog>
      )}
      {dialog === 'startFailover' && (
        <StartFailoverDialog clone={clone} onClose={close} onConfirm={(options) => void run(options.force ? 'Start failover (forced)' : 'Start failover', asSend(startFailover), { ...id, ...options })} />
      )}
      {dialog === 'endFailover' && (
        <Dialog title={`End failover of ${clone.name}?`} onClose={close}>
          <p>Operations return to the primary machine.</p>
          <fieldset>
            <legend>The failover system’s state</legend>
            <label className="check"><input type="radio" name="discard" checked={!discard} onChange={() => setDiscard(false)} /> Carry it back to the primary (snapshot, then restore onto the primary)</label>
            <label className="check"><input type="radio" name="discard" checked={discard} onChange={() => setDiscard(true)} /> Discard it (kept only as a snapshot record; the primary is untouched)</label>
          </fieldset>
          {confirmRow('End failover', () => void run(discard ? 'End failover (discard state)' : 'End failover (carry state back)', asSend(endFailover), { ...id, discard }))}
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
            void run(inFailoverAtStart ? 'Snapshot and failback' : 'Snapshot', asSend(createSnapshot), id),
          )}
        </Dialog>
      )}
      {(dialog === 'stop' || dialog === 'suspend' || dialog === 'reboot') && (
        <Dialog title={`${{ stop: 'Stop', suspend: 'Suspend', reboot: 'Reboot' }[dialog]} ${clone.name}?`} onClose={close}>
          <p>{{ stop: 'The guest is shut down (powered off if VMware Tools do not answer).', suspend: 'The VM is suspended.', reboot: 'The guest restarts (reset if VMware Tools do not answer).' }[dialog]}</p>
          {confirmRow(
            { stop: 'Stop', suspend: 'Suspend', reboot: 'Reboot' }[dialog],
            () => {
              const [label, send] = ({
                stop: ['Stop', stopClone],
                suspend: ['Suspend', suspendClone],
                reboot: ['Reboot', rebootClone],
              } as const)[dialog];
              void run(label, asSend(send), id);
            },
          )}
        </Dialog>
      )}
      {dialog === 'delete' && (
        <Dialog title={`Delete ${clone.name}?`} onClose={close}>
          <p><strong>This is irreversible.</strong> The clone’s VM is powered off and destroyed; the record and its history are kept.</p>
          {confirmRow('Delete permanently', () => void run('Delete', asSend(deleteClone), id), true)}
        </Dialog>
      )}
    </div>
  );
}

/** The Operation a mutation's answer carries: `currentOperation` on a clone, `operation` on a snapshot. */
function queuedOperationId(data: Record<string, unknown> | null | undefined): string | null {
  const answer = data ? (Object.values(data)[0] as { currentOperation?: { id: string } | null; operation?: { id: string } | null } | null) : null;
  return answer?.currentOperation?.id ?? answer?.operation?.id ?? null;
}

/**
 * The failover confirmation: the API's readiness answer; when not ready but every reason may be
 * overridden, an explicit "force" checkbox (unchecked; the API records a forced failover); "fence
 * the primary", checked by default; then "Are you sure?". Only operators and admins see it (the
 * roles that may fail over), so force is never offered to a DEVELOPER.
 */
function StartFailoverDialog({ clone, onClose, onConfirm }: { clone: ActionClone; onClose(): void; onConfirm(options: { force: boolean; fencePrimary: boolean }): void }) {
  const answer = useFailoverReadiness(clone.id);
  const [force, setForce] = useState(false);
  const [fence, setFence] = useState(true);
  const readiness = answer.readiness;
  const mayForce = readiness !== null && !readiness.ready && readiness.overridable;
  const canConfirm = readiness !== null && (readiness.ready || (mayForce && force));
  return (
    <Dialog title={`Start failover to ${clone.name}?`} onClose={onClose}>
      <FailoverReadiness {...answer} />
      {mayForce && (
        <label className="check"><input type="checkbox" checked={force} onChange={(e) => setForce(e.target.checked)} /> Force the failover although the clone is not ready (recorded)</label>
      )}
      {readiness && !readiness.ready && !readiness.overridable && <p className="error">These reasons cannot be overridden: failover is not possible now.</p>}
      <label className="check"><input type="checkbox" checked={fence} onChange={(e) => setFence(e.target.checked)} /> Fence the primary: power it off (when reachable) before the switch</label>
      <p>Operations switch from the primary machine to this clone. Are you sure?</p>
      <div className="dialog-actions">
        <button type="button" onClick={onClose}>Cancel</button>
        <button type="button" className="primary" disabled={!canConfirm} onClick={() => onConfirm({ force: mayForce && force, fencePrimary: fence })}>Yes, start failover</button>
      </div>
    </Dialog>
  );
}
