// Activities of the per-clone workflow. Each is idempotent: it first looks at what already
// exists (the clone's Machine row, a VM with the clone's VM name) so a retry after a crash
// continues instead of repeating. vSphere waits heartbeat their progress.
import { ApplicationFailure, CancelledFailure, Context } from '@temporalio/activity';
import { assertTransition, InvalidTransitionError, type CloneStatusName } from '../../domain/cloneStatus.js';
import type { PowerAction } from '../../domain/cloneRequests.js';
import { notify } from '../../infra/eventBus.js';
import { recordCloneEvent, recordEvent, SYSTEM } from '../../infra/events.js';
import { cloneHostname, cloneVmName } from '../../domain/naming.js';
import { decryptSecret } from '../../infra/secrets.js';
import type { PrismaClient } from '../../prisma/client.js';
import { NotFoundError, ToolsUnavailableError, underlyingFault, type VSphereClient } from '../vsphere/index.js';
import { asActivityFailure, heartbeatProgress } from '../activityErrors.js';
import { failureReason } from '../policies.js';
import { createSnapshotExistence } from '../snapshots/existence.js';
import { releaseMachineRef } from '../machineRefs.js';

export interface CloneActivityDeps {
  prisma: PrismaClient;
  vsphere: VSphereClient;
  secretKey: string;
  guestWaitTimeoutMs: number;
}

export interface CloneUpdate {
  status?: CloneStatusName;
  reason?: string;
  phase?: string;
  percent?: number;
}

