// Sessions: a user lists and ends their logins (an admin anyone's), and changes their password.
import { AppError } from '../../domain/errors.js';
import { builder } from '../builder.js';
import { decodeId } from '../ids.js';
import { VIEWER_DEPENDENT } from '../sharedEvents.js';
import { changeOwnPassword, endSession } from '../services/users.js';

builder.prismaNode('Session', {
  id: { field: 'id' },
  description: 'A login. The bearer token itself is never shown again.',
  // Visible to its user and to GLOBAL_ADMINs.
  authScopes: (session, ctx) => !!ctx.user && (session.userId === ctx.user.id || ctx.user.role === 'GLOBAL_ADMIN'),
  // Who may see it, and `current`, depend on who asks.
  extensions: VIEWER_DEPENDENT,
  fields: (t) => ({
    user: t.relation('user'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime' }),
    lastUsedAt: t.expose('lastUsedAt', { type: 'DateTime' }),
    current: t.boolean({ description: 'The session of this request.', resolve: (session, _args, ctx) => session.id === ctx.user?.sessionId }),
  }),
});

builder.queryField('sessions', (t) =>
  t.withAuth({ authenticated: true }).prismaField({
    type: ['Session'],
    description: "The sessions (logins) that have not expired, newest first: the caller's own, or with `userId` another user's (GLOBAL_ADMIN only).",
    args: { userId: t.arg.id() },
    resolve: (query, _root, args, ctx) => {
      const userId = args.userId ? decodeId(String(args.userId), 'User', 'userId') : ctx.user.id;
      if (userId !== ctx.user.id && ctx.user.role !== 'GLOBAL_ADMIN') throw new AppError('FORBIDDEN', "only a GLOBAL_ADMIN may list another user's sessions", 'userId');
      return ctx.prisma.session.findMany({ ...query, where: { userId, expiresAt: { gt: new Date() } }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
    },
  }),
);

builder.mutationFields((t) => {
  const signedIn = t.withAuth({ authenticated: true });
  return {
    endSession: signedIn.boolean({
      description: "Ends a session (its token stops working, its subscriptions end on every replica): one's own, or anyone's for a GLOBAL_ADMIN.",
      args: { sessionId: t.arg.id({ required: true }) },
      resolve: async (_root, args, ctx) => {
        await endSession(ctx, ctx.user, decodeId(String(args.sessionId), 'Session', 'sessionId'));
        return true;
      },
    }),
    changePassword: signedIn.boolean({
      description: `Changes the caller's own password; the old one is required. Every other session of the caller ends.`,
      args: { oldPassword: t.arg.string({ required: true }), newPassword: t.arg.string({ required: true }) },
      resolve: async (_root, args, ctx) => {
        await changeOwnPassword(ctx, ctx.user, args.oldPassword, args.newPassword);
        return true;
      },
    }),
  };
});
