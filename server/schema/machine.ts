// Machines: primaries (P badge) and clone VMs (C badge), as known from vSphere.
import { MachineKind as PrismaMachineKind, PowerState as PrismaPowerState, type Prisma } from '../../prisma/client.js';
import { containsText } from '../../domain/input.js';
import { builder } from '../builder.js';
import { direction, OrderDirection, type Direction } from './common.js';

export const MachineKind = builder.enumType(PrismaMachineKind, { name: 'MachineKind' });
export const PowerState = builder.enumType(PrismaPowerState, { name: 'PowerState' });

export const MachineNode = builder.prismaNode('Machine', {
  id: { field: 'id' },
  // Select mode: a query reads only the columns its selection needs (fields that read more declare `select`).
  select: { id: true },
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
    clone: t.relation('clone', { nullable: true, description: 'The clone this VM belongs to (CLONE machines).' }),
    configurations: t.relation('configurations', {
      description: 'The configurations of this primary (PRIMARY machines).',
      query: { orderBy: { name: 'asc' } },
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    removedAt: t.expose('removedAt', { type: 'DateTime', nullable: true }),
    retiredAt: t.expose('retiredAt', { type: 'DateTime', nullable: true, description: 'Set by retirePrimaryMachine: no longer offered for new configurations.' }),
  }),
});

const MachineFilter = builder.inputType('MachineFilter', {
  fields: (t) => ({
    name: t.string({ description: 'Name contains this text, case-insensitive; `%` and `_` match only themselves.' }),
    kind: t.field({ type: MachineKind }),
    powerState: t.field({ type: [PowerState], description: 'Any of these power states.' }),
    online: t.boolean(),
    includeRemoved: t.boolean({ description: 'Also list machines gone from vSphere or retired (default false).' }),
  }),
});

function machineWhere(filter: typeof MachineFilter.$inferInput | null | undefined): Prisma.MachineWhereInput {
  return {
    ...(filter?.includeRemoved ? {} : { removedAt: null, retiredAt: null }),
    ...(filter?.name ? { name: containsText(filter.name) } : {}),
    ...(filter?.kind ? { kind: filter.kind } : {}),
    ...(filter?.powerState?.length ? { powerState: { in: filter.powerState } } : {}),
    ...(typeof filter?.online === 'boolean' ? { online: filter.online } : {}),
  };
}

const MachineOrderField = builder.enumType('MachineOrderField', {
  values: ['NAME', 'KIND', 'POWER_STATE', 'ONLINE', 'GUEST_IP', 'CPU', 'RAM', 'LAST_ONLINE_AT', 'CREATED_AT'] as const,
});

const MachineOrder = builder.inputType('MachineOrder', {
  fields: (t) => ({
    field: t.field({ type: MachineOrderField, required: true }),
    direction: t.field({ type: OrderDirection, defaultValue: 'ASC' }),
  }),
});

const machineOrderBy: Record<typeof MachineOrderField.$inferType, (d: Direction) => Prisma.MachineOrderByWithRelationInput> = {
  NAME: (d) => ({ name: d }),
  KIND: (d) => ({ kind: d }),
  POWER_STATE: (d) => ({ powerState: d }),
  ONLINE: (d) => ({ online: d }),
  GUEST_IP: (d) => ({ guestIp: { sort: d, nulls: 'last' } }),
  CPU: (d) => ({ cpu: d }),
  RAM: (d) => ({ ramGb: d }),
  LAST_ONLINE_AT: (d) => ({ lastOnlineAt: { sort: d, nulls: 'last' } }),
  CREATED_AT: (d) => ({ createdAt: d }),
};

builder.queryField('machines', (t) =>
  t.prismaConnection({
    type: 'Machine',
    cursor: 'id',
    authScopes: { authenticated: true },
    description: 'Machines by name unless ordered otherwise; machines removed from vSphere only with filter.includeRemoved.',
    args: { filter: t.arg({ type: MachineFilter }), orderBy: t.arg({ type: MachineOrder }) },
    totalCount: (_connection, args, { prisma }) => prisma.machine.count({ where: machineWhere(args.filter) }),
    resolve: (query, _root, args, { prisma }) => {
      const d = direction(args.orderBy?.direction, 'asc');
      return prisma.machine.findMany({
        ...query,
        where: machineWhere(args.filter),
        orderBy: [machineOrderBy[args.orderBy?.field ?? 'NAME'](d), { id: d }],
      });
    },
  }),
);