export function createCloneActivities({ prisma, vsphere, secretKey, guestWaitTimeoutMs }: CloneActivityDeps) {
  const existence = createSnapshotExistence({ prisma, vsphere });

  async function loadClone(cloneId: string) {
    const clone = await prisma.clone.findUnique({
      where: { id: cloneId },
      include: { image: true, network: true, machine: true },
    });
    if (!clone) throw ApplicationFailure.nonRetryable(`clone ${cloneId} does not exist`, 'NotFound');
    return clone;
  }

  /** The clone's VM reference, or undefined when it has none (never made, or destroyed). */
  async function cloneVmRef(cloneId: string): Promise<string | undefined> {
    const clone = await loadClone(cloneId);
    if (clone.machine?.vsphereRef && !clone.machine.removedAt) return clone.machine.vsphereRef;
    // A crash between vSphere's clone task and our write leaves the VM unrecorded: find it by name.
    return (await vsphere.findVmByName(cloneVmName(clone)))?.ref;
  }

  /**
   * The vSphere step as an activity that shows its retries: while an attempt fails and Temporal
   * retries it (vSphere unreachable, slow, busy), the clone's statusReason says which step, which
   * attempt and why, next to its progressPhase; the note goes once an attempt succeeds.
   */
  function showingRetries<A extends [cloneId: string, ...rest: any[]], R>(step: string, activity: (...args: A) => Promise<R>) {
    return async (...args: A): Promise<R> => {
      const [cloneId] = args;
      const { attempt } = Context.current().info;
      try {
        const result = await activity(...args);
        if (attempt > 1) await prisma.clone.updateMany({ where: { id: cloneId, statusReason: { startsWith: RETRY_NOTE } }, data: { statusReason: null } });
        return result;
      } catch (error) {
        const retried = !(error instanceof CancelledFailure) && !(error instanceof ApplicationFailure && error.nonRetryable);
        if (retried) {
          const note = `${RETRY_NOTE}${step}: attempt ${attempt} failed: ${failureReason(error)}`;
          // Best effort: the database may be what is away; the retry does not depend on the note.
          await prisma.clone.updateMany({ where: { id: cloneId }, data: { statusReason: note } }).catch(() => undefined);
        }
        throw error;
      }
    };
  }

  async function primaryOf(cloneId: string) {
    const clone = await prisma.clone.findUnique({ where: { id: cloneId }, select: { configuration: { select: { primaryMachine: true } } } });
    if (!clone) throw ApplicationFailure.nonRetryable(`clone ${cloneId} does not exist`, 'NotFound');
    return clone.configuration.primaryMachine;
  }

  const activities = {
    /** Writes status and/or progress, with its Event rows and bus messages, in one transaction. */
    async updateClone(cloneId: string, change: CloneUpdate): Promise<void> {
      await prisma.$transaction(async (tx) => {
        const clone = await tx.clone.findUnique({ where: { id: cloneId }, select: { status: true, failover: true, progressPhase: true, progressPercent: true } });
        if (!clone) throw ApplicationFailure.nonRetryable(`clone ${cloneId} does not exist`, 'NotFound');
        const statusChanged = change.status !== undefined && change.status !== clone.status;
        if (statusChanged) {
          try {
            assertTransition(clone.status, change.status!);
          } catch (error) {
            if (error instanceof InvalidTransitionError) throw ApplicationFailure.nonRetryable(error.message, 'InvalidTransition');
            throw error;
          }
        }
        const updated = await tx.clone.update({
          where: { id: cloneId },
          data: {
            ...(statusChanged ? { status: change.status, statusReason: change.reason ?? null } : {}),
            // A reason alone (a request that failed, leaving the status as it was) is shown too.
            ...(!statusChanged && change.reason !== undefined ? { statusReason: change.reason } : {}),
            // Soft delete: the record and its history stay; lists hide it by default.
            ...(statusChanged && change.status === 'DELETED' ? { deletedAt: new Date() } : {}),
            ...(change.phase !== undefined ? { progressPhase: change.phase } : {}),
            ...(change.percent !== undefined ? { progressPercent: change.percent } : {}),
          },
          select: { status: true, failover: true, updatedAt: true },
        });
        if (statusChanged) {
          await recordCloneEvent(tx, SYSTEM, cloneId, 'clone.status_changed', { from: clone.status, to: updated.status, ...(change.reason ? { reason: change.reason } : {}) });
          await notify(tx, {
            topic: 'clone.status',
            cloneId,
            status: updated.status,
            failover: updated.failover,
            at: updated.updatedAt.toISOString(),
          });
        }
        // Only a change: a run again (a local activity whose worker died before its workflow task
        // completed) writes the same phase, and the first run recorded it.
        const progressChanged =
          change.phase !== undefined && (change.phase !== clone.progressPhase || (change.percent !== undefined && change.percent !== clone.progressPercent));
        if (progressChanged) {
          await recordCloneEvent(tx, SYSTEM, cloneId, 'clone.progress', { phase: change.phase, percent: change.percent ?? null });
        }
      });
    },

    /** Clones the image's template with the clone's hardware, network and guest customization. */
    async cloneVmFromImage(cloneId: string): Promise<{ vmRef: string }> {
      const clone = await loadClone(cloneId);
      if (clone.machine?.vsphereRef && !clone.machine.removedAt) return { vmRef: clone.machine.vsphereRef };
      const vm = await vsphere
        .cloneVm({
          source: clone.image.vsphereRef,
          name: cloneVmName(clone),
          cpu: clone.cpu,
          memoryMb: clone.ramGb * 1024,
          network: clone.network.vsphereRef,
          customization: {
            hostname: cloneHostname(clone),
            adminPassword: decryptSecret(clone.rdpPasswordEnc, secretKey),
          },
          onProgress: heartbeatProgress,
        })
        .catch(asActivityFailure);
      await prisma.$transaction(async (tx) => {
        const fields = {
          kind: 'CLONE' as const,
          name: vm.name,
          instanceUuid: vm.instanceUuid ?? null,
          cpu: clone.cpu,
          ramGb: clone.ramGb,
          powerState: 'POWERED_OFF' as const,
          removedAt: null,
        };
        // The row already made for this clone's VM (a retry), else a new one: a row of another
        // clone holding the ref got it in an earlier inventory.
        const own = clone.machineId ? await tx.machine.findUnique({ where: { id: clone.machineId }, select: { id: true, vsphereRef: true } }) : null;
        await releaseMachineRef(tx, vm.ref, own?.vsphereRef === vm.ref ? own.id : undefined);
        const machine = await tx.machine.upsert({
          where: { vsphereRef: vm.ref },
          create: { ...fields, vsphereRef: vm.ref },
          update: fields,
        });
        await tx.clone.update({ where: { id: cloneId }, data: { machineId: machine.id } });
        await recordCloneEvent(tx, SYSTEM, cloneId, 'clone.vm_created', { vmRef: vm.ref, vmName: vm.name });
      });
      return { vmRef: vm.ref };
    },

    async powerOnCloneVm(cloneId: string): Promise<void> {
      const ref = await cloneVmRef(cloneId);
      if (!ref) throw ApplicationFailure.nonRetryable(`clone ${cloneId} has no VM to power on`, 'NotFound');
      const vm = await vsphere.getVm(ref).catch(asActivityFailure);
      if (vm.powerState !== 'poweredOn') await vsphere.powerOn(ref).catch(asActivityFailure);
      await prisma.machine.update({ where: { vsphereRef: ref }, data: { powerState: 'POWERED_ON' } });
    },

    /**
     * Waits until the guest reports an IP address. The deadline is fixed at the first attempt
     * and carried in the heartbeat details, so a retry does not restart the clock.
     */
    async waitForCloneGuest(cloneId: string): Promise<{ ip: string }> {
      const context = Context.current();
      const previous = context.info.heartbeatDetails as { deadline?: number } | undefined;
      const deadline = previous?.deadline ?? Date.now() + guestWaitTimeoutMs;
      const ref = await cloneVmRef(cloneId);
      if (!ref) throw ApplicationFailure.nonRetryable(`clone ${cloneId} has no VM`, 'NotFound');
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw guestTimeout(guestWaitTimeoutMs);
      const ip = await vsphere
        .waitForGuestIp(ref, {
          timeoutMs: remaining,
          onProgress: () => context.heartbeat({ deadline }),
        })
        .catch((error: unknown) => {
          if (error instanceof Error && error.name === 'TimeoutError') throw guestTimeout(guestWaitTimeoutMs);
          return asActivityFailure(error);
        });
      const now = new Date();
      await prisma.machine.update({
        where: { vsphereRef: ref },
        data: { guestIp: ip, online: true, lastOnlineAt: now, powerState: 'POWERED_ON' },
      });
      return { ip };
    },

    /**
     * Waits until the clone VM's guest customization has finished (Sysprep on Windows: only then
     * does the generated password work) and records it; a failed customization is permanent.
     * Same deadline handling as waitForCloneGuest.
     */
    async waitForCustomization(cloneId: string): Promise<void> {
      const context = Context.current();
      const previous = context.info.heartbeatDetails as { deadline?: number } | undefined;
      const deadline = previous?.deadline ?? Date.now() + guestWaitTimeoutMs;
      const ref = await cloneVmRef(cloneId);
      if (!ref) throw ApplicationFailure.nonRetryable(`clone ${cloneId} has no VM`, 'NotFound');
      await awaitCustomization(vsphere, ref, deadline, () => context.heartbeat({ deadline }));
      await prisma.$transaction(async (tx) => {
        const { count } = await tx.clone.updateMany({ where: { id: cloneId, guestCustomizedAt: null }, data: { guestCustomizedAt: new Date() } });
        if (count === 0) return;
        await recordCloneEvent(tx, SYSTEM, cloneId, 'clone.guest_customized', { vmRef: ref });
      });
    },

    /** What the workflow needs to know to run a request: the clone's machines and configuration. */
    async describeClone(cloneId: string): Promise<CloneFacts> {
      const clone = await prisma.clone.findUnique({
        where: { id: cloneId },
        select: { configurationId: true, machineId: true, configuration: { select: { primaryMachineId: true } } },
      });
      if (!clone) throw ApplicationFailure.nonRetryable(`clone ${cloneId} does not exist`, 'NotFound');
      return {
        configurationId: clone.configurationId,
        machineId: clone.machineId,
        primaryMachineId: clone.configuration.primaryMachineId,
      };
    },

    /**
     * The configuration's newest scheduled snapshot of its active system that vSphere still has,
     * checked there now (stale records passed over are marked pruned), if any. Manual and failback
     * snapshots of a clone are that clone's own business.
     */
    async latestSnapshot(configurationId: string): Promise<string | null> {
      return existence.newestExisting(configurationId);
    },

    /**
     * Turns failover on or off, with its Event and a bus message carrying the new flag. On holds
     * the configuration's active-system claim (taken by the API when it queued the request; taken
     * here for requests of older histories), off releases it.
     */
    async setFailover(cloneId: string, on: boolean, actorId: string | null): Promise<void> {
      await prisma.$transaction(async (tx) => {
        const { configurationId, failover } = await tx.clone.findUniqueOrThrow({ where: { id: cloneId }, select: { configurationId: true, failover: true } });
        if (on) {
          const holder = await tx.activeSystem.findUnique({ where: { configurationId }, select: { cloneId: true } });
          if (holder && holder.cloneId !== cloneId) {
            throw ApplicationFailure.nonRetryable(`another clone (${holder.cloneId}) is the active system of this configuration`, 'ActiveSystemTaken');
          }
          if (!holder) await tx.activeSystem.create({ data: { configurationId, cloneId } });
        } else {
          await tx.activeSystem.deleteMany({ where: { cloneId } });
        }
        // Already set: this is a retry (a local activity runs again when its worker died before
        // the workflow task completed). The first run recorded the Event and told the bus.
        if (failover === on) return;
        const clone = await tx.clone.update({
          where: { id: cloneId },
          data: { failover: on, failoverStartedAt: on ? new Date() : null },
          select: { status: true, failover: true, updatedAt: true },
        });
        await recordCloneEvent(tx, actorId ? { kind: 'USER', userId: actorId } : SYSTEM, cloneId, on ? 'clone.failover_started' : 'clone.failover_ended');
        await notify(tx, {
          topic: 'clone.status',
          cloneId,
          status: clone.status,
          failover: clone.failover,
          at: clone.updatedAt.toISOString(),
        });
      });
    },

    /**
     * A power action on the clone VM. Stop and reboot ask the guest first (clean shutdown) and
     * fall back to a hard power-off / reset when VMware Tools are not running.
     */
    async powerCloneVm(cloneId: string, action: PowerAction): Promise<void> {
      const ref = await cloneVmRef(cloneId);
      if (!ref) throw ApplicationFailure.nonRetryable(`clone ${cloneId} has no VM`, 'NotFound');
      const wait = { onProgress: heartbeatProgress };
      const toolsMissing = (error: unknown) => error instanceof ToolsUnavailableError;
      switch (action) {
        case 'start':
        case 'resume':
          await vsphere.powerOn(ref, wait).catch(asActivityFailure);
          break;
        case 'stop':
          await vsphere
            .shutdownGuest(ref, wait)
            .catch((error: unknown) => (toolsMissing(error) ? vsphere.powerOff(ref, wait) : Promise.reject(error)))
            .catch(asActivityFailure);
          break;
        case 'suspend':
          await vsphere.suspend(ref, wait).catch(asActivityFailure);
          break;
        case 'reboot':
          await vsphere
            .rebootGuest(ref)
            .catch((error: unknown) => (toolsMissing(error) ? vsphere.reset(ref, wait) : Promise.reject(error)))
            .catch(asActivityFailure);
          break;
      }
      const on = action === 'start' || action === 'resume' || action === 'reboot';
      await prisma.machine.update({
        where: { vsphereRef: ref },
        data: {
          powerState: on ? 'POWERED_ON' : action === 'suspend' ? 'SUSPENDED' : 'POWERED_OFF',
          // A started or rebooted guest is online again only once it reports its address.
          online: false,
          ...(on ? {} : { guestIp: null }),
        },
      });
    },

    /**
     * Fencing before failover: powers the configuration's primary VM off (hard: it must stop
     * serving now, not when its guest agrees) so it cannot act as a second active system. A
     * primary that vSphere does not know is unreachable: skipped, and the Event says so.
     */
    async fencePrimary(cloneId: string, actorId: string | null): Promise<{ fenced: boolean }> {
      const primary = await primaryOf(cloneId);
      const actor = actorId ? { kind: 'USER' as const, userId: actorId } : SYSTEM;
      const record = (type: string, data: Record<string, unknown>) =>
        recordEvent(prisma, { actor, subjectType: 'Machine', subjectId: primary.id, cloneId, type, data: { primary: primary.name, ...data } });
      const vm = primary.vsphereRef && !primary.removedAt ? await vsphere.getVm(primary.vsphereRef).catch(notFoundAsUndefined) : undefined;
      if (!vm) {
        await record('clone.primary_fence_skipped', { reason: 'the primary VM is not reachable in vSphere' });
        return { fenced: false };
      }
      if (vm.powerState !== 'poweredOff') await vsphere.powerOff(primary.vsphereRef!, { onProgress: heartbeatProgress }).catch(asActivityFailure);
      await prisma.machine.update({ where: { id: primary.id }, data: { powerState: 'POWERED_OFF', online: false, guestIp: null } });
      await record('clone.primary_fenced', { vmRef: primary.vsphereRef, powerStateBefore: vm.powerState });
      return { fenced: true };
    },

    /** Failback: powers the (restored) primary VM on before operations return to it. */
    async startPrimary(cloneId: string, actorId: string | null): Promise<void> {
      const primary = await primaryOf(cloneId);
      if (!primary.vsphereRef || primary.removedAt) {
        throw ApplicationFailure.nonRetryable(`the primary ${primary.name} has no VM in vSphere to power on`, 'NotFound');
      }
      const vm = await vsphere.getVm(primary.vsphereRef).catch(asActivityFailure);
      if (vm.powerState !== 'poweredOn') await vsphere.powerOn(primary.vsphereRef, { onProgress: heartbeatProgress }).catch(asActivityFailure);
      await prisma.machine.update({ where: { id: primary.id }, data: { powerState: 'POWERED_ON' } });
      await recordEvent(prisma, {
        actor: actorId ? { kind: 'USER', userId: actorId } : SYSTEM,
        subjectType: 'Machine',
        subjectId: primary.id,
        cloneId,
        type: 'clone.primary_started',
        data: { primary: primary.name, vmRef: primary.vsphereRef, powerStateBefore: vm.powerState },
      });
    },

    /** Whether the clone's VM is, right now, missing or not powered on. */
    async isCloneVmDown(cloneId: string): Promise<boolean> {
      const ref = await cloneVmRef(cloneId);
      if (!ref) return true;
      try {
        return (await vsphere.getVm(ref)).powerState !== 'poweredOn';
      } catch (error) {
        if (underlyingFault(error) instanceof NotFoundError) return true;
        return asActivityFailure(error);
      }
    },

    /** Powers off and destroys the clone VM; done when there is none. */
    async destroyCloneVm(cloneId: string): Promise<void> {
      const ref = await cloneVmRef(cloneId);
      if (ref) {
        // vSphere snapshots live in their VM: they go with it.
        await existence.pruneHeldBy(ref);
        await vsphere.destroyVm(ref, { onProgress: heartbeatProgress }).catch(asActivityFailure);
      }
      const clone = await loadClone(cloneId);
      if (clone.machine && !clone.machine.removedAt) {
        await prisma.$transaction(async (tx) => {
          const removedAt = new Date();
          await tx.machine.update({
            where: { id: clone.machine!.id },
            data: { removedAt, powerState: 'POWERED_OFF', online: false, guestIp: null },
          });
          await recordCloneEvent(tx, SYSTEM, cloneId, 'clone.vm_destroyed', { vmRef: clone.machine!.vsphereRef });
        });
      }
    },
  };
  return {
    ...activities,
    cloneVmFromImage: showingRetries('cloning the VM', activities.cloneVmFromImage),
    powerOnCloneVm: showingRetries('powering on the VM', activities.powerOnCloneVm),
    waitForCloneGuest: showingRetries('waiting for the guest', activities.waitForCloneGuest),
    powerCloneVm: showingRetries('the power action', activities.powerCloneVm),
    destroyCloneVm: showingRetries('destroying the VM', activities.destroyCloneVm),
  };
}

