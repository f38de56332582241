// Users: accounts are created by an admin with a generated password, shown once.
import { AppError, conflict, notFound, validationError } from '../../domain/errors.js';
import { checkUserInput } from '../../domain/validation.js';
import { notify } from '../../infra/eventBus.js';
import { recordEvent, SYSTEM, type Actor } from '../../infra/events.js';
import { generatePassword, hashPassword, verifyPassword } from '../../infra/secrets.js';
import type { Prisma, Role } from '../../prisma/client.js';
import { isUniqueViolation } from '../../prisma/errors.js';
import type { SessionCache } from './sessionCache.js';
import type { ActingUser, AppServices, AuthUser } from './types.js';

export interface CreateUserInput {
  username: string;
  name: string;
  role: Role;
}

/**
 * Creates the user; the password is generated, returned once, and only its hash stored. `user`
 * is the admin who asks, or null for the `enclave user create` command (the first admin).
 */
export async function createUser(
  { prisma }: Pick<AppServices, 'prisma'>,
  user: ActingUser | null,
  input: CreateUserInput,
): Promise<{ userId: string; password: string }> {
  const fields = { username: input.username, name: input.name.trim(), role: input.role };
  const problems = checkUserInput(fields);
  if (!problems.empty) throw validationError(problems.list);
  const duplicate = () => conflict(`the username "${fields.username}" is taken`, 'input.username');
  if (await prisma.user.findUnique({ where: { username: fields.username }, select: { id: true } })) throw duplicate();
  const password = generatePassword();
  const passwordHash = await hashPassword(password);
  try {
    return await prisma.$transaction(async (tx) => {
      const created = await tx.user.create({ data: { ...fields, passwordHash }, select: { id: true } });
      await recordEvent(tx, {
        actor: actorOf(user),
        subjectType: 'User',
        subjectId: created.id,
        type: 'user.created',
        data: { username: fields.username, role: fields.role },
      });
      return { userId: created.id, password };
    });
  } catch (error) {
    // A concurrent create of the same username passed the check above too; the unique index decides.
    if (isUniqueViolation(error)) throw duplicate();
    throw error;
  }
}

const actorOf = (user: ActingUser | null): Actor => (user ? { kind: 'USER', userId: user.id } : SYSTEM);

/** The database, and the API's session cache when called from the API (forgotten after a change commits). */
type Db = Pick<AppServices, 'prisma'> & { sessions?: SessionCache };
type Tx = Prisma.TransactionClient;

