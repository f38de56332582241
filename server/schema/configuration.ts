// Configurations: what of a primary is snapshotted, how often, and how long it is kept.
import type { Prisma } from '../../prisma/client.js';
import { containsText } from '../../domain/input.js';
import { builder } from '../builder.js';
import { decodeId } from '../ids.js';
import { createConfiguration, updateConfiguration } from '../services/configurations.js';
import { direction, optionalId, OrderDirection } from './common.js';

builder.prismaNode('Configuration', {
  id: { field: 'id' },
  // Select mode: a query reads only the columns its selection needs (fields that read more declare `select`).
  select: { id: true },
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
    rpoTargetSeconds: t.exposeInt('rpoTargetSeconds', {
      description: "The standby lag (seconds) a clone may have and still be ready for failover.",
    }),
    clones: t.relation('clones', { query: { where: { deletedAt: null }, orderBy: { name: 'asc' } } }),
    snapshots: t.relatedConnection('snapshots', { cursor: 'id', totalCount: true, query: { orderBy: [{ startedAt: 'desc' }, { id: 'desc' }] } }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const ConfigurationFilter = builder.inputType('ConfigurationFilter', {
  fields: (t) => ({
    name: t.string({ description: 'Name contains this text, case-insensitive; `%` and `_` match only themselves.' }),
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
    ...(filter?.name ? { name: containsText(filter.name) } : {}),
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
    rpoTargetSeconds: t.int({
      description: 'Standby lag (60 s to a year) within which a clone is ready for failover; default two snapshot intervals, or a day with a cron schedule.',
    }),
  }),
});

const UpdateConfigurationInput = builder.inputType('UpdateConfigurationInput', {
  description: 'Omitted fields keep their value. A schedule given replaces the old one (interval or cron).',
  fields: (t) => ({
    scheduleIntervalSeconds: t.int(),
    scheduleCron: t.string(),
    retention: t.int(),
    autoRestore: t.boolean(),
    rpoTargetSeconds: t.int({ description: 'Standby lag (60 s to a year) within which a clone is ready for failover.' }),
  }),
});

builder.mutationFields((t) => {
  const admin = t.withAuth({ admin: true });
  return {
    createConfiguration: admin.prismaField({
      type: 'Configuration',
      description: 'Admin only. Creates the Temporal Schedule `configuration-<id>` that snapshots its active machine.',
      args: { input: t.arg({ type: CreateConfigurationInput, required: true }) },
      resolve: async (query, _root, { input }, ctx) => {
        const { id } = await createConfiguration(ctx, ctx.user, {
          ...input,
          primaryMachineId: String(input.primaryMachineId),
          applicationId: String(input.applicationId),
        });
        return ctx.prisma.configuration.findUniqueOrThrow({ ...query, where: { id } });
      },
    }),
    updateConfiguration: admin.prismaField({
      type: 'Configuration',
      description: 'Admin only: changes the schedule, retention or auto-restore of a configuration.',
      args: {
        configurationId: t.arg.id({ required: true }),
        input: t.arg({ type: UpdateConfigurationInput, required: true }),
      },
      resolve: async (query, _root, { configurationId, input }, ctx) => {
        const { id } = await updateConfiguration(
          ctx,
          ctx.user,
          decodeId(String(configurationId), 'Configuration', 'configurationId'),
          input,
        );
        return ctx.prisma.configuration.findUniqueOrThrow({ ...query, where: { id } });
      },
    }),
  };
});
