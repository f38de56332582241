// Clones: the failover enclaves. Type, queries, mutations and status subscription.
import type { BusMessage } from '../../infra/eventBus.js';
import { CloneStatus as PrismaCloneStatus, type Prisma } from '../../prisma/client.js';
import { builder } from '../builder.js';
import { notFound } from '../../domain/errors.js';
import { CLONE_NAME_RULE, containsText } from '../../domain/input.js';
import { decodeId } from '../ids.js';
import { liveEvent, sessionFeed } from '../subscriptions.js';
import { cloneCount, clonePage } from '../services/cloneList.js';
import { createClone, createCloneSnapshot, deleteClone, requestCloneOperation, restoreClone } from '../services/clones.js';
import { startFailover } from '../services/failover.js';
import { withOperation } from '../operationAnswers.js';
import { direction, intRange, IntRange, optionalId, OrderDirection, timeRange, type Direction } from './common.js';
import { MachineNode } from './machine.js';

export const CloneStatus = builder.enumType(PrismaCloneStatus, { name: 'CloneStatus' });

export const CloneNode = builder.prismaNode('Clone', {
  id: { field: 'id' },
  // Select mode: a query reads only the columns its selection needs (fields that read more declare `select`).
  select: { id: true },
  description: 'A failover enclave: a warm standby VM of a primary machine.',
  authScopes: { authenticated: true },
  fields: (t) => ({
    name: t.exposeString('name'),
    description: t.exposeString('description'),
    status: t.expose('status', { type: CloneStatus }),
    statusReason: t.exposeString('statusReason', {
      nullable: true,
      description: 'Why the clone is FAILED or CRASHED.',
    }),
    failover: t.exposeBoolean('failover', { description: 'Operations run on this clone instead of the primary.' }),
    progressPhase: t.exposeString('progressPhase', { nullable: true }),
    progressPercent: t.exposeInt('progressPercent'),
    cpu: t.exposeInt('cpu'),
    ramGb: t.exposeInt('ramGb'),
    image: t.relation('image'),
    configuration: t.relation('configuration'),
    network: t.relation('network'),
    machine: t.relation('machine', { nullable: true, description: 'The clone VM, once it exists.' }),
    primaryMachine: t.field({
      type: MachineNode,
      description: "The configuration's primary machine.",
      select: (_args, _ctx, nestedSelection) => ({
        configuration: { select: { primaryMachine: nestedSelection(true) } },
      }),
      resolve: (clone) => clone.configuration.primaryMachine,
    }),
    lastRestoredAt: t.expose('lastRestoredAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When the state the clone last received was captured; the standby lag is measured from here.',
    }),
    standbyLagSeconds: t.int({
      nullable: true,
      description: 'Seconds since the state the clone holds was captured; null before its first restore.',
      select: { lastRestoredAt: true },
      resolve: (clone) =>
        clone.lastRestoredAt ? Math.max(0, Math.floor((Date.now() - clone.lastRestoredAt.getTime()) / 1000)) : null,
    }),
    idempotencyKey: t.exposeString('idempotencyKey', { nullable: true }),
    snapshots: t.relatedConnection('snapshots', { cursor: 'id', totalCount: true, query: { orderBy: [{ startedAt: 'desc' }, { id: 'desc' }] } }),
    restores: t.relatedConnection('restores', { cursor: 'id', totalCount: true, query: { orderBy: [{ startedAt: 'desc' }, { id: 'desc' }] } }),
    events: t.relatedConnection('events', {
      cursor: 'id',
      totalCount: true,
      description: 'The history of this clone, newest first.',
      query: { orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] },
    }),
    createdBy: t.relation('createdBy'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    deletedAt: t.expose('deletedAt', { type: 'DateTime', nullable: true }),
  }),
});

const CloneFilter = builder.inputType('CloneFilter', {
  fields: (t) => ({
    name: t.string({ description: 'Name contains this text, case-insensitive; `%` and `_` match only themselves.' }),
    primaryMachineId: t.id({ description: "The configuration's primary Machine." }),
    configurationId: t.id(),
    imageId: t.id(),
    networkId: t.id(),
    status: t.field({ type: [CloneStatus], description: 'Any of these statuses.' }),
    failover: t.boolean(),
    cpu: t.field({ type: IntRange, description: 'CPU cores from min to max.' }),
    ramGb: t.field({ type: IntRange, description: 'RAM in GB from min to max.' }),
    createdById: t.id({ description: 'The User who created the clone.' }),
    createdAfter: t.field({ type: 'DateTime', description: 'Created at or after this instant.' }),
    createdBefore: t.field({ type: 'DateTime', description: 'Created before this instant.' }),
    includeDeleted: t.boolean({ description: 'Also list DELETED clones (default false).' }),
  }),
});

