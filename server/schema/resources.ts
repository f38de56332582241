// The CPU and RAM of the vSphere system: total, used (other VMs plus Enclave's clones) and
// available. Read from the newest capacity sample, so it needs no vSphere connection.
import { resourceSummary, type ResourceFigures as Figures, type ResourceSummary as Summary } from '../../infra/capacity.js';
import { builder } from '../builder.js';

const ResourceFigures = builder.objectRef<Figures>('ResourceFigures').implement({
  fields: (t) => ({
    total: t.exposeInt('total'),
    used: t.exposeInt('used', { description: 'Other VMs plus every clone that is not DELETED or FAILED.' }),
    available: t.exposeInt('available', { description: 'What a new clone may take: total − used, never below 0.' }),
  }),
});

const CloneReservation = builder.objectRef<Summary['clones']>('CloneReservation').implement({
  description: "What Enclave's clones reserve, at full size whatever their power state.",
  fields: (t) => ({ cpuCores: t.exposeInt('cpuCores'), ramGb: t.exposeInt('ramGb') }),
});

const ResourceSummary = builder.objectRef<Summary>('ResourceSummary').implement({
  description: 'CPU cores and RAM of the vSphere system. See README "Choices made" for how `used` is counted.',
  fields: (t) => ({
    cpuCores: t.field({ type: ResourceFigures, resolve: (s) => s.cpuCores }),
    ramGb: t.field({ type: ResourceFigures, resolve: (s) => s.ramGb }),
    clones: t.field({ type: CloneReservation, resolve: (s) => s.clones }),
    sampledAt: t.expose('sampledAt', { type: 'DateTime', description: 'When vSphere was last read.' }),
  }),
});

builder.queryField('resources', (t) =>
  t.field({
    type: ResourceSummary,
    nullable: true,
    description: 'Null until the inventory sync has read vSphere once.',
    authScopes: { authenticated: true },
    resolve: (_root, _args, { prisma }) => resourceSummary(prisma),
  }),
);
