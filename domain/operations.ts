// Operations: every request to a clone as a record (type, who, when, status, error). Pure: the
// operation type of each request, and which statuses are final.
import type { CloneRequestRuleInput, PowerAction } from './cloneRequests.js';

export type OperationTypeName =
  | 'START_FAILOVER'
  | 'END_FAILOVER'
  | 'CREATE_SNAPSHOT'
  | 'RESTORE'
  | 'POWER_ON'
  | 'POWER_OFF'
  | 'SUSPEND'
  | 'RESUME'
  | 'REBOOT'
  | 'DELETE';

export type OperationStatusName = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';

/** Statuses an operation never leaves. */
export const FINAL_OPERATION_STATUSES: readonly OperationStatusName[] = ['SUCCEEDED', 'FAILED', 'CANCELLED'];

const POWER_OPERATION: Readonly<Record<PowerAction, OperationTypeName>> = {
  start: 'POWER_ON',
  stop: 'POWER_OFF',
  suspend: 'SUSPEND',
  resume: 'RESUME',
  reboot: 'REBOOT',
};

/** The operation type of a request the clone's workflow serves (restore: see `RESTORE`). */
export function operationType(request: CloneRequestRuleInput | { kind: 'delete' } | { kind: 'restore' }): OperationTypeName {
  switch (request.kind) {
    case 'startFailover':
      return 'START_FAILOVER';
    case 'endFailover':
      return 'END_FAILOVER';
    case 'createSnapshot':
      return 'CREATE_SNAPSHOT';
    case 'restore':
      return 'RESTORE';
    case 'delete':
      return 'DELETE';
    case 'power':
      return POWER_OPERATION[request.action];
  }
}
