// Clone operations behind the GraphQL mutations (and the RDP credentials read): input checks, the
// database write and the workflow request, arranged so a failure leaves nothing half-made.
// Clone IDs are database IDs; createClone alone takes global IDs (its references), decoded here so
// a bad one is reported together with the input's other problems.
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type WorkflowHandle,
} from '@temporalio/client';
import { createHash } from 'node:crypto';
import { reserveCapacity } from '../../infra/capacity.js';
import { AppError, conflict, invalidState, notFound, validationError } from '../../domain/errors.js';
import { notify } from '../../infra/eventBus.js';
import { recordEvent } from '../../infra/events.js';
import { errorFields, logger } from '../../infra/logger.js';
import { decryptSecret, encryptSecret, generatePassword } from '../../infra/secrets.js';
import { checkCloneInput } from '../../domain/validation.js';
import { isUniqueViolation } from '../../prisma/errors.js';
import {
  cloneRequestUpdate,
  createSnapshotUpdate,
  deleteCloneUpdate,
  type CloneRequest,
} from '../../workflows/clone/messages.js';
import { cloneWorkflowId } from '../../workflows/ids.js';
import { CLONE_ID, CLONE_STATUS } from '../../workflows/searchAttributes.js';
import { decodeId } from '../ids.js';
import type { ActingUser, AppServices } from './types.js';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export interface CreateCloneInput {
  name: string;
  description: string;
  imageId: string;
  configurationId: string;
  networkId: string;
  cpu: number;
  ramGb: number;
  /** A retried create with the same key returns the first result (the argument, else the HTTP header). */
  idempotencyKey?: string | null;
}

/** The Windows account the guest customization sets the generated password on. */
export const RDP_USERNAME = 'Administrator';

type CloneServices = Pick<AppServices, 'prisma' | 'temporal'> & { settings: Pick<AppServices['settings'], 'secretKey' | 'temporal'> };

export async function createClone(
  services: CloneServices,
  user: ActingUser,
  input: CreateCloneInput,
): Promise<{ id: string }> {
  const { prisma, temporal, settings } = services;
  const { idempotencyKey } = input;
  // A retry is answered before any other check: its name would otherwise "conflict" with itself.
  const requestHash = idempotencyKey ? createRequestHash(input) : null;
  const earlier = idempotencyKey ? await cloneForIdempotencyKey(services, user, idempotencyKey, input.name, requestHash) : null;
  if (earlier) return earlier;
  const problems = checkCloneInput(input);
  if (idempotencyKey !== null && idempotencyKey !== undefined) {
    problems.length('input.idempotencyKey', idempotencyKey, 1, 255);
  }
  const ids = { imageId: '', configurationId: '', networkId: '' };
  const refs = [
    ['imageId', 'VmImage'],
    ['configurationId', 'Configuration'],
    ['networkId', 'Network'],
  ] as const;
  for (const [field, typename] of refs) {
    try {
      ids[field] = decodeId(input[field], typename, `input.${field}`);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      problems.add(`input.${field}`, error.message);
    }
  }
  if (!problems.empty) throw validationError(problems.list);

  const name = input.name.trim();
  const [image, configuration, network, sameName] = await Promise.all([
    prisma.vmImage.findFirst({ where: { id: ids.imageId, removedAt: null }, select: { id: true } }),
    prisma.configuration.findUnique({ where: { id: ids.configurationId }, select: { id: true } }),
    prisma.network.findFirst({ where: { id: ids.networkId, removedAt: null }, select: { id: true } }),
    prisma.clone.findUnique({ where: { name }, select: { id: true } }),
  ]);
  if (!image) throw notFound('image', 'input.imageId');
  if (!configuration) throw notFound('configuration', 'input.configurationId');
  if (!network) throw notFound('network', 'input.networkId');
  // The name is taken: by another clone (CONFLICT), or by a concurrent retry with the same
  // idempotency key that committed after the lookup above, whose clone is the answer.
  const nameTaken = async () => {
    const winner = idempotencyKey ? await cloneForIdempotencyKey(services, user, idempotencyKey, input.name, requestHash) : null;
    if (winner) return winner;
    throw conflict(`a clone named "${name}" already exists`, 'input.name');
  };
  if (sameName) return nameTaken();

  const actor = { kind: 'USER' as const, userId: user.id };
  let clone: { id: string; createdAt: Date };
  try {
    clone = await prisma.$transaction(async (tx) => {
      await reserveCapacity(tx, { cpu: input.cpu, ramGb: input.ramGb });
      const created = await tx.clone.create({
        data: {
          name,
          description: input.description.trim(),
          imageId: ids.imageId,
          configurationId: ids.configurationId,
          networkId: ids.networkId,
          cpu: input.cpu,
          ramGb: input.ramGb,
          status: 'PROVISIONING',
          progressPhase: 'queued',
          rdpUsername: RDP_USERNAME,
          rdpPasswordEnc: encryptSecret(generatePassword(), settings.secretKey),
          createdById: actor.userId,
          idempotencyKey: idempotencyKey ?? null,
          idempotencyRequestHash: requestHash,
        },
        select: { id: true, createdAt: true },
      });
      await recordEvent(tx, {
        actor,
        subjectType: 'Clone',
        subjectId: created.id,
        cloneId: created.id,
        type: 'clone.created',
        data: { name, cpu: input.cpu, ramGb: input.ramGb },
      });
      await notify(tx, {
        topic: 'clone.status',
        cloneId: created.id,
        status: 'PROVISIONING',
        failover: false,
        at: created.createdAt.toISOString(),
      });
      return created;
    });
  } catch (error) {
    // Two concurrent creates with one name: the unique index decides which one made it.
    if (isUniqueViolation(error)) return nameTaken();
    throw error;
  }

  try {
    await startCloneWorkflow(services, clone.id, name);
  } catch (error) {
    logger.error({ cloneId: clone.id, ...errorFields(error) }, 'createClone: starting the clone workflow failed');
    // Nothing was provisioned: remove the rows so the failed request leaves no trace but its log.
    // (Should this process die before either happens, reconcileOrphanClones starts the workflow.)
    await prisma.$transaction([
      prisma.event.deleteMany({ where: { cloneId: clone.id } }),
      prisma.clone.delete({ where: { id: clone.id } }),
    ]);
    throw new AppError('UNAVAILABLE', 'the workflow service did not accept the clone; nothing was created');
  }
  return clone;
}

