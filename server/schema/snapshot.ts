// Snapshots: point-in-time captures of a machine under a configuration, and their live status.
import type { BusMessage } from '../../infra/eventBus.js';
import {
  SnapshotPruneReason as PrismaSnapshotPruneReason,
  SnapshotStatus as PrismaSnapshotStatus,
  SnapshotTrigger as PrismaSnapshotTrigger,
  type Prisma,
} from '../../prisma/client.js';
import { builder } from '../builder.js';
import { notFound } from '../../domain/errors.js';
import { decodeId } from '../ids.js';
import { liveEvent, sessionFeed } from '../subscriptions.js';
import { cancelSnapshot, retrySnapshot } from '../services/snapshots.js';
import { isRestorable } from '../../domain/snapshots.js';
import { direction, optionalId, OrderDirection, timeRange, type Direction } from './common.js';

export const SnapshotTrigger = builder.enumType(PrismaSnapshotTrigger, { name: 'SnapshotTrigger' });
export const SnapshotStatus = builder.enumType(PrismaSnapshotStatus, { name: 'SnapshotStatus' });
export const SnapshotPruneReason = builder.enumType(PrismaSnapshotPruneReason, {
  name: 'SnapshotPruneReason',
  description: 'Why a snapshot no longer exists in vSphere.',
});

builder.prismaNode('Snapshot', {
  id: { field: 'id' },
  authScopes: { authenticated: true },
  fields: (t) => ({
    name: t.exposeString('name'),
    configuration: t.relation('configuration'),
    sourceMachine: t.relation('sourceMachine', { description: 'The primary, or a clone VM during failover.' }),
    clone: t.relation('clone', { nullable: true, description: 'The clone whose VM was captured, if the source is a clone VM.' }),
    trigger: t.expose('trigger', { type: SnapshotTrigger }),
    status: t.expose('status', { type: SnapshotStatus }),
    startedAt: t.expose('startedAt', { type: 'DateTime' }),
    finishedAt: t.expose('finishedAt', { type: 'DateTime', nullable: true }),
    durationMs: t.exposeInt('durationMs', { nullable: true }),
    sizeBytes: t.float({
      nullable: true,
      description: 'Bytes, as a Float (exact up to 8 PiB).',
      select: { sizeBytes: true },
      resolve: (snapshot) => (snapshot.sizeBytes === null ? null : Number(snapshot.sizeBytes)),
    }),
    error: t.exposeString('error', { nullable: true }),
    retryOf: t.relation('retryOf', { nullable: true, description: 'The FAILED snapshot this one retries.' }),
    requestedBy: t.relation('requestedBy', { nullable: true, description: 'Who asked for a MANUAL snapshot.' }),
    prunedAt: t.expose('prunedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When it was found gone from vSphere (prunedReason says why); the record stays, and is never restorable again.',
    }),
    prunedReason: t.expose('prunedReason', { type: SnapshotPruneReason, nullable: true }),
    restorable: t.boolean({
      description: 'Whether restoreClone accepts it: DONE and still in vSphere as far as Enclave knows (checked again when restoring).',
      select: { status: true, prunedAt: true, vsphereRef: true },
      resolve: (snapshot) => isRestorable(snapshot),
    }),
    restores: t.relation('restores', { query: { orderBy: { startedAt: 'desc' } } }),
  }),
});

const SnapshotFilter = builder.inputType('SnapshotFilter', {
  fields: (t) => ({
    configurationId: t.id(),
    sourceMachineId: t.id(),
    cloneId: t.id(),
    status: t.field({ type: [SnapshotStatus], description: 'Any of these statuses.' }),
    trigger: t.field({ type: [SnapshotTrigger], description: 'Any of these triggers.' }),
    startedAfter: t.field({ type: 'DateTime', description: 'Started at or after this instant.' }),
    startedBefore: t.field({ type: 'DateTime', description: 'Started before this instant.' }),
  }),
});

function snapshotWhere(filter: typeof SnapshotFilter.$inferInput | null | undefined): Prisma.SnapshotWhereInput {
  return {
    configurationId: optionalId(filter?.configurationId, 'Configuration', 'filter.configurationId'),
    sourceMachineId: optionalId(filter?.sourceMachineId, 'Machine', 'filter.sourceMachineId'),
    cloneId: optionalId(filter?.cloneId, 'Clone', 'filter.cloneId'),
    ...(filter?.status?.length ? { status: { in: filter.status } } : {}),
    ...(filter?.trigger?.length ? { trigger: { in: filter.trigger } } : {}),
    startedAt: timeRange(filter?.startedAfter, filter?.startedBefore),
  };
}

const SnapshotOrderField = builder.enumType('SnapshotOrderField', {
  values: ['STARTED_AT', 'NAME', 'CONFIGURATION', 'SOURCE_MACHINE', 'TRIGGER', 'STATUS', 'DURATION', 'SIZE'] as const,
});