function cloneWhere(filter: typeof CloneFilter.$inferInput | null | undefined): Prisma.CloneWhereInput {
  if (!filter) return { deletedAt: null };
  const primaryMachineId = optionalId(filter.primaryMachineId, 'Machine', 'filter.primaryMachineId');
  return {
    ...(filter.includeDeleted ? {} : { deletedAt: null }),
    ...(filter.name ? { name: containsText(filter.name) } : {}),
    ...(primaryMachineId ? { configuration: { primaryMachineId } } : {}),
    configurationId: optionalId(filter.configurationId, 'Configuration', 'filter.configurationId'),
    imageId: optionalId(filter.imageId, 'VmImage', 'filter.imageId'),
    networkId: optionalId(filter.networkId, 'Network', 'filter.networkId'),
    createdById: optionalId(filter.createdById, 'User', 'filter.createdById'),
    ...(filter.status?.length ? { status: { in: filter.status } } : {}),
    ...(typeof filter.failover === 'boolean' ? { failover: filter.failover } : {}),
    cpu: intRange(filter.cpu),
    ramGb: intRange(filter.ramGb),
    createdAt: timeRange(filter.createdAfter, filter.createdBefore),
  };
}

const CloneOrderField = builder.enumType('CloneOrderField', {
  description: 'The columns of the clone list.',
  values: [
    'NAME',
    'PRIMARY_MACHINE',
    'CONFIGURATION',
    'IMAGE',
    'NETWORK',
    'STATUS',
    'FAILOVER',
    'CPU',
    'RAM',
    'CREATED_BY',
    'CREATED_AT',
  ] as const,
});

const CloneOrder = builder.inputType('CloneOrder', {
  fields: (t) => ({
    field: t.field({ type: CloneOrderField, required: true }),
    direction: t.field({ type: OrderDirection, defaultValue: 'ASC' }),
  }),
});

const cloneOrderBy: Record<(typeof CloneOrderField.$inferType), (d: Direction) => Prisma.CloneOrderByWithRelationInput> = {
  NAME: (d) => ({ name: d }),
  PRIMARY_MACHINE: (d) => ({ configuration: { primaryMachine: { name: d } } }),
  CONFIGURATION: (d) => ({ configuration: { name: d } }),
  IMAGE: (d) => ({ image: { name: d } }),
  NETWORK: (d) => ({ network: { name: d } }),
  STATUS: (d) => ({ status: d }),
  FAILOVER: (d) => ({ failover: d }),
  CPU: (d) => ({ cpu: d }),
  RAM: (d) => ({ ramGb: d }),
  CREATED_BY: (d) => ({ createdBy: { username: d } }),
  CREATED_AT: (d) => ({ createdAt: d }),
};

/** The chosen column, then the ID, so equal values keep a stable order across pages. */
function cloneOrder(order: typeof CloneOrder.$inferInput | null | undefined): Prisma.CloneOrderByWithRelationInput[] {
  const d = direction(order?.direction, order ? 'asc' : 'desc');
  return [cloneOrderBy[order?.field ?? 'CREATED_AT'](d), { id: d }];
}

builder.queryFields((t) => ({
  clone: t.prismaField({
    type: 'Clone',
    nullable: true,
    authScopes: { authenticated: true },
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _root, args, { prisma }) =>
      prisma.clone.findUnique({ ...query, where: { id: decodeId(String(args.id), 'Clone', 'id') } }),
  }),
  clones: t.prismaConnection(
    {
      type: 'Clone',
      cursor: 'id',
      authScopes: { authenticated: true },
      description: 'Clones, newest first unless ordered otherwise; DELETED ones only with filter.includeDeleted.',
      args: { filter: t.arg({ type: CloneFilter }), orderBy: t.arg({ type: CloneOrder }) },
      totalCount: (_connection, args, { prisma }) => cloneCount(prisma, cloneWhere(args.filter)),
      resolve: (query, _root, args, { prisma }) => clonePage(prisma, query, cloneWhere(args.filter), cloneOrder(args.orderBy)),
    },
    {},
    {},
  ),
}));

