// Events: the audit and history trail, its list query and the live feed of one clone's events.
import { decodeGlobalID, encodeGlobalID } from '@pothos/plugin-relay';
import { AppError, notFound } from '../../domain/errors.js';
import type { BusMessage } from '../../infra/eventBus.js';
import { ActorKind as PrismaActorKind, type Prisma } from '../../prisma/client.js';
import { builder } from '../builder.js';
import { decodeId } from '../ids.js';
import { liveEvent, sessionFeed, type SessionEnded } from '../subscriptions.js';
import { direction, optionalId, OrderDirection, timeRange } from './common.js';

export const ActorKind = builder.enumType(PrismaActorKind, {
  name: 'ActorKind',
  values: {
    USER: { description: 'A person, through the API.' },
    SYSTEM: { description: 'A workflow or the inventory sync.' },
  },
});

builder.prismaNode('Event', {
  id: { field: 'id' },
  authScopes: { authenticated: true },
  fields: (t) => ({
    type: t.exposeString('type', { description: 'e.g. `clone.created`, `clone.status_changed`, `clone.rdp_revealed`.' }),
    actorKind: t.expose('actorKind', { type: ActorKind }),
    actor: t.relation('actor', { nullable: true, description: 'The user, for USER events.' }),
    subjectType: t.exposeString('subjectType', { description: 'The type of the subject: `Clone`, `User`, `Snapshot`, ...' }),
    subjectId: t.id({
      description: 'The global ID of the subject (usable with `node`).',
      select: { subjectType: true, subjectId: true },
      resolve: (event) => encodeGlobalID(event.subjectType, event.subjectId),
    }),
    clone: t.relation('clone', { nullable: true }),
    data: t.expose('data', { type: 'JSON', description: 'Details; the shape depends on the type. Never holds secrets.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

const EventFilter = builder.inputType('EventFilter', {
  fields: (t) => ({
    cloneId: t.id({ description: 'Events of this clone and of its snapshots and restores.' }),
    subjectId: t.id({ description: 'Events about this object (any type).' }),
    type: t.stringList({ description: 'Any of these event types.' }),
    actorId: t.id({ description: 'Events caused by this User.' }),
    after: t.field({ type: 'DateTime', description: 'At or after this instant.' }),
    before: t.field({ type: 'DateTime', description: 'Before this instant.' }),
  }),
});

function subjectWhere(globalId: string | number | null | undefined): Prisma.EventWhereInput {
  if (globalId === null || globalId === undefined) return {};
  try {
    const { typename, id } = decodeGlobalID(String(globalId));
    return { subjectType: typename, subjectId: id };
  } catch {
    throw new AppError('VALIDATION', 'not a global ID', 'filter.subjectId');
  }
}

function eventWhere(filter: typeof EventFilter.$inferInput | null | undefined): Prisma.EventWhereInput {
  return {
    ...subjectWhere(filter?.subjectId),
    cloneId: optionalId(filter?.cloneId, 'Clone', 'filter.cloneId'),
    actorId: optionalId(filter?.actorId, 'User', 'filter.actorId'),
    ...(filter?.type?.length ? { type: { in: filter.type } } : {}),
    createdAt: timeRange(filter?.after, filter?.before),
  };
}

const EventOrderField = builder.enumType('EventOrderField', { values: ['CREATED_AT', 'TYPE'] as const });

const EventOrder = builder.inputType('EventOrder', {
  fields: (t) => ({
    field: t.field({ type: EventOrderField, required: true }),
    direction: t.field({ type: OrderDirection, defaultValue: 'ASC' }),
  }),
});

builder.queryField('events', (t) =>
  t.prismaConnection({
    type: 'Event',
    cursor: 'id',
    authScopes: { authenticated: true },
    description: 'The audit trail, newest first unless ordered otherwise.',
    args: { filter: t.arg({ type: EventFilter }), orderBy: t.arg({ type: EventOrder }) },
    totalCount: (_connection, args, { prisma }) => prisma.event.count({ where: eventWhere(args.filter) }),
    resolve: (query, _root, args, { prisma }) => {
      const d = direction(args.orderBy?.direction, args.orderBy ? 'asc' : 'desc');
      const column = args.orderBy?.field === 'TYPE' ? { type: d } : { createdAt: d };
      return prisma.event.findMany({ ...query, where: eventWhere(args.filter), orderBy: [column, { id: d }] });
    },
  }),
);

type CloneEventMessage = Extract<BusMessage, { topic: 'clone.event' }>;

builder.subscriptionField('cloneEvents', (t) =>
  t.prismaField({
    type: 'Event',
    nullable: true,
    description: 'Each new event of one clone, as it is written (by the API or a workflow in any process).',
    authScopes: { authenticated: true },
    args: { cloneId: t.arg.id({ required: true }) },
    subscribe: async (_root, args, ctx) => {
      const cloneId = decodeId(String(args.cloneId), 'Clone', 'cloneId');
      // Subscribe first so nothing written during the existence check is missed.
      const messages = sessionFeed(ctx, (m): m is CloneEventMessage => m.topic === 'clone.event' && m.cloneId === cloneId);
      if (!(await ctx.prisma.clone.findUnique({ where: { id: cloneId }, select: { id: true } }))) {
        await messages.return?.();
        throw notFound('clone', 'cloneId');
      }
      return messages;
    },
    resolve: (query, message: CloneEventMessage | SessionEnded, _args, { prisma }) =>
      prisma.event.findUnique({ ...query, where: { id: liveEvent(message).eventId } }),
  }),
);
