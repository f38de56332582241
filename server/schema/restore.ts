// Restores: a snapshot applied to a machine (auto-restore, manual, or failback onto the primary).
import { RestoreStatus as PrismaRestoreStatus, RestoreTrigger as PrismaRestoreTrigger } from '../../prisma/client.js';
import { builder } from '../builder.js';

export const RestoreTrigger = builder.enumType(PrismaRestoreTrigger, { name: 'RestoreTrigger' });
export const RestoreStatus = builder.enumType(PrismaRestoreStatus, { name: 'RestoreStatus' });

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