const POWER_MUTATIONS = [
  ['startClone', 'start', 'Powers on a STOPPED or CRASHED clone and waits for its guest.'],
  ['stopClone', 'stop', 'Shuts the guest down (hard power-off when VMware Tools are not running).'],
  ['suspendClone', 'suspend', 'Suspends a RUNNING clone (PAUSED).'],
  ['resumeClone', 'resume', 'Resumes a PAUSED clone.'],
  ['rebootClone', 'reboot', 'Reboots the guest (hard reset when VMware Tools are not running).'],
] as const;

const CreateCloneInput = builder.inputType('CreateCloneInput', {
  fields: (t) => ({
    name: t.string({ required: true, description: CLONE_NAME_RULE }),
    description: t.string({ description: 'Optional; at most 128 characters after trimming; stored trimmed (empty when omitted).' }),
    imageId: t.id({ required: true, description: 'A VmImage.' }),
    configurationId: t.id({ required: true, description: "A Configuration; its primary is the clone's primary." }),
    networkId: t.id({ required: true, description: 'A Network.' }),
    cpu: t.int({ required: true, description: 'CPU cores, at least 1.' }),
    ramGb: t.int({ required: true, description: 'RAM in GB, at least 1.' }),
    idempotencyKey: t.string({
      description: 'Makes a retried request return the first result; overrides the `Idempotency-Key` header.',
    }),
  }),
});

const cloneDbId = (cloneId: string | number) => decodeId(String(cloneId), 'Clone', 'cloneId');

builder.mutationFields((t) => {
  const admin = t.withAuth({ admin: true });
  const operator = t.withAuth({ operator: true });
  return {
    createClone: admin.prismaField({
      type: 'Clone',
      description: 'Creates the clone as PROVISIONING and starts its workflow; progress follows by subscription.',
      args: { input: t.arg({ type: CreateCloneInput, required: true }) },
      resolve: async (query, _root, { input }, ctx) => {
        const { id } = await createClone(ctx, ctx.user, {
          ...input,
          imageId: String(input.imageId),
          configurationId: String(input.configurationId),
          networkId: String(input.networkId),
          idempotencyKey: input.idempotencyKey ?? ctx.idempotencyKey,
        });
        return ctx.prisma.clone.findUniqueOrThrow({ ...query, where: { id } });
      },
    }),
    deleteClone: admin.prismaField({
      type: 'Clone',
      description:
        'Tears the clone VM down and keeps the record and its history. Irreversible for the VM. Refused while the ' +
        'clone is in failover (end failover first). `currentOperation` is the DELETE operation.',
      args: { cloneId: t.arg.id({ required: true }) },
      resolve: async (query, _root, { cloneId }, ctx) => {
        const { id, operationId } = await deleteClone(ctx, ctx.user, cloneDbId(cloneId));
        return withOperation(await ctx.prisma.clone.findUniqueOrThrow({ ...query, where: { id } }), operationId);
      },
    }),
    startFailover: operator.prismaField({
      type: 'Clone',
      description:
        'Operations switch from the primary to this RUNNING clone; auto-restores into it stop. Refused when another ' +
        'clone of the configuration is the active system, and when the clone is not ready (see failoverReadiness) ' +
        'unless `force`. With `fencePrimary` (default) the primary VM is powered off first, when reachable. ' +
        '`currentOperation` is the START_FAILOVER operation.',
      args: {
        cloneId: t.arg.id({ required: true }),
        force: t.arg.boolean({ defaultValue: false, description: 'Fail over although the clone is not ready; recorded.' }),
        fencePrimary: t.arg.boolean({ defaultValue: true, description: 'Power the primary off (when reachable) before the switch.' }),
      },
      resolve: async (query, _root, { cloneId, force, fencePrimary }, ctx) => {
        const { id, operationId } = await startFailover(ctx, ctx.user, cloneDbId(cloneId), {
          force: force ?? false,
          fencePrimary: fencePrimary ?? true,
        });
        return withOperation(await ctx.prisma.clone.findUniqueOrThrow({ ...query, where: { id } }), operationId);
      },
    }),
    endFailover: operator.prismaField({
      type: 'Clone',
      description:
        "Operations return to the primary. By default the failover system's state is carried back first " +
        '(snapshot, then restore onto the primary); with discardFailoverState it is only kept as a snapshot. The ' +
        'primary is powered on before operations return to it. `currentOperation` is the END_FAILOVER operation.',
      args: {
        cloneId: t.arg.id({ required: true }),
        discardFailoverState: t.arg.boolean({ defaultValue: false }),
      },
      resolve: async (query, _root, { cloneId, discardFailoverState }, ctx) => {
        const { id, operationId } = await requestCloneOperation(ctx, ctx.user, cloneDbId(cloneId), {
          kind: 'endFailover',
          discardFailoverState: discardFailoverState ?? false,
        });
        return withOperation(await ctx.prisma.clone.findUniqueOrThrow({ ...query, where: { id } }), operationId);
      },
    }),
    createSnapshot: operator.prismaField({
      type: 'Snapshot',
      description:
        "Captures the clone's VM now. During failover this captures the failover system and triggers failback. " +
        '`operation` is the CREATE_SNAPSHOT operation.',
      args: { cloneId: t.arg.id({ required: true }) },
      resolve: async (query, _root, { cloneId }, ctx) => {
        const { id } = await createCloneSnapshot(ctx, ctx.user, cloneDbId(cloneId));
        return ctx.prisma.snapshot.findUniqueOrThrow({ ...query, where: { id } });
      },
    }),
    restoreClone: operator.prismaField({
      type: 'Clone',
      description:
        "Point-in-time restore: rebuilds the clone from a DONE snapshot of its configuration that still exists in vSphere " +
        '(`Snapshot.restorable`), as a MANUAL restore. The clone must be RUNNING and not in failover. ' +
        '`currentOperation` is the RESTORE operation.',
      args: { cloneId: t.arg.id({ required: true }), snapshotId: t.arg.id({ required: true }) },
      resolve: async (query, _root, { cloneId, snapshotId }, ctx) => {
        const { id, operationId } = await restoreClone(ctx, ctx.user, cloneDbId(cloneId), decodeId(String(snapshotId), 'Snapshot', 'snapshotId'));
        return withOperation(await ctx.prisma.clone.findUniqueOrThrow({ ...query, where: { id } }), operationId);
      },
    }),
    ...Object.fromEntries(
      POWER_MUTATIONS.map(([field, action, description]) => [
        field,
        operator.prismaField({
          type: 'Clone',
          description,
          args: { cloneId: t.arg.id({ required: true }) },
          resolve: async (query, _root, { cloneId }, ctx) => {
            const { id, operationId } = await requestCloneOperation(ctx, ctx.user, cloneDbId(cloneId), { kind: 'power', action });
            return withOperation(await ctx.prisma.clone.findUniqueOrThrow({ ...query, where: { id } }), operationId);
          },
        }),
      ]),
    ),
  };
});

