// Sessions: logging in and out, and the user behind a bearer token. A login creates a Session
// holding the SHA-256 of a random bearer token; the token itself is shown once to the client and
// never stored or logged.
import { createHash } from 'node:crypto';
import { AppError } from '../../domain/errors.js';
import { notify } from '../../infra/eventBus.js';
import { recordEvent } from '../../infra/events.js';
import { generateToken, verifyPassword } from '../../infra/secrets.js';
import type { PrismaClient } from '../../prisma/client.js';
import type { SessionCache } from './sessionCache.js';
import type { AuthUser } from './types.js';

export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

// A fixed hash to verify against when the user does not exist, so the response time does not
// tell an attacker which usernames exist.
const DECOY_HASH =
  'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

/**
 * Failed logins allowed within the window, per username (guessing one account's password) and
 * per client address (trying many accounts). Counted in PostgreSQL so all API replicas share them.
 */
export const LOGIN_LIMITS = { windowMs: 15 * 60 * 1000, perUsername: 5, perAddress: 20 };

export async function login(
  prisma: PrismaClient,
  username: string,
  password: string,
  address: string | null,
): Promise<{ token: string; user: { id: string }; expiresAt: Date }> {
  const since = new Date(Date.now() - LOGIN_LIMITS.windowMs);
  // Counting and recording an attempt is one step per username and per address (advisory locks,
  // taken in that order, held until commit), so parallel attempts are counted one after the
  // other: exactly the limit get past the count to the password check, whatever the concurrency.
  // The attempt is recorded as a failure before the password is checked; a success removes it.
  await prisma.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`login:username:${username}`}))`;
      if (address) await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`login:address:${address}`}))`;
      const [byUsername, byAddress] = await Promise.all([
        tx.loginAttempt.count({ where: { username, createdAt: { gte: since } } }),
        address ? tx.loginAttempt.count({ where: { address, createdAt: { gte: since } } }) : 0,
      ]);
      // Checked before the password, so a locked-out caller learns nothing about it.
      if (byUsername >= LOGIN_LIMITS.perUsername || byAddress >= LOGIN_LIMITS.perAddress) {
        throw new AppError('RATE_LIMITED', `too many failed logins; try again within ${LOGIN_LIMITS.windowMs / 60_000} minutes`);
      }
      await tx.loginAttempt.create({ data: { username, address } });
    },
    { maxWait: 30_000, timeout: 30_000 },
  );
  const user = await prisma.user.findUnique({ where: { username } });
  const valid = await verifyPassword(password, user?.passwordHash ?? DECOY_HASH);
  if (!user || !valid || user.disabledAt) {
    await prisma.loginAttempt.deleteMany({ where: { createdAt: { lt: since } } });
    throw new AppError('UNAUTHENTICATED', 'invalid username or password');
  }
  const token = generateToken();
  const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
  await prisma.$transaction(async (tx) => {
    // The account's owner got in: earlier failures against it no longer count.
    await tx.loginAttempt.deleteMany({ where: { username } });
    await tx.session.create({ data: { tokenHash: hashToken(token), userId: user.id, expiresAt } });
    await recordEvent(tx, { actor: { kind: 'USER', userId: user.id }, subjectType: 'User', subjectId: user.id, type: 'user.logged_in' });
  });
  return { token, user, expiresAt };
}

export async function logout({ prisma, sessions }: { prisma: PrismaClient; sessions?: SessionCache }, user: AuthUser): Promise<void> {
  await prisma.$transaction(async (tx) => {
    await tx.session.deleteMany({ where: { id: user.sessionId } });
    // Its open subscriptions end too, on every API replica.
    await notify(tx, { topic: 'session.ended', sessionId: user.sessionId, userId: user.id });
    await recordEvent(tx, { actor: { kind: 'USER', userId: user.id }, subjectType: 'User', subjectId: user.id, type: 'user.logged_out' });
  });
  sessions?.forgetSession(user.sessionId);
}

/** The user a bearer token acts for, or null (no such session, expired, or the user disabled). */
export async function userForToken(prisma: PrismaClient, token: string, sessions?: SessionCache): Promise<AuthUser | null> {
  const tokenHash = hashToken(token);
  const read = () => sessionUser(prisma, tokenHash);
  return sessions ? sessions.user(tokenHash, read) : read();
}

async function sessionUser(prisma: PrismaClient, tokenHash: string): Promise<AuthUser | null> {
  const session = await prisma.session.findUnique({
    where: { tokenHash },
    select: { id: true, expiresAt: true, user: { select: { id: true, username: true, name: true, role: true, disabledAt: true } } },
  });
  if (!session || session.expiresAt < new Date() || session.user.disabledAt) return null;
  const { user } = session;
  return { id: user.id, username: user.username, name: user.name, role: user.role, sessionId: session.id, sessionExpiresAt: session.expiresAt };
}

/**
 * Whether the session behind `user` still stands as it was when the subscription started: not
 * logged out, not expired, the user not disabled and their role unchanged. Asked before each
 * subscription event is sent.
 */
export async function sessionStillValid(prisma: PrismaClient, user: AuthUser): Promise<boolean> {
  const session = await prisma.session.findUnique({
    where: { id: user.sessionId },
    select: { expiresAt: true, user: { select: { disabledAt: true, role: true } } },
  });
  return !!session && session.expiresAt >= new Date() && !session.user.disabledAt && session.user.role === user.role;
}
