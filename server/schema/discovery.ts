// Onboarding a vCenter: the VMs and templates the inventory sync discovered, and the admin
// mutations that register them as primary machines and application images, or retire those.
import { type Prisma } from '../../prisma/client.js';
import { containsText } from '../../domain/input.js';
import { builder } from '../builder.js';
import { decodeId } from '../ids.js';
import { registerImage, registerPrimaryMachine, retireImage, retirePrimaryMachine } from '../services/inventory.js';
import { syncInventoryNow } from '../services/inventorySync.js';
import { GuestOsFamily } from './catalog.js';
import { direction, OrderDirection } from './common.js';
import { PowerState } from './machine.js';

builder.prismaNode('DiscoveredVm', {
  id: { field: 'id' },
  description: 'A VM or template the inventory sync found in vSphere, managed by Enclave or not.',
  authScopes: { authenticated: true },
  fields: (t) => ({
    vsphereRef: t.exposeString('vsphereRef'),
    name: t.exposeString('name'),
    isTemplate: t.exposeBoolean('isTemplate'),
    guestId: t.exposeString('guestId', { description: 'The vSphere guest id, e.g. `windows2019srv_64Guest` (empty when unknown).' }),
    guestFullName: t.exposeString('guestFullName'),
    guestOsFamily: t.expose('guestOsFamily', { type: GuestOsFamily, description: 'Derived from the guest id, as registerImage does by default.' }),
    cpu: t.exposeInt('cpu'),
    ramGb: t.exposeInt('ramGb'),
    powerState: t.expose('powerState', { type: PowerState }),
    firstSeenAt: t.expose('firstSeenAt', { type: 'DateTime' }),
    lastSeenAt: t.expose('lastSeenAt', { type: 'DateTime' }),
    goneAt: t.expose('goneAt', { type: 'DateTime', nullable: true, description: 'Set when the last sync no longer found it.' }),
    managed: t.boolean({ description: 'Registered as a primary machine or an image, or the VM of a clone.', resolve: (vm) => vm.machineId !== null || vm.imageId !== null }),
    machine: t.relation('machine', { nullable: true, description: 'The primary machine or clone VM it is.' }),
    image: t.relation('image', { nullable: true, description: 'The application image it is registered as.' }),
  }),
});

const DiscoveredVmFilter = builder.inputType('DiscoveredVmFilter', {
  fields: (t) => ({
    name: t.string({ description: 'Name contains this text, case-insensitive; `%` and `_` match only themselves.' }),
    isTemplate: t.boolean({ description: 'true: templates only; false: VMs only.' }),
    managed: t.boolean({ description: 'true: registered (or clone VMs) only; false: not yet registered only.' }),
    powerState: t.field({ type: [PowerState], description: 'Any of these power states.' }),
    guestOsFamily: t.field({ type: GuestOsFamily }),
    includeGone: t.boolean({ description: 'Also list VMs no longer in vSphere (default false).' }),
  }),
});

function discoveredWhere(filter: typeof DiscoveredVmFilter.$inferInput | null | undefined): Prisma.DiscoveredVmWhereInput {
  return {
    ...(filter?.includeGone ? {} : { goneAt: null }),
    ...(filter?.name ? { name: containsText(filter.name) } : {}),
    ...(typeof filter?.isTemplate === 'boolean' ? { isTemplate: filter.isTemplate } : {}),
    ...(filter?.managed === true ? { OR: [{ machineId: { not: null } }, { imageId: { not: null } }] } : {}),
    ...(filter?.managed === false ? { machineId: null, imageId: null } : {}),
    ...(filter?.powerState?.length ? { powerState: { in: filter.powerState } } : {}),
    ...(filter?.guestOsFamily ? { guestOsFamily: filter.guestOsFamily } : {}),
  };
}

const DiscoveredVmOrderField = builder.enumType('DiscoveredVmOrderField', {
  values: ['NAME', 'IS_TEMPLATE', 'GUEST_ID', 'CPU', 'RAM', 'POWER_STATE', 'FIRST_SEEN_AT', 'LAST_SEEN_AT'] as const,
});

const DiscoveredVmOrder = builder.inputType('DiscoveredVmOrder', {
  fields: (t) => ({
    field: t.field({ type: DiscoveredVmOrderField, required: true }),
    direction: t.field({ type: OrderDirection, defaultValue: 'ASC' }),
  }),
});