/** How a clone's statusReason starts while one of its vSphere steps is being retried. */
export const RETRY_NOTE = 'retrying ';

/** vSphere's "no such object" as undefined; any other fault as the activity's failure. */
function notFoundAsUndefined(error: unknown): undefined {
  if (underlyingFault(error) instanceof NotFoundError) return undefined;
  return asActivityFailure(error);
}

/**
 * How soon a customization wait looks at the VM's events again: soon at first (a guest often
 * finishes moments after its IP appears), doubling to every 2 s (issue 16: a flat 2 s poll added
 * up to 2 s to every provisioning).
 */
const CUSTOMIZATION_POLL_MS = { first: 250, max: 2000 };

/**
 * Polls the VM's customization events until it succeeded; fails permanently when it failed or
 * `deadline` (epoch ms) passes. Shared by provisioning and by restores (the rebuilt VM is
 * customized again with the clone's identity).
 */
export async function awaitCustomization(vsphere: VSphereClient, vmRef: string, deadline: number, heartbeat: () => void): Promise<void> {
  for (let delay = CUSTOMIZATION_POLL_MS.first; ; delay = Math.min(2 * delay, CUSTOMIZATION_POLL_MS.max)) {
    heartbeat();
    const outcome = await vsphere.customizationState(vmRef).catch(asActivityFailure);
    if (outcome.state === 'succeeded') return;
    if (outcome.state === 'failed') {
      throw ApplicationFailure.nonRetryable(`the guest customization failed: ${outcome.message}`, 'CustomizationFailed');
    }
    if (Date.now() >= deadline) {
      throw ApplicationFailure.nonRetryable(
        `the guest customization did not finish in time (${outcome.state === 'none' ? 'it never started' : 'it started'})`,
        'GuestTimeout',
      );
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

function guestTimeout(timeoutMs: number) {
  return ApplicationFailure.nonRetryable(
    `the guest did not report an IP address within ${Math.round(timeoutMs / 1000)} s`,
    'GuestTimeout',
  );
}

export interface CloneFacts {
  configurationId: string;
  machineId: string | null;
  primaryMachineId: string;
}

export type CloneActivities = ReturnType<typeof createCloneActivities>;
