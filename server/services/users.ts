// Users: accounts are created by an admin with a generated password, shown once.
import { conflict, validationError } from '../../domain/errors.js';
import { checkUserInput } from '../../domain/validation.js';
import { recordEvent } from '../../infra/events.js';
import { generatePassword, hashPassword } from '../../infra/secrets.js';
import type { Role } from '../../prisma/client.js';
import { isUniqueViolation } from '../../prisma/errors.js';
import type { ActingUser, AppServices } from './types.js';

export interface CreateUserInput {
  username: string;
  name: string;
  role: Role;
}

/** Creates the user; the password is generated, returned once, and only its hash stored. */
export async function createUser(
  { prisma }: Pick<AppServices, 'prisma'>,
  user: ActingUser,
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
        actor: { kind: 'USER', userId: user.id },
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
