// Logins and sessions. A login creates a Session holding the SHA-256 of a random bearer token;
// the token itself is shown once to the client and never stored or logged.
import { createHash } from 'node:crypto';
import { AppError } from '../domain/errors.js';
import { generateToken, verifyPassword } from '../domain/secrets.js';
import type { PrismaClient } from '../prisma/client.js';
import type { AuthUser } from './context.js';

export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

// A fixed hash to verify against when the user does not exist, so the response time does not
// tell an attacker which usernames exist.
const DECOY_HASH =
  'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

export async function login(
  prisma: PrismaClient,
  username: string,
  password: string,
): Promise<{ token: string; user: { id: string }; expiresAt: Date }> {
  const user = await prisma.user.findUnique({ where: { username } });
  const valid = await verifyPassword(password, user?.passwordHash ?? DECOY_HASH);
  if (!user || !valid || user.disabledAt) {
    throw new AppError('UNAUTHENTICATED', 'invalid username or password');
  }
  const token = generateToken();
  const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
  await prisma.session.create({ data: { tokenHash: hashToken(token), userId: user.id, expiresAt } });
  return { token, user, expiresAt };
}

export async function logout(prisma: PrismaClient, sessionId: string): Promise<void> {
  await prisma.session.deleteMany({ where: { id: sessionId } });
}

export async function userForToken(prisma: PrismaClient, token: string): Promise<AuthUser | null> {
  const session = await prisma.session.findUnique({
    where: { tokenHash: hashToken(token) },
    include: { user: true },
  });
  if (!session || session.expiresAt < new Date() || session.user.disabledAt) return null;
  const { user } = session;
  return { id: user.id, username: user.username, name: user.name, role: user.role, sessionId: session.id };
}
