// Machines: primaries (P badge) and clone VMs (C badge), as known from vSphere.
import { builder } from '../builder.js';

export const MachineKind = builder.enumType('MachineKind', { values: ['PRIMARY', 'CLONE'] as const });
export const PowerState = builder.enumType('PowerState', {
  values: ['POWERED_ON', 'POWERED_OFF', 'SUSPENDED', 'UNKNOWN'] as const,
});

export const MachineNode = builder.prismaNode('Machine', {
  id: { field: 'id' },
  authScopes: { authenticated: true },
  fields: (t) => ({
    kind: t.expose('kind', { type: MachineKind }),
    name: t.exposeString('name'),
    vsphereRef: t.exposeString('vsphereRef', { nullable: true }),
    powerState: t.expose('powerState', { type: PowerState }),
    online: t.exposeBoolean('online'),
    guestIp: t.exposeString('guestIp', { nullable: true }),
    cpu: t.exposeInt('cpu'),
    ramGb: t.exposeInt('ramGb'),
    lastOnlineAt: t.expose('lastOnlineAt', { type: 'DateTime', nullable: true }),
    removedAt: t.expose('removedAt', { type: 'DateTime', nullable: true }),
  }),
});

builder.queryField('machines', (t) =>
  t.prismaConnection({
    type: 'Machine',
    cursor: 'id',
    authScopes: { authenticated: true },
    args: { kind: t.arg({ type: MachineKind }) },
    totalCount: (_connection, args, { prisma }) =>
      prisma.machine.count({ where: { removedAt: null, ...(args.kind ? { kind: args.kind } : {}) } }),
    resolve: (query, _root, args, { prisma }) =>
      prisma.machine.findMany({
        ...query,
        where: { removedAt: null, ...(args.kind ? { kind: args.kind } : {}) },
        orderBy: [{ name: 'asc' }, { id: 'asc' }],
      }),
  }),
);
