// Restores: a snapshot applied to a machine (auto-restore, manual, or failback onto the primary).
import { builder } from '../builder.js';

export const RestoreTrigger = builder.enumType('RestoreTrigger', { values: ['AUTO', 'MANUAL', 'FAILBACK'] as const });
export const RestoreStatus = builder.enumType('RestoreStatus', {
  values: ['IN_PROGRESS', 'DONE', 'FAILED', 'CANCELLED'] as const,
});

builder.prismaNode('Restore', {
  id: { field: 'id' },
  authScopes: { authenticated: true },
  fields: (t) => ({
    snapshot: t.relation('snapshot'),
    targetMachine: t.relation('targetMachine'),
    clone: t.relation('clone', { nullable: true, description: 'The clone restored onto, unless the target is a primary.' }),
    trigger: t.expose('trigger', { type: RestoreTrigger }),
    status: t.expose('status', { type: RestoreStatus }),
    startedAt: t.expose('startedAt', { type: 'DateTime' }),
    finishedAt: t.expose('finishedAt', { type: 'DateTime', nullable: true }),
    error: t.exposeString('error', { nullable: true }),
  }),
});
