// What clones are built from and placed on: applications, their images, and networks.
import { GuestOsFamily as PrismaGuestOsFamily, NetworkKind as PrismaNetworkKind } from '../../prisma/client.js';
import { builder } from '../builder.js';
import { createApplication } from '../services/applications.js';

builder.prismaNode('Application', {
  id: { field: 'id' },
  authScopes: { authenticated: true },
  fields: (t) => ({
    name: t.exposeString('name'),
    description: t.exposeString('description'),
    images: t.relation('images', { query: { where: { removedAt: null, retiredAt: null }, orderBy: { name: 'asc' } } }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

export const GuestOsFamily = builder.enumType(PrismaGuestOsFamily, {
  name: 'GuestOsFamily',
  description: "What an image's guest customization sets up; a clone's credentials follow it.",
});

builder.prismaNode('VmImage', {
  id: { field: 'id' },
  // Select mode: a query reads only the columns its selection needs (fields that read more declare `select`).
  select: { id: true },
  description: 'An application image: a vSphere VM template for one application.',
  authScopes: { authenticated: true },
  fields: (t) => ({
    name: t.exposeString('name'),
    vsphereRef: t.exposeString('vsphereRef'),
    guestOs: t.exposeString('guestOs', { description: 'The vSphere guest id, e.g. `windows2019srv_64Guest`.' }),
    guestOsFamily: t.expose('guestOsFamily', { type: GuestOsFamily }),
    defaultCpu: t.exposeInt('defaultCpu'),
    defaultRamGb: t.exposeInt('defaultRamGb'),
    application: t.relation('application'),
    removedAt: t.expose('removedAt', { type: 'DateTime', nullable: true }),
    retiredAt: t.expose('retiredAt', { type: 'DateTime', nullable: true, description: 'Set by retireImage: no longer offered for new clones.' }),
  }),
});

export const NetworkKind = builder.enumType(PrismaNetworkKind, { name: 'NetworkKind' });

builder.prismaNode('Network', {
  id: { field: 'id' },
  // Select mode: a query reads only the columns its selection needs (fields that read more declare `select`).
  select: { id: true },
  authScopes: { authenticated: true },
  fields: (t) => ({
    name: t.exposeString('name'),
    vsphereRef: t.exposeString('vsphereRef'),
    kind: t.expose('kind', { type: NetworkKind }),
    removedAt: t.expose('removedAt', { type: 'DateTime', nullable: true }),
  }),
});

builder.queryFields((t) => ({
  applications: t.prismaField({
    type: ['Application'],
    authScopes: { authenticated: true },
    resolve: (query, _root, _args, { prisma }) => prisma.application.findMany({ ...query, orderBy: { name: 'asc' } }),
  }),
  vmImages: t.prismaField({
    type: ['VmImage'],
    authScopes: { authenticated: true },
    resolve: (query, _root, _args, { prisma }) =>
      prisma.vmImage.findMany({ ...query, where: { removedAt: null, retiredAt: null }, orderBy: { name: 'asc' } }),
  }),
  networks: t.prismaField({
    type: ['Network'],
    authScopes: { authenticated: true },
    resolve: (query, _root, _args, { prisma }) =>
      prisma.network.findMany({ ...query, where: { removedAt: null }, orderBy: { name: 'asc' } }),
  }),
}));

const CreateApplicationInput = builder.inputType('CreateApplicationInput', {
  fields: (t) => ({
    name: t.string({ required: true, description: '5–100 characters, unique.' }),
    description: t.string({ defaultValue: '', description: 'At most 1000 characters, stored trimmed: one of spaces only is stored empty.' }),
  }),
});

builder.mutationField('createApplication', (t) =>
  t.withAuth({ admin: true }).prismaField({
    type: 'Application',
    description: 'Admin only. Its images are registered from discovered templates with registerImage.',
    args: { input: t.arg({ type: CreateApplicationInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      const { id } = await createApplication(ctx, ctx.user, input);
      return ctx.prisma.application.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
);
