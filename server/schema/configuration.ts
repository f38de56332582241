// Configurations: what of a primary is snapshotted, how often, and how long it is kept.
import { AppError, conflict, notFound, validationError } from '../../domain/errors.js';
import { recordEvent } from '../../infra/events.js';
import { checkConfigurationInput, checkSchedule, Problems } from '../../domain/validation.js';
import { Prisma } from '../../prisma/client.js';
import { syncConfigurationSchedule } from '../../workflows/snapshots/schedules.js';
import { builder } from '../builder.js';
import type { GraphQLContext } from '../context.js';
import { decodeId } from '../ids.js';
import { direction, optionalId, OrderDirection } from './common.js';

builder.prismaNode('Configuration', {
  id: { field: 'id' },
  authScopes: { authenticated: true },
  fields: (t) => ({
    name: t.exposeString('name'),
    primaryMachine: t.relation('primaryMachine'),
    application: t.relation('application'),
    scheduleIntervalSeconds: t.exposeInt('scheduleIntervalSeconds', {
      nullable: true,
      description: 'Snapshot every N seconds; exclusive with scheduleCron.',
    }),
    scheduleCron: t.exposeString('scheduleCron', { nullable: true, description: 'Five-field cron expression (UTC).' }),
    retention: t.exposeInt('retention', { description: 'Keep the last N DONE snapshots.' }),
    autoRestore: t.exposeBoolean('autoRestore', {
      description: 'Restore each new snapshot onto every clone of this configuration not in failover.',
    }),
    clones: t.relation('clones', { query: { where: { deletedAt: null }, orderBy: { name: 'asc' } } }),
    snapshots: t.relatedConnection('snapshots', { cursor: 'id', totalCount: true, query: { orderBy: [{ startedAt: 'desc' }, { id: 'desc' }] } }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const ConfigurationFilter = builder.inputType('ConfigurationFilter', {
  fields: (t) => ({
    name: t.string({ description: 'Name contains this, case-insensitive.' }),
    primaryMachineId: t.id(),
    applicationId: t.id(),
  }),
});

const ConfigurationOrderField = builder.enumType('ConfigurationOrderField', {
  values: ['NAME', 'PRIMARY_MACHINE', 'APPLICATION', 'CREATED_AT'] as const,
});

const ConfigurationOrder = builder.inputType('ConfigurationOrder', {
  fields: (t) => ({
    field: t.field({ type: ConfigurationOrderField, required: true }),
    direction: t.field({ type: OrderDirection, defaultValue: 'ASC' }),
  }),
});

function configurationWhere(filter: typeof ConfigurationFilter.$inferInput | null | undefined): Prisma.ConfigurationWhereInput {
  return {
    ...(filter?.name ? { name: { contains: filter.name, mode: 'insensitive' as const } } : {}),
    primaryMachineId: optionalId(filter?.primaryMachineId, 'Machine', 'filter.primaryMachineId'),
    applicationId: optionalId(filter?.applicationId, 'Application', 'filter.applicationId'),
  };
}

function configurationOrder(order: typeof ConfigurationOrder.$inferInput | null | undefined) {
  const d = direction(order?.direction, 'asc');
  const column: Record<typeof ConfigurationOrderField.$inferType, Prisma.ConfigurationOrderByWithRelationInput> = {
    NAME: { name: d },
    PRIMARY_MACHINE: { primaryMachine: { name: d } },
    APPLICATION: { application: { name: d } },
    CREATED_AT: { createdAt: d },
  };
  return [column[order?.field ?? 'NAME'], { id: d }];
}

builder.queryField('configurations', (t) =>
  t.prismaConnection({
    type: 'Configuration',
    cursor: 'id',
    authScopes: { authenticated: true },
    args: { filter: t.arg({ type: ConfigurationFilter }), orderBy: t.arg({ type: ConfigurationOrder }) },
    totalCount: (_connection, args, { prisma }) => prisma.configuration.count({ where: configurationWhere(args.filter) }),
    resolve: (query, _root, args, { prisma }) =>
      prisma.configuration.findMany({ ...query, where: configurationWhere(args.filter), orderBy: configurationOrder(args.orderBy) }),
  }),
);

const CreateConfigurationInput = builder.inputType('CreateConfigurationInput', {
  fields: (t) => ({
    name: t.string({ required: true, description: '5–100 characters, unique.' }),
    primaryMachineId: t.id({ required: true, description: 'A PRIMARY Machine.' }),
    applicationId: t.id({ required: true }),
    scheduleIntervalSeconds: t.int({ description: 'At least 300; give this or scheduleCron.' }),
    scheduleCron: t.string({ description: 'Five-field cron expression (UTC); give this or scheduleIntervalSeconds.' }),
    retention: t.int({ defaultValue: 7, description: 'Keep the last N DONE snapshots (1–1000).' }),
    autoRestore: t.boolean({ defaultValue: true }),
  }),
});

const UpdateConfigurationInput = builder.inputType('UpdateConfigurationInput', {
  description: 'Omitted fields keep their value. A schedule given replaces the old one (interval or cron).',
  fields: (t) => ({
    scheduleIntervalSeconds: t.int(),
    scheduleCron: t.string(),
    retention: t.int(),
    autoRestore: t.boolean(),
  }),
});

/** Two concurrent creates can both pass the checks; the unique indexes decide. */
function raceConflict(error: unknown): never {
  if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
    throw conflict('a configuration with this name, or for this primary and application, already exists', 'input.name');
  }
  throw error;
}

/**
 * Makes the configuration's Temporal Schedule match its row. The row is already committed: if
 * Temporal is away the caller hears so, and the worker's start-up sync creates the schedule later.
 */
async function applySchedule(ctx: GraphQLContext, configurationId: string): Promise<void> {
  const row = await ctx.prisma.configuration.findUniqueOrThrow({ where: { id: configurationId } });
  try {
    await syncConfigurationSchedule(ctx.temporal, ctx.settings.temporal.taskQueue, row);
  } catch (error) {
    console.error('schedule sync failed:', error instanceof Error ? error.message : error);
    throw new AppError('UNAVAILABLE', 'the configuration was saved, but its snapshot schedule could not be set yet; it will be when the worker next starts');
  }
}

builder.mutationFields((t) => ({
  createConfiguration: t.prismaField({
    type: 'Configuration',
    description: 'Admin only. Creates the Temporal Schedule `configuration-<id>` that snapshots its active machine.',
    authScopes: { admin: true },
    args: { input: t.arg({ type: CreateConfigurationInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      const { prisma, user } = ctx;
      const problems = checkConfigurationInput(input);
      const ids = { primaryMachineId: '', applicationId: '' };
      for (const [field, typename] of [['primaryMachineId', 'Machine'], ['applicationId', 'Application']] as const) {
        try {
          ids[field] = decodeId(String(input[field]), typename, `input.${field}`);
        } catch (error) {
          problems.add(`input.${field}`, (error as Error).message);
        }
      }
      if (!problems.empty) throw validationError(problems.list);
      const name = input.name.trim();
      const [primary, application, sameName, samePair] = await Promise.all([
        prisma.machine.findFirst({ where: { id: ids.primaryMachineId, kind: 'PRIMARY', removedAt: null }, select: { id: true } }),
        prisma.application.findUnique({ where: { id: ids.applicationId }, select: { id: true } }),
        prisma.configuration.findUnique({ where: { name }, select: { id: true } }),
        prisma.configuration.findUnique({
          where: { primaryMachineId_applicationId: { primaryMachineId: ids.primaryMachineId, applicationId: ids.applicationId } },
          select: { id: true },
        }),
      ]);
      if (!primary) throw notFound('primary machine', 'input.primaryMachineId');
      if (!application) throw notFound('application', 'input.applicationId');
      if (sameName) throw conflict(`a configuration named "${name}" already exists`, 'input.name');
      if (samePair) throw conflict('this primary machine already has a configuration for this application', 'input.applicationId');
      const created = await prisma
        .$transaction(async (tx) => {
          const row = await tx.configuration.create({
            data: {
              name,
              primaryMachineId: ids.primaryMachineId,
              applicationId: ids.applicationId,
              scheduleIntervalSeconds: input.scheduleIntervalSeconds ?? null,
              scheduleCron: input.scheduleCron?.trim() ?? null,
              retention: input.retention ?? 7,
              autoRestore: input.autoRestore ?? true,
            },
            select: { id: true },
          });
          await recordEvent(tx, {
            actor: { kind: 'USER', userId: user!.id },
            subjectType: 'Configuration',
            subjectId: row.id,
            type: 'configuration.created',
            data: { name },
          });
          return row;
        })
        .catch(raceConflict);
      await applySchedule(ctx, created.id);
      return prisma.configuration.findUniqueOrThrow({ ...query, where: { id: created.id } });
    },
  }),
  updateConfiguration: t.prismaField({
    type: 'Configuration',
    description: 'Admin only: changes the schedule, retention or auto-restore of a configuration.',
    authScopes: { admin: true },
    args: {
      configurationId: t.arg.id({ required: true }),
      input: t.arg({ type: UpdateConfigurationInput, required: true }),
    },
    resolve: async (query, _root, { configurationId, input }, ctx) => {
      const { prisma, user } = ctx;
      const id = decodeId(String(configurationId), 'Configuration', 'configurationId');
      const current = await prisma.configuration.findUnique({ where: { id } });
      if (!current) throw notFound('configuration', 'configurationId');
      const scheduleGiven = typeof input.scheduleIntervalSeconds === 'number' || typeof input.scheduleCron === 'string';
      const next = {
        scheduleIntervalSeconds: scheduleGiven ? (input.scheduleIntervalSeconds ?? null) : current.scheduleIntervalSeconds,
        scheduleCron: scheduleGiven ? (input.scheduleCron?.trim() ?? null) : current.scheduleCron,
        retention: input.retention ?? current.retention,
        autoRestore: input.autoRestore ?? current.autoRestore,
      };
      const problems = new Problems();
      checkSchedule(problems, next);
      if (!problems.empty) throw validationError(problems.list);
      await prisma.$transaction(async (tx) => {
        await tx.configuration.update({ where: { id }, data: next });
        await recordEvent(tx, {
          actor: { kind: 'USER', userId: user!.id },
          subjectType: 'Configuration',
          subjectId: id,
          type: 'configuration.updated',
          data: next,
        });
      });
      await applySchedule(ctx, id);
      return prisma.configuration.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
}));
