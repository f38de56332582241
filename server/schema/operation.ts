// Operations: each request to a clone as a record (type, who, when, status, phase, error), the
// clone's operations and failover readiness, and the `operationChanged` subscription.
import type { BusMessage } from '../../infra/eventBus.js';
import { OperationStatus as PrismaOperationStatus, OperationType as PrismaOperationType } from '../../prisma/client.js';
import { notFound } from '../../domain/errors.js';
import { builder } from '../builder.js';
import { decodeId } from '../ids.js';
import { READINESS_SELECT, readinessOf, type CloneReadiness } from '../services/failover.js';
import { queuedByMutation } from '../operationAnswers.js';
import { liveEvent, sessionFeed } from '../subscriptions.js';
import { CloneNode } from './clone.js';
import { RestoreStatus } from './restore.js';

export const OperationType = builder.enumType(PrismaOperationType, { name: 'OperationType' });
export const OperationStatus = builder.enumType(PrismaOperationStatus, { name: 'OperationStatus' });

export const OperationNode = builder.prismaNode('Operation', {
  id: { field: 'id' },
  description: "One request to a clone, queued by the API and run by the clone's workflow.",
  authScopes: { authenticated: true },
  fields: (t) => ({
    clone: t.relation('clone'),
    type: t.expose('type', { type: OperationType }),
    status: t.expose('status', { type: OperationStatus }),
    phase: t.exposeString('phase', { nullable: true, description: 'The step under way (or the last one taken).' }),
    error: t.exposeString('error', { nullable: true, description: 'Why it FAILED or was CANCELLED.' }),
    forced: t.exposeBoolean('forced', { description: 'A failover started although the clone was not ready (see options.notReadyReasons).' }),
    options: t.expose('options', { type: 'JSON', description: 'What the request asked for, e.g. `{ force, fencePrimary }`.' }),
    snapshot: t.relation('snapshot', { nullable: true, description: 'The snapshot the operation took or restores.' }),
    requestedBy: t.relation('requestedBy', { nullable: true }),
    requestedAt: t.expose('requestedAt', { type: 'DateTime' }),
    startedAt: t.expose('startedAt', { type: 'DateTime', nullable: true }),
    finishedAt: t.expose('finishedAt', { type: 'DateTime', nullable: true }),
  }),
});


const LastRestore = builder.objectRef<NonNullable<CloneReadiness['lastRestore']>>('ReadinessLastRestore').implement({
  fields: (t) => ({
    status: t.field({ type: RestoreStatus, resolve: (r) => r.status }),
    finishedAt: t.expose('finishedAt', { type: 'DateTime', nullable: true }),
    error: t.exposeString('error', { nullable: true }),
  }),
});

const FailoverReadiness = builder.objectRef<CloneReadiness>('FailoverReadiness').implement({
  description: 'Whether the clone may become the active system now, and why not.',
  fields: (t) => ({
    ready: t.exposeBoolean('ready'),
    reasons: t.exposeStringList('reasons', { description: 'Why not, one sentence each; empty when ready.' }),
    overridable: t.boolean({
      description: 'startFailover(force: true) would be accepted: every reason is about the restore or the lag.',
      resolve: (r) => !r.ready && r.blocking.length === 0,
    }),
    status: t.string({ description: "The clone's status (failover needs RUNNING).", resolve: (r) => r.status }),
    lastRestore: t.field({ type: LastRestore, nullable: true, description: "The clone's newest finished restore.", resolve: (r) => r.lastRestore }),
    standbyLagSeconds: t.exposeInt('standbyLagSeconds', { nullable: true }),
    rpoTargetSeconds: t.exposeInt('rpoTargetSeconds', { description: "The configuration's RPO target." }),
  }),
});