/** Starts the clone's workflow under its deterministic ID; one already started is left as it is. */
async function startCloneWorkflow({ temporal, settings }: CloneServices, cloneId: string, name: string): Promise<void> {
  try {
    await temporal.workflow.start('cloneWorkflow', {
      workflowId: cloneWorkflowId(cloneId),
      taskQueue: settings.temporal.taskQueue,
      args: [{ cloneId }],
      memo: { cloneId, name },
      typedSearchAttributes: [
        { key: CLONE_ID, value: cloneId },
        { key: CLONE_STATUS, value: 'PROVISIONING' },
      ],
    });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
}

/** How old a PROVISIONING clone without a workflow must be before reconcileOrphanClones starts it. */
export const ORPHAN_CLONE_AFTER_MS = 60_000;

/**
 * Finds PROVISIONING clones whose workflow was never started (the API died between committing
 * the row and starting it) and starts it, so no clone holds its capacity for ever. Run at API
 * start and then periodically by every replica: the workflow ID is deterministic, so two replicas
 * reconciling at once start one workflow. Returns the IDs of the clones whose workflow it started.
 */
export async function reconcileOrphanClones(
  services: CloneServices,
  { olderThanMs = ORPHAN_CLONE_AFTER_MS }: { olderThanMs?: number } = {},
): Promise<string[]> {
  const candidates = await services.prisma.clone.findMany({
    where: { status: 'PROVISIONING', deletedAt: null, createdAt: { lt: new Date(Date.now() - olderThanMs) } },
    select: { id: true, name: true },
    orderBy: { createdAt: 'asc' },
    take: 100,
  });
  const started: string[] = [];
  for (const clone of candidates) {
    try {
      await services.temporal.workflow.getHandle(cloneWorkflowId(clone.id)).describe();
      continue; // it has its workflow
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
    }
    await startCloneWorkflow(services, clone.id, clone.name);
    await recordEvent(services.prisma, {
      actor: { kind: 'SYSTEM' },
      subjectType: 'Clone',
      subjectId: clone.id,
      cloneId: clone.id,
      type: 'clone.workflow_reconciled',
      data: { reason: 'the clone was PROVISIONING without a workflow; its workflow was started' },
    });
    started.push(clone.id);
  }
  return started;
}

/**
 * The SHA-256 of the request as it means: the name and description without surrounding blanks,
 * the references as database IDs (any spelling of one global ID is the same reference), the sizes.
 */
export function createRequestHash(input: CreateCloneInput): string {
  const ref = (value: string, typename: string) => {
    try {
      return decodeId(value, typename, 'ref');
    } catch {
      return `raw:${value}`;
    }
  };
  const normalized = [
    input.name.trim(),
    input.description.trim(),
    ref(input.imageId, 'VmImage'),
    ref(input.configurationId, 'Configuration'),
    ref(input.networkId, 'Network'),
    input.cpu,
    input.ramGb,
  ];
  return createHash('sha256').update(JSON.stringify(normalized)).digest('hex');
}

/**
 * The clone an earlier createClone with this key made, if any. The key is bound to the request it
 * was first sent with: the same key with any other field different is CONFLICT. (Clones created
 * before the request hash was stored are compared by name only.)
 */
async function cloneForIdempotencyKey(
  { prisma }: Pick<AppServices, 'prisma'>,
  user: ActingUser,
  idempotencyKey: string,
  name: string,
  requestHash: string | null,
): Promise<{ id: string } | null> {
  const earlier = await prisma.clone.findUnique({
    where: { createdById_idempotencyKey: { createdById: user.id, idempotencyKey } },
    select: { id: true, name: true, idempotencyRequestHash: true },
  });
  const differs = earlier &&
    (earlier.idempotencyRequestHash !== null ? earlier.idempotencyRequestHash !== requestHash : earlier.name !== name.trim());
  if (earlier && differs) {
    throw conflict(
      `this idempotency key was already used for another request (it created the clone "${earlier.name}"); use a new key`,
      'input.idempotencyKey',
    );
  }
  return earlier && { id: earlier.id };
}

type CloneUpdateCall<T> = (handle: WorkflowHandle) => Promise<T>;

/**
 * Sends one request to the clone's workflow. The workflow's validator answers at once: a
 * rejection becomes INVALID_STATE carrying the workflow's reason.
 */
async function askCloneWorkflow<T>(
  { temporal }: Pick<AppServices, 'temporal'>,
  cloneId: string,
  call: CloneUpdateCall<T>,
): Promise<T> {
  try {
    return await call(temporal.workflow.getHandle(cloneWorkflowId(cloneId)));
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError) {
      throw new AppError('INVALID_STATE', error.cause?.message ?? error.message);
    }
    if (error instanceof WorkflowNotFoundError) {
      throw new AppError('INVALID_STATE', 'the clone has no running workflow (it was deleted or never started)');
    }
    throw error;
  }
}

