// What clones are built from and placed on: applications, their images, and networks.
import { conflict, validationError } from '../../domain/errors.js';
import { recordEvent } from '../../infra/events.js';
import { checkApplicationInput } from '../../domain/validation.js';
import { Prisma } from '../../prisma/client.js';
import { builder } from '../builder.js';

builder.prismaNode('Application', {
  id: { field: 'id' },
  authScopes: { authenticated: true },
  fields: (t) => ({
    name: t.exposeString('name'),
    description: t.exposeString('description'),
    images: t.relation('images', { query: { where: { removedAt: null }, orderBy: { name: 'asc' } } }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.prismaNode('VmImage', {
  id: { field: 'id' },
  description: 'An application image: a vSphere VM template for one application.',
  authScopes: { authenticated: true },
  fields: (t) => ({
    name: t.exposeString('name'),
    vsphereRef: t.exposeString('vsphereRef'),
    guestOs: t.exposeString('guestOs'),
    defaultCpu: t.exposeInt('defaultCpu'),
    defaultRamGb: t.exposeInt('defaultRamGb'),
    application: t.relation('application'),
    removedAt: t.expose('removedAt', { type: 'DateTime', nullable: true }),
  }),
});

export const NetworkKind = builder.enumType('NetworkKind', { values: ['STANDARD', 'DISTRIBUTED'] as const });

builder.prismaNode('Network', {
  id: { field: 'id' },
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
      prisma.vmImage.findMany({ ...query, where: { removedAt: null }, orderBy: { name: 'asc' } }),
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
    description: t.string({ defaultValue: '', description: 'At most 1000 characters.' }),
  }),
});

builder.mutationField('createApplication', (t) =>
  t.prismaField({
    type: 'Application',
    description: 'Admin only. Images are linked to it by the inventory sync.',
    authScopes: { admin: true },
    args: { input: t.arg({ type: CreateApplicationInput, required: true }) },
    resolve: async (query, _root, { input }, { prisma, user }) => {
      const fields = { name: input.name.trim(), description: input.description ?? '' };
      const problems = checkApplicationInput(fields);
      if (!problems.empty) throw validationError(problems.list);
      const duplicate = () => conflict(`an application named "${fields.name}" already exists`, 'input.name');
      if (await prisma.application.findUnique({ where: { name: fields.name }, select: { id: true } })) throw duplicate();
      try {
        const { id } = await prisma.$transaction(async (tx) => {
          const row = await tx.application.create({ data: fields, select: { id: true } });
          await recordEvent(tx, {
            actor: { kind: 'USER', userId: user!.id },
            subjectType: 'Application',
            subjectId: row.id,
            type: 'application.created',
            data: { name: fields.name },
          });
          return row;
        });
        return await prisma.application.findUniqueOrThrow({ ...query, where: { id } });
      } catch (error) {
        // A concurrent create of the same name passed the check above too; the unique index decides.
        if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') throw duplicate();
        throw error;
      }
    },
  }),
);