builder.prismaObjectFields('Clone', (t) => ({
  operations: t.relatedConnection('operations', {
    cursor: 'id',
    totalCount: true,
    description: "The clone's operations, newest first.",
    query: { orderBy: [{ requestedAt: 'desc' }, { id: 'desc' }] },
  }),
  currentOperation: t.field({
    type: OperationNode,
    nullable: true,
    description:
      "In a mutation's answer, the Operation that mutation queued; elsewhere the oldest one not finished " +
      '(QUEUED or RUNNING), else the newest.',
    select: { id: true },
    resolve: async (clone, _args, { prisma }) => {
      const queued = queuedByMutation.get(clone);
      if (queued) return prisma.operation.findUnique({ where: { id: queued } });
      const open = await prisma.operation.findFirst({
        where: { cloneId: clone.id, status: { in: ['QUEUED', 'RUNNING'] } },
        orderBy: [{ requestedAt: 'asc' }, { id: 'asc' }],
      });
      return open ?? prisma.operation.findFirst({ where: { cloneId: clone.id }, orderBy: [{ requestedAt: 'desc' }, { id: 'desc' }] });
    },
  }),
  failoverReadiness: t.field({
    type: FailoverReadiness,
    description: 'Ready when RUNNING, not in failover, its last restore succeeded and its standby lag is within the RPO target.',
    select: READINESS_SELECT,
    resolve: (clone) => readinessOf(clone),
  }),
}));

builder.prismaObjectField('Configuration', 'activeClone', (t) =>
  t.field({
    type: CloneNode,
    nullable: true,
    description: 'The clone that is (or is becoming) the active system: at most one per configuration.',
    select: { activeSystem: { select: { clone: true } } },
    resolve: (configuration) => configuration.activeSystem?.clone ?? null,
  }),
);

builder.prismaObjectField('Snapshot', 'operation', (t) =>
  t.field({
    type: OperationNode,
    nullable: true,
    description: 'The Operation that took this snapshot (a manual snapshot or a failback), if any.',
    select: { id: true },
    resolve: (snapshot, _args, { prisma }) =>
      prisma.operation.findFirst({ where: { snapshotId: snapshot.id, type: { in: ['CREATE_SNAPSHOT', 'END_FAILOVER'] } }, orderBy: { requestedAt: 'asc' } }),
  }),
);

builder.queryField('operation', (t) =>
  t.prismaField({
    type: 'Operation',
    nullable: true,
    authScopes: { authenticated: true },
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _root, args, { prisma }) => prisma.operation.findUnique({ ...query, where: { id: decodeId(String(args.id), 'Operation', 'id') } }),
  }),
);

type OperationMessage = Extract<BusMessage, { topic: 'operation.changed' }>;

const OperationChange = builder.objectRef<OperationMessage>('OperationChange').implement({
  description: 'An Operation was queued or changed (status, phase, error).',
  fields: (t) => ({
    at: t.field({ type: 'DateTime', resolve: (m) => new Date(m.at) }),
    status: t.field({
      type: OperationStatus,
      description:
        'The status this change set, in the order the changes happened (`operation` is read when the change is ' +
        'delivered and may have moved on). CANCELLED with a null `operation`: the request was refused.',
      resolve: (m) => m.status as typeof OperationStatus.$inferType,
    }),
    operation: t.prismaField({
      type: 'Operation',
      nullable: true,
      description: 'The operation as it is now (null if the request was refused meanwhile).',
      resolve: (query, m, _args, { prisma }) => prisma.operation.findUnique({ ...query, where: { id: m.operationId } }),
    }),
  }),
});

builder.subscriptionField('operationChanged', (t) =>
  t.field({
    type: OperationChange,
    description: 'Changes of one operation, of the operations of one clone, or of all operations.',
    authScopes: { authenticated: true },
    args: { cloneId: t.arg.id(), operationId: t.arg.id() },
    subscribe: async (_root, args, ctx) => {
      const cloneId = args.cloneId ? decodeId(String(args.cloneId), 'Clone', 'cloneId') : null;
      const operationId = args.operationId ? decodeId(String(args.operationId), 'Operation', 'operationId') : null;
      // Subscribe first so nothing written during the existence checks is missed.
      const messages = sessionFeed(
        ctx,
        (m): m is OperationMessage =>
          m.topic === 'operation.changed' && (cloneId === null || m.cloneId === cloneId) && (operationId === null || m.operationId === operationId),
      );
      if (cloneId !== null && !(await ctx.prisma.clone.findUnique({ where: { id: cloneId }, select: { id: true } }))) {
        await messages.return?.();
        throw notFound('clone', 'cloneId');
      }
      if (operationId !== null && !(await ctx.prisma.operation.findUnique({ where: { id: operationId }, select: { id: true } }))) {
        await messages.return?.();
        throw notFound('operation', 'operationId');
      }
      return messages;
    },
    resolve: (message) => liveEvent(message),
  }),
);
