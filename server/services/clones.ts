// Clone operations behind the GraphQL mutations (and the RDP credentials read): input checks, the
// database write and the workflow request, arranged so a failure leaves nothing half-made.
// Clone IDs are database IDs; createClone alone takes global IDs (its references), decoded here so
// a bad one is reported together with the input's other problems.
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import { createHash } from 'node:crypto';
import { reserveCapacity } from '../../infra/capacity.js';
import { AppError, conflict, invalidState, notFound, validationError } from '../../domain/errors.js';
import { notify } from '../../infra/eventBus.js';
import { recordCloneEvent } from '../../infra/events.js';
import { errorFields, logger } from '../../infra/logger.js';
import { decryptSecret, encryptSecret, generatePassword } from '../../infra/secrets.js';
import { checkCloneInput } from '../../domain/validation.js';
import { isUniqueViolation } from '../../prisma/errors.js';
import type { GuestOsFamily } from '../../prisma/client.js';
import { credentialsUnavailable } from '../../domain/credentials.js';
import {
  cloneRequestUpdate,
  createSnapshotUpdate,
  deleteCloneUpdate,
  type CloneRequest,
} from '../../workflows/clone/messages.js';
import { cloneWorkflowId } from '../../workflows/ids.js';
import { isRestorable } from '../../domain/snapshots.js';
import { CLONE_ID, CLONE_STATUS } from '../../workflows/searchAttributes.js';
import { operationType } from '../../domain/operations.js';
import { decodeId } from '../ids.js';
import { lockImage } from './inventory.js';
import { queueCloneOperation } from './operations.js';
import type { ActingUser, AppServices } from './types.js';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export interface CreateCloneInput {
  name: string;
  /** Optional; stored trimmed, empty when omitted. */
  description?: string | null;
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
    prisma.vmImage.findFirst({ where: { id: ids.imageId, removedAt: null, retiredAt: null }, select: { id: true, name: true, applicationId: true } }),
    prisma.configuration.findUnique({ where: { id: ids.configurationId }, select: { id: true, applicationId: true, application: { select: { name: true } } } }),
    prisma.network.findFirst({ where: { id: ids.networkId, removedAt: null }, select: { id: true } }),
    prisma.clone.findUnique({ where: { name }, select: { id: true } }),
  ]);
  if (!image) throw notFound('image', 'input.imageId');
  if (!configuration) throw notFound('configuration', 'input.configurationId');
  if (!network) throw notFound('network', 'input.networkId');
  if (image.applicationId !== configuration.applicationId) {
    throw validationError([{ field: 'input.imageId', message: `the image "${image.name}" is not an image of the configuration's application "${configuration.application.name}"` }]);
  }
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
      // retireImage holds this lock (exclusive) while it checks for clones of the image.
      await lockImage(tx, ids.imageId, 'shared');
      if (!(await tx.vmImage.findFirst({ where: { id: ids.imageId, retiredAt: null }, select: { id: true } }))) throw notFound('image', 'input.imageId');
      const created = await tx.clone.create({
        data: {
          name,
          description: (input.description ?? '').trim(),
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
      await recordCloneEvent(tx, actor, created.id, 'clone.created', { name, cpu: input.cpu, ramGb: input.ramGb });
      await notify(tx, {
        topic: 'clone.status',
        cloneId: created.id,
        status: 'PROVISIONING',
        failover: false,
        at: created.createdAt.toISOString(),
      });
      // Last: the capacity lock is held from here to the commit (a refusal rolls all of it back).
      await reserveCapacity(tx, { cpu: input.cpu, ramGb: input.ramGb });
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
    await recordCloneEvent(services.prisma, { kind: 'SYSTEM' }, clone.id, 'clone.workflow_reconciled', { reason: 'the clone was PROVISIONING without a workflow; its workflow was started' });
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
    (input.description ?? '').trim(),
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

async function existingClone({ prisma }: Pick<AppServices, 'prisma'>, id: string) {
  const clone = await prisma.clone.findUnique({ where: { id }, select: { id: true, status: true } });
  if (!clone) throw notFound('clone', 'cloneId');
  return clone;
}

/** What a request to a clone answers: the clone and the Operation that follows the request. */
export interface QueuedOperation {
  id: string;
  operationId: string;
}

/** End of failover and power actions: queued by the workflow as an Operation. */
export async function requestCloneOperation(
  services: CloneServices,
  user: ActingUser,
  cloneId: string,
  request: DistributiveOmit<Exclude<CloneRequest, { kind: 'startFailover' | 'createSnapshot' }>, 'actorId' | 'operationId'>,
): Promise<QueuedOperation> {
  const clone = await existingClone(services, cloneId);
  const { kind, ...details } = request;
  // Failback powers the primary on again (it was fenced when failover started).
  const full = { ...request, actorId: user.id, ...(kind === 'endFailover' ? { startPrimary: true } : {}) };
  const { operationId } = await queueCloneOperation(services, user, clone.id, {
    type: operationType(request),
    options: details,
    send: (handle, id) => handle.executeUpdate(cloneRequestUpdate, { args: [{ ...full, operationId: id } as CloneRequest] }),
    audit: { type: `clone.${request.kind === 'power' ? request.action : kind}_requested`, data: details },
  });
  return { id: clone.id, operationId };
}

/**
 * Point-in-time restore: queues a MANUAL restore of a snapshot of the clone's configuration onto
 * the clone. The snapshot must be DONE and not pruned (records know when their vSphere snapshot
 * is gone); the workflow checks vSphere once more when it builds the VM, and marks the record
 * pruned if the snapshot has gone since. Refusals change nothing.
 */
export async function restoreClone(
  services: CloneServices,
  user: ActingUser,
  cloneId: string,
  snapshotId: string,
): Promise<QueuedOperation> {
  const clone = await services.prisma.clone.findUnique({ where: { id: cloneId }, select: { id: true, configurationId: true } });
  if (!clone) throw notFound('clone', 'cloneId');
  const snapshot = await services.prisma.snapshot.findUnique({
    where: { id: snapshotId },
    select: { configurationId: true, status: true, prunedAt: true, prunedReason: true, vsphereRef: true },
  });
  if (!snapshot) throw notFound('snapshot', 'snapshotId');
  if (snapshot.configurationId !== clone.configurationId) {
    throw new AppError('VALIDATION', "the snapshot belongs to another configuration than the clone's", 'snapshotId');
  }
  if (snapshot.prunedAt) {
    throw new AppError('INVALID_STATE', `the snapshot no longer exists in vSphere (pruned: ${snapshot.prunedReason ?? 'RETENTION'})`, 'snapshotId');
  }
  if (!isRestorable(snapshot)) {
    throw new AppError('INVALID_STATE', `only a DONE snapshot can be restored; this one is ${snapshot.status}`, 'snapshotId');
  }
  return requestCloneOperation(services, user, clone.id, { kind: 'restore', snapshotId });
}

/** A manual snapshot of the clone (during failover it also fails back); returns the Snapshot row. */
export async function createCloneSnapshot(
  services: CloneServices,
  user: ActingUser,
  cloneId: string,
): Promise<{ id: string; operationId: string }> {
  const clone = await existingClone(services, cloneId);
  const { operationId, answer } = await queueCloneOperation(services, user, clone.id, {
    type: 'CREATE_SNAPSHOT',
    send: (handle, id) =>
      handle.executeUpdate(createSnapshotUpdate, { args: [{ actorId: user.id, operationId: id, startPrimary: true }] }),
    audit: { type: 'clone.snapshot_requested' },
  });
  await services.prisma.operation.update({ where: { id: operationId }, data: { snapshotId: answer.snapshotId } });
  return { id: answer.snapshotId, operationId };
}

/**
 * Asks the clone's workflow to tear it down; the workflow validates (never in failover) and
 * answers at once. A clone already going answers with itself and no new Operation.
 */
export async function deleteClone(services: CloneServices, user: ActingUser, cloneId: string): Promise<{ id: string; operationId?: string }> {
  const clone = await existingClone(services, cloneId);
  if (clone.status === 'DELETED' || clone.status === 'DELETING') return clone;
  const { operationId } = await queueCloneOperation(services, user, clone.id, {
    type: 'DELETE',
    send: (handle, id) => handle.executeUpdate(deleteCloneUpdate, { args: [{ actorId: user.id, operationId: id }] }),
    audit: { type: 'clone.delete_requested' },
  });
  return { id: clone.id, operationId };
}

/** The port RDP clients connect to on the clone VM. */
export const RDP_PORT = 3389;

/** How a client reaches the clone's guest, by the image's guest OS family. */
export type RemoteProtocol = 'RDP' | 'SSH';

/**
 * The clone's login, or why there is none (yet): credentials are offered only when a
 * customization really set them and it has finished.
 */
export interface RdpCredentials {
  available: boolean;
  /** Why there are no credentials to offer; null when available. */
  unavailableReason: string | null;
  protocol: RemoteProtocol | null;
  host: string | null;
  port: number | null;
  username: string | null;
  password: string | null;
}

/** The columns of a clone that revealing its RDP credentials reads. */
export interface RdpSource {
  id: string;
  status: string;
  rdpUsername: string;
  rdpPasswordEnc: string;
  guestCustomizedAt: Date | null;
  image: { guestOsFamily: GuestOsFamily };
  machine: { guestIp: string | null } | null;
}

/**
 * Decrypts the clone's RDP credentials for the user, after recording the reveal (who, which
 * clone, from where; never the password): a reveal that could not be audited does not happen.
 * A clone with no working credentials answers why instead (and reveals nothing).
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
  const protocol: RemoteProtocol | null = clone.image.guestOsFamily === 'WINDOWS' ? 'RDP' : clone.image.guestOsFamily === 'LINUX' ? 'SSH' : null;
  const host = clone.machine?.guestIp ?? null;
  const unavailableReason = credentialsUnavailable(clone);
  if (unavailableReason) {
    return { available: false, unavailableReason, protocol, host, port: protocol === 'SSH' ? SSH_PORT : protocol ? RDP_PORT : null, username: null, password: null };
  }
  await recordCloneEvent(prisma, { kind: 'USER', userId: user.id }, clone.id, 'clone.rdp_revealed', { username: clone.rdpUsername, clientAddress });
  return {
    available: true,
    unavailableReason: null,
    protocol: 'RDP',
    host,
    port: RDP_PORT,
    username: clone.rdpUsername,
    password: decryptSecret(clone.rdpPasswordEnc, settings.secretKey),
  };
}

/** The port SSH clients connect to on a Linux clone. */
export const SSH_PORT = 22;
