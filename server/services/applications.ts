// Applications: what clones are built from. Their images are registered by an admin (registerImage).
import { conflict, validationError } from '../../domain/errors.js';
import { checkApplicationInput } from '../../domain/validation.js';
import { recordEvent } from '../../infra/events.js';
import { isUniqueViolation } from '../../prisma/errors.js';
import type { ActingUser, AppServices } from './types.js';

export interface CreateApplicationInput {
  name: string;
  description?: string | null;
}

export async function createApplication(
  { prisma }: Pick<AppServices, 'prisma'>,
  user: ActingUser,
  input: CreateApplicationInput,
): Promise<{ id: string }> {
  const fields = { name: input.name.trim(), description: input.description?.trim() ?? '' };
  const problems = checkApplicationInput(fields);
  if (!problems.empty) throw validationError(problems.list);
  const duplicate = () => conflict(`an application named "${fields.name}" already exists`, 'input.name');
  if (await prisma.application.findUnique({ where: { name: fields.name }, select: { id: true } })) throw duplicate();
  try {
    return await prisma.$transaction(async (tx) => {
      const row = await tx.application.create({ data: fields, select: { id: true } });
      await recordEvent(tx, {
        actor: { kind: 'USER', userId: user.id },
        subjectType: 'Application',
        subjectId: row.id,
        type: 'application.created',
        data: { name: fields.name },
      });
      return row;
    });
  } catch (error) {
    // A concurrent create of the same name passed the check above too; the unique index decides.
    if (isUniqueViolation(error)) throw duplicate();
    throw error;
  }
}