type StatusMessage = Extract<BusMessage, { topic: 'clone.status' }>;

const CloneStatusChange = builder.objectRef<StatusMessage>('CloneStatusChange').implement({
  description: 'One status transition of a clone.',
  fields: (t) => ({
    status: t.field({ type: CloneStatus, resolve: (m) => m.status as PrismaCloneStatus }),
    failover: t.exposeBoolean('failover'),
    at: t.field({ type: 'DateTime', resolve: (m) => new Date(m.at) }),
    clone: t.prismaField({
      type: 'Clone',
      nullable: true,
      description: 'The clone as it is now (null if it no longer exists).',
      resolve: (query, m, _args, { prisma }) => prisma.clone.findUnique({ ...query, where: { id: m.cloneId } }),
    }),
  }),
});

builder.subscriptionField('cloneStatusChanged', (t) =>
  t.field({
    type: CloneStatusChange,
    description: 'Every status transition of one clone, or of all clones when cloneId is omitted.',
    authScopes: { authenticated: true },
    args: { cloneId: t.arg.id() },
    subscribe: async (_root, args, ctx) => {
      const cloneId = args.cloneId ? decodeId(String(args.cloneId), 'Clone', 'cloneId') : null;
      // Subscribe first so nothing written during the existence check is missed.
      const messages = sessionFeed(
        ctx,
        (m): m is StatusMessage => m.topic === 'clone.status' && (cloneId === null || m.cloneId === cloneId),
      );
      if (cloneId !== null && !(await ctx.prisma.clone.findUnique({ where: { id: cloneId }, select: { id: true } }))) {
        await messages.return?.();
        throw notFound('clone', 'cloneId');
      }
      return messages;
    },
    resolve: (message) => liveEvent(message),
  }),
);