const SnapshotOrder = builder.inputType('SnapshotOrder', {
  fields: (t) => ({
    field: t.field({ type: SnapshotOrderField, required: true }),
    direction: t.field({ type: OrderDirection, defaultValue: 'ASC' }),
  }),
});

const snapshotOrderBy: Record<typeof SnapshotOrderField.$inferType, (d: Direction) => Prisma.SnapshotOrderByWithRelationInput> = {
  STARTED_AT: (d) => ({ startedAt: d }),
  NAME: (d) => ({ name: d }),
  CONFIGURATION: (d) => ({ configuration: { name: d } }),
  SOURCE_MACHINE: (d) => ({ sourceMachine: { name: d } }),
  TRIGGER: (d) => ({ trigger: d }),
  STATUS: (d) => ({ status: d }),
  DURATION: (d) => ({ durationMs: { sort: d, nulls: 'last' } }),
  SIZE: (d) => ({ sizeBytes: { sort: d, nulls: 'last' } }),
};

builder.queryField('snapshots', (t) =>
  t.prismaConnection({
    type: 'Snapshot',
    cursor: 'id',
    authScopes: { authenticated: true },
    description: 'Snapshots, newest first unless ordered otherwise.',
    args: { filter: t.arg({ type: SnapshotFilter }), orderBy: t.arg({ type: SnapshotOrder }) },
    totalCount: (_connection, args, { prisma }) => prisma.snapshot.count({ where: snapshotWhere(args.filter) }),
    resolve: (query, _root, args, { prisma }) => {
      const d = direction(args.orderBy?.direction, args.orderBy ? 'asc' : 'desc');
      return prisma.snapshot.findMany({
        ...query,
        where: snapshotWhere(args.filter),
        orderBy: [snapshotOrderBy[args.orderBy?.field ?? 'STARTED_AT'](d), { id: d }],
      });
    },
  }),
);

type SnapshotMessage = Extract<BusMessage, { topic: 'snapshot.status' }>;

const SnapshotStatusChange = builder.objectRef<SnapshotMessage>('SnapshotStatusChange').implement({
  description: 'A snapshot started, finished, failed or was cancelled.',
  fields: (t) => ({
    status: t.field({ type: SnapshotStatus, resolve: (m) => m.status as typeof SnapshotStatus.$inferType }),
    at: t.field({ type: 'DateTime', resolve: (m) => new Date(m.at) }),
    snapshot: t.prismaField({
      type: 'Snapshot',
      nullable: true,
      description: 'The snapshot as it is now (null if it no longer exists).',
      resolve: (query, m, _args, { prisma }) => prisma.snapshot.findUnique({ ...query, where: { id: m.snapshotId } }),
    }),
  }),
});

builder.subscriptionField('snapshotStatusChanged', (t) =>
  t.field({
    type: SnapshotStatusChange,
    description: 'Status changes of the snapshots of one configuration, or of all when configurationId is omitted.',
    authScopes: { authenticated: true },
    args: { configurationId: t.arg.id() },
    subscribe: async (_root, args, ctx) => {
      const configurationId = optionalId(args.configurationId, 'Configuration', 'configurationId') ?? null;
      const messages = sessionFeed(
        ctx,
        (m): m is SnapshotMessage =>
          m.topic === 'snapshot.status' && (configurationId === null || m.configurationId === configurationId),
      );
      if (configurationId !== null && !(await ctx.prisma.configuration.findUnique({ where: { id: configurationId }, select: { id: true } }))) {
        await messages.return?.();
        throw notFound('configuration', 'configurationId');
      }
      return messages;
    },
    resolve: (message) => liveEvent(message),
  }),
);

builder.mutationFields((t) => {
  const operator = t.withAuth({ operator: true });
  return {
    retrySnapshot: operator.prismaField({
      type: 'Snapshot',
      description: 'Takes a FAILED snapshot again (same configuration and source); returns the new snapshot.',
      args: { snapshotId: t.arg.id({ required: true }) },
      resolve: async (query, _root, args, ctx) => {
        const failedId = decodeId(String(args.snapshotId), 'Snapshot', 'snapshotId');
        const { snapshotId } = await retrySnapshot(ctx.temporal, ctx.settings.temporal.taskQueue, ctx.prisma, failedId, ctx.user.id);
        return ctx.prisma.snapshot.findUniqueOrThrow({ ...query, where: { id: snapshotId } });
      },
    }),
    cancelSnapshot: operator.prismaField({
      type: 'Snapshot',
      description: 'Stops an IN_PROGRESS snapshot; it ends CANCELLED and any partial vSphere snapshot is removed.',
      args: { snapshotId: t.arg.id({ required: true }) },
      resolve: async (query, _root, args, ctx) => {
        const id = decodeId(String(args.snapshotId), 'Snapshot', 'snapshotId');
        await cancelSnapshot(ctx.temporal, ctx.prisma, id, ctx.user.id);
        return ctx.prisma.snapshot.findUniqueOrThrow({ ...query, where: { id } });
      },
    }),
  };
});
