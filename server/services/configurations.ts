// Configurations: what of a primary is snapshotted, how often, and how long it is kept. Each
// write is followed by syncing the configuration's Temporal Schedule to its row.
import { AppError, conflict, notFound, validationError } from '../../domain/errors.js';
import { checkConfigurationInput, checkSchedule, Problems, type ConfigurationScheduleFields } from '../../domain/validation.js';
import { defaultRpoTargetSeconds } from '../../domain/failoverReadiness.js';
import { recordEvent } from '../../infra/events.js';
import { errorFields, logger } from '../../infra/logger.js';
import { isUniqueViolation } from '../../prisma/errors.js';
import { syncConfigurationSchedule } from '../../workflows/snapshots/schedules.js';
import { decodeId } from '../ids.js';
import type { ActingUser, AppServices } from './types.js';

type ConfigurationServices = Pick<AppServices, 'prisma' | 'temporal' | 'settings'>;

export interface CreateConfigurationInput extends ConfigurationScheduleFields {
  name: string;
  /** Global IDs, decoded here so a bad one is reported together with the input's other problems. */
  primaryMachineId: string;
  applicationId: string;
  autoRestore?: boolean | null;
}

export interface UpdateConfigurationInput extends ConfigurationScheduleFields {
  autoRestore?: boolean | null;
}

/** Two concurrent creates can both pass the checks; the unique indexes decide. */
function raceConflict(error: unknown): never {
  if (isUniqueViolation(error)) {
    throw conflict('a configuration with this name, or for this primary and application, already exists', 'input.name');
  }
  throw error;
}

/**
 * Makes the configuration's Temporal Schedule match its row. The row is already committed: if
 * Temporal is away the caller hears so, and the worker's start-up sync creates the schedule later.
 */
async function applySchedule({ prisma, temporal, settings }: ConfigurationServices, configurationId: string): Promise<void> {
  const row = await prisma.configuration.findUniqueOrThrow({ where: { id: configurationId } });
  try {
    await syncConfigurationSchedule(temporal, settings.temporal.taskQueue, row);
  } catch (error) {
    logger.error(errorFields(error), 'schedule sync failed');
    throw new AppError('UNAVAILABLE', 'the configuration was saved, but its snapshot schedule could not be set yet; it will be when the worker next starts');
  }
}

/** Creates the configuration and its Temporal Schedule `configuration-<id>`. */
export async function createConfiguration(
  services: ConfigurationServices,
  user: ActingUser,
  input: CreateConfigurationInput,
): Promise<{ id: string }> {
  const { prisma } = services;
  const problems = checkConfigurationInput(input);
  const ids = { primaryMachineId: '', applicationId: '' };
  for (const [field, typename] of [['primaryMachineId', 'Machine'], ['applicationId', 'Application']] as const) {
    try {
      ids[field] = decodeId(input[field], typename, `input.${field}`);
    } catch (error) {
      problems.add(`input.${field}`, (error as Error).message);
    }
  }
  if (!problems.empty) throw validationError(problems.list);
  const name = input.name.trim();
  const [primary, application, sameName, samePair] = await Promise.all([
    prisma.machine.findFirst({ where: { id: ids.primaryMachineId, kind: 'PRIMARY', removedAt: null, retiredAt: null }, select: { id: true } }),
    prisma.application.findUnique({ where: { id: ids.applicationId }, select: { id: true } }),
    prisma.configuration.findUnique({ where: { name }, select: { id: true } }),
    prisma.configuration.findUnique({
      where: { primaryMachineId_applicationId: { primaryMachineId: ids.primaryMachineId, applicationId: ids.applicationId } },
      select: { id: true },
    }),
  ]);
  if (!primary) throw notFound('primary machine', 'input.primaryMachineId');
  if (!application) throw notFound('application', 'input.applicationId');
  if (sameName) throw conflict(`a configuration named "${name}" already exists`, 'input.name');
  if (samePair) throw conflict('this primary machine already has a configuration for this application', 'input.applicationId');
  const created = await prisma
    .$transaction(async (tx) => {
      const row = await tx.configuration.create({
        data: {
          name,
          primaryMachineId: ids.primaryMachineId,
          applicationId: ids.applicationId,
          scheduleIntervalSeconds: input.scheduleIntervalSeconds ?? null,
          scheduleCron: input.scheduleCron?.trim() ?? null,
          retention: input.retention ?? 7,
          autoRestore: input.autoRestore ?? true,
          rpoTargetSeconds: input.rpoTargetSeconds ?? defaultRpoTargetSeconds(input),
        },
        select: { id: true },
      });
      await recordEvent(tx, {
        actor: { kind: 'USER', userId: user.id },
        subjectType: 'Configuration',
        subjectId: row.id,
        type: 'configuration.created',
        data: { name },
      });
      return row;
    })
    .catch(raceConflict);
  await applySchedule(services, created.id);
  return created;
}

/** Changes the schedule, retention or auto-restore; omitted fields keep their value. */
export async function updateConfiguration(
  services: ConfigurationServices,
  user: ActingUser,
  id: string,
  input: UpdateConfigurationInput,
): Promise<{ id: string }> {
  const { prisma } = services;
  const current = await prisma.configuration.findUnique({ where: { id } });
  if (!current) throw notFound('configuration', 'configurationId');
  const scheduleGiven = typeof input.scheduleIntervalSeconds === 'number' || typeof input.scheduleCron === 'string';
  const next = {
    scheduleIntervalSeconds: scheduleGiven ? (input.scheduleIntervalSeconds ?? null) : current.scheduleIntervalSeconds,
    scheduleCron: scheduleGiven ? (input.scheduleCron?.trim() ?? null) : current.scheduleCron,
    retention: input.retention ?? current.retention,
    autoRestore: input.autoRestore ?? current.autoRestore,
    rpoTargetSeconds: input.rpoTargetSeconds ?? current.rpoTargetSeconds,
  };
  const problems = new Problems();
  checkSchedule(problems, next);
  if (!problems.empty) throw validationError(problems.list);
  await prisma.$transaction(async (tx) => {
    await tx.configuration.update({ where: { id }, data: next });
    await recordEvent(tx, {
      actor: { kind: 'USER', userId: user.id },
      subjectType: 'Configuration',
      subjectId: id,
      type: 'configuration.updated',
      data: next,
    });
  });
  await applySchedule(services, id);
  return { id };
}
