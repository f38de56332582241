// Configurations: what of a primary is snapshotted, how often, and how long it is kept.
import { builder } from '../builder.js';

builder.prismaNode('Configuration', {
  id: { field: 'id' },
  authScopes: { authenticated: true },
  fields: (t) => ({
    name: t.exposeString('name'),
    primaryMachine: t.relation('primaryMachine'),
    application: t.relation('application'),
    scheduleIntervalSeconds: t.exposeInt('scheduleIntervalSeconds', { nullable: true }),
    scheduleCron: t.exposeString('scheduleCron', { nullable: true }),
    retention: t.exposeInt('retention'),
    autoRestore: t.exposeBoolean('autoRestore'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.queryField('configurations', (t) =>
  t.prismaConnection({
    type: 'Configuration',
    cursor: 'id',
    authScopes: { authenticated: true },
    totalCount: (_connection, _args, { prisma }) => prisma.configuration.count(),
    resolve: (query, _root, _args, { prisma }) =>
      prisma.configuration.findMany({ ...query, orderBy: [{ name: 'asc' }, { id: 'asc' }] }),
  }),
);
