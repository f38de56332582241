// Users, roles and sessions.
import { Role as PrismaRole, type User } from '../../prisma/client.js';
import { builder } from '../builder.js';
import { login, logout } from '../services/sessions.js';
import { createUser, resetUserPassword, setUserDisabled, setUserRole } from '../services/users.js';
import { decodeId } from '../ids.js';

export const Role = builder.enumType(PrismaRole, {
  name: 'Role',
  values: {
    GLOBAL_ADMIN: { description: 'Everything.' },
    MACHINE_ADMIN: { description: 'Operates clones (failover, snapshots, power) and sees everything.' },
    DEVELOPER: { description: 'Read-only; never sees credentials.' },
  },
});

builder.prismaNode('User', {
  id: { field: 'id' },
  // Select mode: a query reads only the columns its selection needs (fields that read more declare `select`).
  select: { id: true },
  // The request that logs in is still anonymous, but may read the user it just logged in as.
  authScopes: (user, ctx) => (ctx.user ? { authenticated: true } : user.id === ctx.loggedInAs),
  fields: (t) => ({
    username: t.exposeString('username'),
    name: t.exposeString('name'),
    role: t.expose('role', { type: Role }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    disabledAt: t.expose('disabledAt', { type: 'DateTime', nullable: true }),
  }),
});

const LoginPayload = builder
  .objectRef<{ token: string; user: { id: string }; expiresAt: Date }>('LoginPayload')
  .implement({
    fields: (t) => ({
      token: t.exposeString('token', { description: 'Send as `Authorization: Bearer <token>`.' }),
      expiresAt: t.expose('expiresAt', { type: 'DateTime' }),
      user: t.prismaField({
        type: 'User',
        resolve: (query, payload, _args, { prisma }) =>
          prisma.user.findUniqueOrThrow({ ...query, where: { id: payload.user.id } }),
      }),
    }),
  });

const CreateUserPayload = builder.objectRef<{ userId: string; password: string }>('CreateUserPayload').implement({
  description: 'A user and the password generated for them, shown only here.',
  fields: (t) => ({
    password: t.exposeString('password', {
      description: 'The generated password. Shown only here, once: hand it to the user.',
    }),
    user: t.prismaField({
      type: 'User',
      resolve: (query, payload, _args, { prisma }) => prisma.user.findUniqueOrThrow({ ...query, where: { id: payload.userId } }),
    }),
  }),
});

const CreateUserInput = builder.inputType('CreateUserInput', {
  fields: (t) => ({
    username: t.string({ required: true, description: '3–30 lowercase letters, digits or underscores, starting with a letter; immutable.' }),
    name: t.string({ required: true, description: '5–100 characters.' }),
    role: t.field({ type: Role, required: true }),
  }),
});

/** The User columns the signed-in caller's session already read (server/services/sessions.ts). */
const SESSION_COLUMNS = new Set(['id', 'username', 'name', 'role']);

/**
 * Whether the planned query of a User selects only columns the session holds: then the session's
 * user is the row, read with the session (from the session cache, kept honest by the event bus).
 */
const sessionAnswers = (query: { select?: Record<string, unknown>; include?: unknown }) =>
  !query.include && !!query.select && Object.entries(query.select).every(([column, wanted]) => wanted === true && SESSION_COLUMNS.has(column));

builder.queryFields((t) => ({
  me: t.prismaField({
    type: 'User',
    nullable: true,
    description: 'The logged-in user, or null for an anonymous caller.',
    resolve: (query, _root, _args, { prisma, user }) => {
      if (!user) return null;
      // A partial row, as every row of a select-mode type is: it holds what the query selects.
      if (sessionAnswers(query)) return { id: user.id, username: user.username, name: user.name, role: user.role } as User;
      return prisma.user.findUnique({ ...query, where: { id: user.id } });
    },
  }),
  users: t.prismaConnection({
    type: 'User',
    cursor: 'id',
    description: 'Every user, by username.',
    authScopes: { authenticated: true },
    totalCount: (_connection, _args, { prisma }) => prisma.user.count(),
    resolve: (query, _root, _args, { prisma }) => prisma.user.findMany({ ...query, orderBy: [{ username: 'asc' }, { id: 'asc' }] }),
  }),
}));

builder.mutationFields((t) => ({
  login: t.field({
    type: LoginPayload,
    description: 'Rate-limited per username and per client address (RATE_LIMITED after repeated failures).',
    args: { username: t.arg.string({ required: true }), password: t.arg.string({ required: true }) },
    resolve: async (_root, { username, password }, ctx) => {
      const session = await login(ctx.prisma, username, password, ctx.clientAddress);
      ctx.loggedInAs = session.user.id;
      return session;
    },
  }),
  logout: t.withAuth({ authenticated: true }).boolean({
    resolve: async (_root, _args, ctx) => {
      await logout(ctx, ctx.user);
      return true;
    },
  }),
  createUser: t.withAuth({ admin: true }).field({
    type: CreateUserPayload,
    description: 'Admin only. The password is generated and returned once; only its hash is stored.',
    args: { input: t.arg({ type: CreateUserInput, required: true }) },
    resolve: (_root, { input }, ctx) => createUser(ctx, ctx.user, input),
  }),
}));

const userDbId = (userId: string | number) => decodeId(String(userId), 'User', 'userId');

builder.mutationFields((t) => {
  const admin = t.withAuth({ admin: true });
  const byId = (query: object, id: string, ctx: { prisma: import('../../prisma/client.js').PrismaClient }) =>
    ctx.prisma.user.findUniqueOrThrow({ ...query, where: { id } });
  return {
    setUserRole: admin.prismaField({
      type: 'User',
      description: "Admin only. The user's open subscriptions end (they re-subscribe under the new role). Refused (INVALID_STATE) when it would leave no enabled GLOBAL_ADMIN.",
      args: { userId: t.arg.id({ required: true }), role: t.arg({ type: Role, required: true }) },
      resolve: async (query, _root, args, ctx) => byId(query, (await setUserRole(ctx, ctx.user, userDbId(args.userId), args.role)).id, ctx),
    }),
    disableUser: admin.prismaField({
      type: 'User',
      description: 'Admin only. The user can no longer log in, and every session of theirs ends now. Refused (INVALID_STATE) for the last enabled GLOBAL_ADMIN.',
      args: { userId: t.arg.id({ required: true }) },
      resolve: async (query, _root, args, ctx) => byId(query, (await setUserDisabled(ctx, ctx.user, userDbId(args.userId), true)).id, ctx),
    }),
    enableUser: admin.prismaField({
      type: 'User',
      description: 'Admin only. The user may log in again.',
      args: { userId: t.arg.id({ required: true }) },
      resolve: async (query, _root, args, ctx) => byId(query, (await setUserDisabled(ctx, ctx.user, userDbId(args.userId), false)).id, ctx),
    }),
    resetUserPassword: admin.field({
      type: CreateUserPayload,
      description: "Admin only. A new generated password, shown once; the user's sessions end.",
      args: { userId: t.arg.id({ required: true }) },
      resolve: (_root, args, ctx) => resetUserPassword(ctx, ctx.user, userDbId(args.userId)),
    }),
  };
});