/** Changes to who is an enabled GLOBAL_ADMIN are made one at a time (across API replicas). */
const lockAdmins = (tx: Tx) => tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('users:global_admins'))`;

async function targetUser(tx: Tx, userId: string) {
  const target = await tx.user.findUnique({ where: { id: userId } });
  if (!target) throw notFound('user', 'userId');
  return target;
}

/** Refuses a change that would leave no enabled GLOBAL_ADMIN: nobody could administer Enclave any more. */
async function keepOneAdmin(tx: Tx, target: { id: string; role: Role; disabledAt: Date | null }, field: string, what: string) {
  if (target.role !== 'GLOBAL_ADMIN' || target.disabledAt) return;
  const others = await tx.user.count({ where: { role: 'GLOBAL_ADMIN', disabledAt: null, id: { not: target.id } } });
  if (others === 0) throw new AppError('INVALID_STATE', `${what} would leave no enabled GLOBAL_ADMIN; make another user GLOBAL_ADMIN first`, field);
}

/** Ends every session of the user (but `keepSessionId`), on every API replica: their subscriptions end too. */
async function endSessionsOf(tx: Tx, userId: string, keepSessionId?: string): Promise<number> {
  const sessions = await tx.session.findMany({ where: { userId, ...(keepSessionId ? { id: { not: keepSessionId } } : {}) }, select: { id: true } });
  await tx.session.deleteMany({ where: { id: { in: sessions.map((s) => s.id) } } });
  for (const session of sessions) await notify(tx, { topic: 'session.ended', sessionId: session.id, userId });
  return sessions.length;
}

export async function setUserRole({ prisma, sessions }: Db, user: ActingUser, userId: string, role: Role): Promise<{ id: string }> {
  const changed = await prisma.$transaction(async (tx) => {
    await lockAdmins(tx);
    const target = await targetUser(tx, userId);
    if (target.role === role) return { id: target.id };
    if (role !== 'GLOBAL_ADMIN') await keepOneAdmin(tx, target, 'role', 'this change of role');
    await tx.user.update({ where: { id: target.id }, data: { role } });
    // Open subscriptions re-check the session (the role is part of it) and end.
    await notify(tx, { topic: 'user.changed', userId: target.id });
    await recordEvent(tx, { actor: actorOf(user), subjectType: 'User', subjectId: target.id, type: 'user.role_changed', data: { from: target.role, to: role } });
    return { id: target.id };
  });
  sessions?.forgetUser(changed.id);
  return changed;
}

/** Disables the account (it cannot log in) and ends all its sessions; or enables it again. */
export async function setUserDisabled({ prisma, sessions }: Db, user: ActingUser, userId: string, disabled: boolean): Promise<{ id: string }> {
  const changed = await prisma.$transaction(async (tx) => {
    await lockAdmins(tx);
    const target = await targetUser(tx, userId);
    if (!!target.disabledAt === disabled) return { id: target.id };
    if (disabled) {
      await keepOneAdmin(tx, target, 'userId', 'disabling this user');
      await tx.user.update({ where: { id: target.id }, data: { disabledAt: new Date() } });
      await endSessionsOf(tx, target.id);
    } else {
      await tx.user.update({ where: { id: target.id }, data: { disabledAt: null } });
    }
    await notify(tx, { topic: 'user.changed', userId: target.id });
    await recordEvent(tx, { actor: actorOf(user), subjectType: 'User', subjectId: target.id, type: disabled ? 'user.disabled' : 'user.enabled' });
    return { id: target.id };
  });
  sessions?.forgetUser(changed.id);
  return changed;
}

/** A new generated password for the user, returned once; their sessions end (the old one may be known). */
export async function resetUserPassword({ prisma, sessions }: Db, user: ActingUser, userId: string): Promise<{ userId: string; password: string }> {
  const password = generatePassword();
  const passwordHash = await hashPassword(password);
  const reset = await prisma.$transaction(async (tx) => {
    const target = await targetUser(tx, userId);
    await tx.user.update({ where: { id: target.id }, data: { passwordHash } });
    const ended = await endSessionsOf(tx, target.id);
    await recordEvent(tx, { actor: actorOf(user), subjectType: 'User', subjectId: target.id, type: 'user.password_reset', data: { sessionsEnded: ended } });
    return { userId: target.id, password };
  });
  sessions?.forgetUser(reset.userId);
  return reset;
}

/** The shortest password a user may choose (generated ones are 20 characters). */
export const MIN_PASSWORD_LENGTH = 12;

/** The caller's own password; the old one is required. Their other sessions end, this one stays. */
export async function changeOwnPassword({ prisma, sessions }: Db, user: AuthUser, oldPassword: string, newPassword: string): Promise<void> {
  const problems = [];
  if ([...newPassword].length < MIN_PASSWORD_LENGTH) problems.push({ field: 'newPassword', message: `must be at least ${MIN_PASSWORD_LENGTH} characters` });
  else if (newPassword === oldPassword) problems.push({ field: 'newPassword', message: 'must differ from the old password' });
  const row = await prisma.user.findUniqueOrThrow({ where: { id: user.id }, select: { passwordHash: true } });
  // The old password is checked first: a wrong one learns nothing about the new one's rules.
  if (!(await verifyPassword(oldPassword, row.passwordHash))) throw new AppError('VALIDATION', 'oldPassword: not your current password', 'oldPassword');
  if (problems.length) throw validationError(problems);
  const passwordHash = await hashPassword(newPassword);
  await prisma.$transaction(async (tx) => {
    await tx.user.update({ where: { id: user.id }, data: { passwordHash } });
    const ended = await endSessionsOf(tx, user.id, user.sessionId);
    await recordEvent(tx, { actor: actorOf(user), subjectType: 'User', subjectId: user.id, type: 'user.password_changed', data: { sessionsEnded: ended } });
  });
  sessions?.forgetUser(user.id);
}

/** Ends one session: one's own, or anyone's for a GLOBAL_ADMIN. */
export async function endSession({ prisma, sessions }: Db, user: AuthUser, sessionId: string): Promise<void> {
  await prisma.$transaction(async (tx) => {
    const session = await tx.session.findUnique({ where: { id: sessionId }, select: { id: true, userId: true } });
    // Another user's session is "not found" to a non-admin: its existence is none of their business.
    if (!session || (session.userId !== user.id && user.role !== 'GLOBAL_ADMIN')) throw notFound('session', 'sessionId');
    await tx.session.delete({ where: { id: session.id } });
    await notify(tx, { topic: 'session.ended', sessionId: session.id, userId: session.userId });
    await recordEvent(tx, { actor: actorOf(user), subjectType: 'User', subjectId: session.userId, type: 'user.session_ended', data: { sessionId: session.id } });
  });
  sessions?.forgetSession(sessionId);
}
