// Users, roles and sessions.
import { login, logout } from '../auth.js';
import { builder } from '../builder.js';

export const Role = builder.enumType('Role', {
  values: {
    GLOBAL_ADMIN: { description: 'Everything.' },
    MACHINE_ADMIN: { description: 'Operates clones (failover, snapshots, power) and sees everything.' },
    DEVELOPER: { description: 'Read-only; never sees credentials.' },
  },
});

builder.prismaNode('User', {
  id: { field: 'id' },
  authScopes: { authenticated: true },
  fields: (t) => ({
    username: t.exposeString('username'),
    name: t.exposeString('name'),
    role: t.expose('role', { type: Role }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
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

builder.queryField('me', (t) =>
  t.prismaField({
    type: 'User',
    nullable: true,
    description: 'The logged-in user, or null for an anonymous caller.',
    resolve: (query, _root, _args, { prisma, user }) =>
      user ? prisma.user.findUnique({ ...query, where: { id: user.id } }) : null,
  }),
);

builder.mutationFields((t) => ({
  login: t.field({
    type: LoginPayload,
    args: { username: t.arg.string({ required: true }), password: t.arg.string({ required: true }) },
    resolve: (_root, { username, password }, { prisma }) => login(prisma, username, password),
  }),
  logout: t.boolean({
    authScopes: { authenticated: true },
    resolve: async (_root, _args, { prisma, user }) => {
      await logout(prisma, user!.sessionId);
      return true;
    },
  }),
}));