const ORDER: Record<typeof DiscoveredVmOrderField.$inferType, keyof Prisma.DiscoveredVmOrderByWithRelationInput> = {
  NAME: 'name',
  IS_TEMPLATE: 'isTemplate',
  GUEST_ID: 'guestId',
  CPU: 'cpu',
  RAM: 'ramGb',
  POWER_STATE: 'powerState',
  FIRST_SEEN_AT: 'firstSeenAt',
  LAST_SEEN_AT: 'lastSeenAt',
};

builder.queryField('discoveredVms', (t) =>
  t.prismaConnection({
    type: 'DiscoveredVm',
    cursor: 'id',
    authScopes: { authenticated: true },
    description: 'VMs and templates found in vSphere by the inventory sync, by name unless ordered otherwise.',
    args: { filter: t.arg({ type: DiscoveredVmFilter }), orderBy: t.arg({ type: DiscoveredVmOrder }) },
    totalCount: (_connection, args, { prisma }) => prisma.discoveredVm.count({ where: discoveredWhere(args.filter) }),
    resolve: (query, _root, args, { prisma }) => {
      const d = direction(args.orderBy?.direction, 'asc');
      return prisma.discoveredVm.findMany({
        ...query,
        where: discoveredWhere(args.filter),
        orderBy: [{ [ORDER[args.orderBy?.field ?? 'NAME']]: d }, { id: d }],
      });
    },
  }),
);

const RegisterImageInput = builder.inputType('RegisterImageInput', {
  fields: (t) => ({
    discoveredVmId: t.id({ required: true, description: 'A discovered template (isTemplate).' }),
    applicationId: t.id({ required: true }),
    name: t.string({ description: "Default: the template's name." }),
    guestOsFamily: t.field({ type: GuestOsFamily, description: "Default: derived from the template's guest id." }),
    defaultCpu: t.int({ description: "Default: the template's CPU count." }),
    defaultRamGb: t.int({ description: "Default: the template's RAM." }),
  }),
});

builder.mutationFields((t) => {
  const admin = t.withAuth({ admin: true });
  return {
    syncInventory: admin.boolean({
      description: 'Admin only. Runs the inventory sync now (rather than at its next scheduled run) and waits for it: discovery, machines, networks, templates, capacity.',
      resolve: async (_root, _args, ctx) => {
        await syncInventoryNow(ctx);
        return true;
      },
    }),
    registerPrimaryMachine: admin.prismaField({
      type: 'Machine',
      description: 'Admin only. Makes a discovered VM (not a template) a PRIMARY machine, which configurations can then use.',
      args: { discoveredVmId: t.arg.id({ required: true }) },
      resolve: async (query, _root, args, ctx) => {
        const { id } = await registerPrimaryMachine(ctx, ctx.user, { discoveredVmId: decodeId(String(args.discoveredVmId), 'DiscoveredVm', 'discoveredVmId') });
        return ctx.prisma.machine.findUniqueOrThrow({ ...query, where: { id } });
      },
    }),
    registerImage: admin.prismaField({
      type: 'VmImage',
      description: "Admin only. Makes a discovered template an image of the application, with its guest OS family and default CPU/RAM.",
      args: { input: t.arg({ type: RegisterImageInput, required: true }) },
      resolve: async (query, _root, { input }, ctx) => {
        const { id } = await registerImage(ctx, ctx.user, {
          ...input,
          discoveredVmId: decodeId(String(input.discoveredVmId), 'DiscoveredVm', 'input.discoveredVmId'),
          applicationId: decodeId(String(input.applicationId), 'Application', 'input.applicationId'),
        });
        return ctx.prisma.vmImage.findUniqueOrThrow({ ...query, where: { id } });
      },
    }),
    retirePrimaryMachine: admin.prismaField({
      type: 'Machine',
      description: 'Admin only. The machine is no longer offered as a primary. Refused (INVALID_STATE) while a configuration uses it.',
      args: { machineId: t.arg.id({ required: true }) },
      resolve: async (query, _root, args, ctx) => {
        const { id } = await retirePrimaryMachine(ctx, ctx.user, decodeId(String(args.machineId), 'Machine', 'machineId'));
        return ctx.prisma.machine.findUniqueOrThrow({ ...query, where: { id } });
      },
    }),
    retireImage: admin.prismaField({
      type: 'VmImage',
      description: 'Admin only. The image is no longer offered for new clones. Refused (INVALID_STATE) while a live clone uses it.',
      args: { imageId: t.arg.id({ required: true }) },
      resolve: async (query, _root, args, ctx) => {
        const { id } = await retireImage(ctx, ctx.user, decodeId(String(args.imageId), 'VmImage', 'imageId'));
        return ctx.prisma.vmImage.findUniqueOrThrow({ ...query, where: { id } });
      },
    }),
  };
});
