// Onboarding a vCenter: an admin turns a discovered VM into a primary machine and a discovered
// template into an application's image, and retires them. The API never calls vSphere here: the
// inventory sync's DiscoveredVm rows are what it knows (a VM gone since the last sync is refused).
import { AppError, conflict, notFound, validationError } from '../../domain/errors.js';
import { guestOsFamilyOf, type GuestOsFamily } from '../../domain/guestOs.js';
import { Problems } from '../../domain/validation.js';
import { recordEvent } from '../../infra/events.js';
import type { Prisma } from '../../prisma/client.js';
import { isUniqueViolation } from '../../prisma/errors.js';
import type { ActingUser, AppServices } from './types.js';

type Db = Pick<AppServices, 'prisma'>;

/** The largest default CPU count and RAM (GB) an image may carry: what one vSphere VM can have. */
export const MAX_VM_CPU = 768;
export const MAX_VM_RAM_GB = 24_576;

/** Serialises registrations of one vSphere reference across API replicas. */
const lockRef = (tx: Prisma.TransactionClient, ref: string) => tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`register:${ref}`}))`;

async function discovered(tx: Prisma.TransactionClient, id: string, field: string) {
  const vm = await tx.discoveredVm.findUnique({ where: { id } });
  if (!vm) throw notFound('discovered VM', field);
  if (vm.goneAt) throw new AppError('INVALID_STATE', `"${vm.name}" (${vm.vsphereRef}) is no longer in vSphere (gone since ${vm.goneAt.toISOString()})`, field);
  return vm;
}

export async function registerPrimaryMachine(
  { prisma }: Db,
  user: ActingUser,
  input: { discoveredVmId: string },
): Promise<{ id: string }> {
  const field = 'discoveredVmId';
  try {
    return await prisma.$transaction(async (tx) => {
      const vm = await discovered(tx, input.discoveredVmId, field);
      if (vm.isTemplate) throw validationError([{ field, message: `"${vm.name}" is a template: register it as an application image (registerImage)` }]);
      await lockRef(tx, vm.vsphereRef);
      const existing = await tx.machine.findUnique({ where: { vsphereRef: vm.vsphereRef } });
      if (existing && existing.kind === 'CLONE') throw conflict(`"${vm.name}" is the VM of a clone`, field);
      if (existing && !existing.retiredAt && !existing.removedAt) throw conflict(`"${vm.name}" is already registered as a primary machine`, field);
      const fields = {
        kind: 'PRIMARY' as const,
        name: vm.name,
        vsphereRef: vm.vsphereRef,
        instanceUuid: vm.instanceUuid,
        powerState: vm.powerState,
        cpu: vm.cpu,
        ramGb: vm.ramGb,
        removedAt: null,
        retiredAt: null,
      };
      // A retired (or once vanished) primary comes back as the same Machine, with its history.
      const machine = existing
        ? await tx.machine.update({ where: { id: existing.id }, data: fields, select: { id: true } })
        : await tx.machine.create({ data: fields, select: { id: true } });
      await tx.discoveredVm.update({ where: { id: vm.id }, data: { machineId: machine.id } });
      await recordEvent(tx, {
        actor: { kind: 'USER', userId: user.id },
        subjectType: 'Machine',
        subjectId: machine.id,
        type: 'machine.registered',
        data: { vsphereRef: vm.vsphereRef, name: vm.name },
      });
      return machine;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict('that VM is already registered', field);
    throw error;
  }
}

export interface RegisterImageInput {
  discoveredVmId: string;
  applicationId: string;
  /** Default: the template's name. */
  name?: string | null;
  /** Default: derived from the template's guest id (domain/guestOs.ts). */
  guestOsFamily?: GuestOsFamily | null;
  /** Default: the template's own hardware. */
  defaultCpu?: number | null;
  defaultRamGb?: number | null;
}

export async function registerImage({ prisma }: Db, user: ActingUser, input: RegisterImageInput): Promise<{ id: string }> {
  const problems = new Problems();
  if (input.name != null) problems.length('input.name', input.name.trim(), 1, 100);
  if (input.defaultCpu != null) {
    problems.intAtLeast('input.defaultCpu', input.defaultCpu, 1);
    if (input.defaultCpu > MAX_VM_CPU) problems.add('input.defaultCpu', `must be at most ${MAX_VM_CPU}`);
  }
  if (input.defaultRamGb != null) {
    problems.intAtLeast('input.defaultRamGb', input.defaultRamGb, 1);
    if (input.defaultRamGb > MAX_VM_RAM_GB) problems.add('input.defaultRamGb', `must be at most ${MAX_VM_RAM_GB}`);
  }
  if (!problems.empty) throw validationError(problems.list);
  const field = 'input.discoveredVmId';
  try {
    return await prisma.$transaction(async (tx) => {
      const vm = await discovered(tx, input.discoveredVmId, field);
      if (!vm.isTemplate) throw validationError([{ field, message: `"${vm.name}" is a VM, not a template: register it as a primary machine, or mark it as a template in vSphere first` }]);
      const application = await tx.application.findUnique({ where: { id: input.applicationId }, select: { id: true } });
      if (!application) throw notFound('application', 'input.applicationId');
      await lockRef(tx, vm.vsphereRef);
      const existing = await tx.vmImage.findUnique({ where: { vsphereRef: vm.vsphereRef } });
      if (existing && !existing.retiredAt) throw conflict(`"${vm.name}" is already registered as an image`, field);
      const fields = {
        applicationId: application.id,
        name: input.name?.trim() || vm.name,
        vsphereRef: vm.vsphereRef,
        guestOs: vm.guestId,
        guestOsFamily: input.guestOsFamily ?? guestOsFamilyOf(vm.guestId),
        defaultCpu: input.defaultCpu ?? vm.cpu,
        defaultRamGb: input.defaultRamGb ?? vm.ramGb,
        removedAt: null,
        retiredAt: null,
      };
      const image = existing
        ? await tx.vmImage.update({ where: { id: existing.id }, data: fields, select: { id: true } })
        : await tx.vmImage.create({ data: fields, select: { id: true } });
      await tx.discoveredVm.update({ where: { id: vm.id }, data: { imageId: image.id } });
      await recordEvent(tx, {
        actor: { kind: 'USER', userId: user.id },
        subjectType: 'VmImage',
        subjectId: image.id,
        type: 'image.registered',
        data: { vsphereRef: vm.vsphereRef, name: fields.name, applicationId: application.id, guestOsFamily: fields.guestOsFamily },
      });
      return image;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict('that template is already registered', field);
    throw error;
  }
}

/** Retires a primary: no new configurations on it. Refused while a configuration uses it. */
export async function retirePrimaryMachine({ prisma }: Db, user: ActingUser, machineId: string): Promise<{ id: string }> {
  const field = 'machineId';
  return prisma.$transaction(async (tx) => {
    const machine = await tx.machine.findUnique({ where: { id: machineId } });
    if (!machine || machine.kind !== 'PRIMARY') throw notFound('primary machine', field);
    if (machine.retiredAt) throw new AppError('INVALID_STATE', `"${machine.name}" is already retired`, field);
    await lockRef(tx, machine.vsphereRef ?? machine.id);
    const configurations = await tx.configuration.findMany({ where: { primaryMachineId: machine.id }, select: { name: true }, take: 5 });
    if (configurations.length > 0) {
      throw new AppError('INVALID_STATE', `"${machine.name}" is the primary of configuration ${configurations.map((c) => `"${c.name}"`).join(', ')}`, field);
    }
    await tx.machine.update({ where: { id: machine.id }, data: { retiredAt: new Date() } });
    await tx.discoveredVm.updateMany({ where: { machineId: machine.id }, data: { machineId: null } });
    await recordEvent(tx, { actor: { kind: 'USER', userId: user.id }, subjectType: 'Machine', subjectId: machine.id, type: 'machine.retired', data: { vsphereRef: machine.vsphereRef } });
    return { id: machine.id };
  });
}

/** Retires an image: no new clones from it. Refused while a live clone (not DELETED or FAILED) uses it. */
export async function retireImage({ prisma }: Db, user: ActingUser, imageId: string): Promise<{ id: string }> {
  const field = 'imageId';
  return prisma.$transaction(async (tx) => {
    const image = await tx.vmImage.findUnique({ where: { id: imageId } });
    if (!image) throw notFound('image', field);
    if (image.retiredAt) throw new AppError('INVALID_STATE', `"${image.name}" is already retired`, field);
    await lockRef(tx, image.vsphereRef);
    // createClone holds the same lock, shared, so no clone of it can be committing meanwhile.
    await lockImage(tx, image.id, 'exclusive');
    const clones = await tx.clone.findMany({ where: { imageId: image.id, status: { notIn: ['DELETED', 'FAILED'] } }, select: { name: true }, take: 5 });
    if (clones.length > 0) throw new AppError('INVALID_STATE', `"${image.name}" is in use by clone ${clones.map((c) => `"${c.name}"`).join(', ')}`, field);
    await tx.vmImage.update({ where: { id: image.id }, data: { retiredAt: new Date() } });
    await tx.discoveredVm.updateMany({ where: { imageId: image.id }, data: { imageId: null } });
    await recordEvent(tx, { actor: { kind: 'USER', userId: user.id }, subjectType: 'VmImage', subjectId: image.id, type: 'image.retired', data: { vsphereRef: image.vsphereRef } });
    return { id: image.id };
  });
}

/**
 * Held until commit: shared by createClone (the image is still offered; creates of one image do
 * not wait for each other), exclusive by retireImage (no clone of it is being created).
 */
export const lockImage = (tx: Prisma.TransactionClient, imageId: string, mode: 'shared' | 'exclusive') =>
  mode === 'shared'
    ? tx.$executeRaw`SELECT pg_advisory_xact_lock_shared(hashtext(${`image:${imageId}`}))`
    : tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`image:${imageId}`}))`;