async function existingClone({ prisma }: Pick<AppServices, 'prisma'>, id: string) {
  const clone = await prisma.clone.findUnique({ where: { id }, select: { id: true, status: true } });
  if (!clone) throw notFound('clone', 'cloneId');
  return clone;
}

async function auditRequest(
  { prisma }: Pick<AppServices, 'prisma'>,
  user: ActingUser,
  cloneId: string,
  type: string,
  data?: Record<string, unknown>,
) {
  await recordEvent(prisma, {
    actor: { kind: 'USER', userId: user.id },
    subjectType: 'Clone',
    subjectId: cloneId,
    cloneId,
    type,
    ...(data ? { data } : {}),
  });
}

/** Failover, failback and power actions: queued by the workflow, progress follows by subscription. */
export async function requestCloneOperation(
  services: CloneServices,
  user: ActingUser,
  cloneId: string,
  request: DistributiveOmit<CloneRequest, 'actorId'>,
): Promise<{ id: string }> {
  const clone = await existingClone(services, cloneId);
  const full = { ...request, actorId: user.id } as CloneRequest;
  await askCloneWorkflow(services, clone.id, (handle) => handle.executeUpdate(cloneRequestUpdate, { args: [full] }));
  const { kind, ...details } = request;
  await auditRequest(services, user, clone.id, `clone.${request.kind === 'power' ? request.action : kind}_requested`, details);
  return clone;
}

/** A manual snapshot of the clone (during failover it also fails back); returns the Snapshot row. */
export async function createCloneSnapshot(
  services: CloneServices,
  user: ActingUser,
  cloneId: string,
): Promise<{ id: string }> {
  const clone = await existingClone(services, cloneId);
  const { snapshotId } = await askCloneWorkflow(services, clone.id, (handle) =>
    handle.executeUpdate(createSnapshotUpdate, { args: [{ actorId: user.id }] }),
  );
  await auditRequest(services, user, clone.id, 'clone.snapshot_requested', { snapshotId });
  return { id: snapshotId };
}

/** Asks the clone's workflow to tear it down; the workflow validates and answers at once. */
export async function deleteClone(services: CloneServices, user: ActingUser, cloneId: string): Promise<{ id: string }> {
  const clone = await existingClone(services, cloneId);
  if (clone.status === 'DELETED' || clone.status === 'DELETING') return clone;
  await askCloneWorkflow(services, clone.id, (handle) => handle.executeUpdate(deleteCloneUpdate));
  await auditRequest(services, user, clone.id, 'clone.delete_requested');
  return clone;
}

/** The port RDP clients connect to on the clone VM. */
export const RDP_PORT = 3389;

export interface RdpCredentials {
  host: string | null;
  port: number;
  username: string;
  password: string;
}

/** The columns of a clone that revealing its RDP credentials reads. */
export interface RdpSource {
  id: string;
  status: string;
  rdpUsername: string;
  rdpPasswordEnc: string;
  machine: { guestIp: string | null } | null;
}

/**
 * Decrypts the clone's RDP credentials for the user, after recording the reveal (who, which
 * clone, from where; never the password): a reveal that could not be audited does not happen.
 */
export async function revealRdpCredentials(
  { prisma, settings }: Pick<AppServices, 'prisma' | 'settings'>,
  user: ActingUser,
  clone: RdpSource,
  clientAddress: string | null,
): Promise<RdpCredentials> {
  if (clone.status === 'DELETING' || clone.status === 'DELETED') {
    throw invalidState(`the clone is ${clone.status}: its VM is gone`);
  }
  await recordEvent(prisma, {
    actor: { kind: 'USER', userId: user.id },
    subjectType: 'Clone',
    subjectId: clone.id,
    cloneId: clone.id,
    type: 'clone.rdp_revealed',
    data: { username: clone.rdpUsername, clientAddress },
  });
  return {
    host: clone.machine?.guestIp ?? null,
    port: RDP_PORT,
    username: clone.rdpUsername,
    password: decryptSecret(clone.rdpPasswordEnc, settings.secretKey),
  };
}
