// Demo data for the local stack and the end-to-end tests: users, an application with real
// templates in vSphere (vcsim), the networks and primary machines found in vSphere, and a
// configuration per primary. Never production: there an admin registers primaries and images
// from discovered VMs (README: Production). Idempotent: it reconciles by unique keys and names,
// so it can run at every start (vcsim keeps its inventory in memory and forgets it on restart).
import { guestOsFamilyOf } from '../domain/guestOs.js';
import { recordCapacity } from '../infra/capacity.js';
import { hashPassword, verifyPassword } from '../infra/secrets.js';
import { recordDiscoveredVms } from '../workflows/inventory/discovery.js';
import { releaseMachineRef } from '../workflows/machineRefs.js';
import type { VSphereClient } from '../workflows/vsphere/index.js';
import type { PrismaClient, Role } from './client.js';

export interface DemoUser {
  username: string;
  name: string;
  role: Role;
  password: string;
}

export interface DemoImage {
  name: string;
  guestOs: string;
  cpu: number;
  ramGb: number;
}

export const DEMO_APPLICATION = {
  name: 'Plant SCADA',
  description: 'Supervisory control and data acquisition for the demo plant',
};

export const DEMO_IMAGES: DemoImage[] = [
  { name: 'plant-scada-7.2-template', guestOs: 'windows2019srv_64Guest', cpu: 2, ramGb: 4 },
  { name: 'plant-scada-7.3-template', guestOs: 'windows2019srv_64Guest', cpu: 4, ramGb: 8 },
];

export interface SeedResult {
  applicationId: string;
  imageIds: string[];
  networkIds: string[];
  primaryMachineIds: string[];
  configurationIds: string[];
}

export async function seedUsers(prisma: PrismaClient, users: DemoUser[]): Promise<void> {
  for (const user of users) {
    const existing = await prisma.user.findUnique({ where: { username: user.username } });
    if (existing && (await verifyPassword(user.password, existing.passwordHash))) continue;
    const passwordHash = await hashPassword(user.password);
    await prisma.user.upsert({
      where: { username: user.username },
      create: { username: user.username, name: user.name, role: user.role, passwordHash },
      update: { passwordHash, role: user.role, disabledAt: null },
    });
  }
}

/** Makes each demo image a template in vSphere (cloned from `sourceVmName`) and records it. */
async function seedImages(
  prisma: PrismaClient,
  vsphere: VSphereClient,
  applicationId: string,
  sourceVmName: string,
): Promise<string[]> {
  const templates = await vsphere.listTemplates();
  const found: Array<{ image: (typeof DEMO_IMAGES)[number]; ref: string }> = [];
  for (const image of DEMO_IMAGES) {
    let template = templates.find((t) => t.name === image.name);
    if (!template) {
      const source = await vsphere.findVmByName(sourceVmName);
      if (!source) throw new Error(`seed: vSphere has no VM named ${sourceVmName} to build templates from`);
      const vm = await vsphere.cloneVm({ source: source.ref, name: image.name, cpu: image.cpu, memoryMb: image.ramGb * 1024 });
      if (vm.powerState !== 'poweredOff') await vsphere.powerOff(vm.ref);
      await vsphere.markAsTemplate(vm.ref);
      template = (await vsphere.listTemplates()).find((t) => t.ref === vm.ref)!;
    }
    found.push({ image, ref: template.ref });
  }
  // vcsim numbers its objects afresh on every start: a template ref recorded for one image may now
  // name another image's template. The demo rows let go of their refs first, then take the new ones.
  return prisma.$transaction(async (tx) => {
    for (const row of await tx.vmImage.findMany({ where: { name: { in: DEMO_IMAGES.map((image) => image.name) } }, select: { id: true } })) {
      await tx.vmImage.update({ where: { id: row.id }, data: { vsphereRef: `relinking:${row.id}` } });
    }
    const ids: string[] = [];
    for (const { image, ref } of found) {
      const fields = {
        applicationId,
        name: image.name,
        vsphereRef: ref,
        guestOs: image.guestOs,
        guestOsFamily: guestOsFamilyOf(image.guestOs),
        defaultCpu: image.cpu,
        defaultRamGb: image.ramGb,
        removedAt: null,
      };
      const known = await tx.vmImage.findFirst({ where: { name: image.name } });
      const row = known ? await tx.vmImage.update({ where: { id: known.id }, data: fields }) : await tx.vmImage.create({ data: fields });
      ids.push(row.id);
    }
    return ids;
  });
}

async function seedNetworks(prisma: PrismaClient, vsphere: VSphereClient): Promise<string[]> {
  const ids: string[] = [];
  for (const network of await vsphere.listNetworks()) {
    const fields = { name: network.name, vsphereRef: network.ref, kind: network.kind, removedAt: null };
    const known = await prisma.network.findFirst({ where: { OR: [{ vsphereRef: network.ref }, { name: network.name }] } });
    const row = known
      ? await prisma.network.update({ where: { id: known.id }, data: fields })
      : await prisma.network.create({ data: fields });
    ids.push(row.id);
  }
  return ids;
}

/** Every powered VM that is neither a template nor a clone VM Enclave made is a primary. */
async function seedPrimaries(prisma: PrismaClient, vsphere: VSphereClient): Promise<{ id: string; name: string }[]> {
  const clones = await prisma.machine.findMany({ where: { kind: 'CLONE' }, select: { name: true } });
  const cloneNames = new Set(clones.map((c) => c.name));
  const primaries: { id: string; name: string }[] = [];
  for (const vm of await vsphere.listVms()) {
    if (vm.isTemplate || cloneNames.has(vm.name)) continue;
    const fields = {
      kind: 'PRIMARY' as const,
      name: vm.name,
      vsphereRef: vm.ref,
      instanceUuid: vm.instanceUuid ?? null,
      powerState: powerState(vm.powerState),
      cpu: vm.cpu,
      ramGb: Math.max(1, Math.round(vm.memoryMb / 1024)),
      guestIp: vm.guestIp ?? null,
      removedAt: null,
    };
    const known = await prisma.machine.findFirst({
      where: { kind: 'PRIMARY', OR: [{ vsphereRef: vm.ref }, { name: vm.name }] },
    });
    await releaseMachineRef(prisma, vm.ref, known?.id);
    const row = known
      ? await prisma.machine.update({ where: { id: known.id }, data: fields })
      : await prisma.machine.create({ data: fields });
    primaries.push({ id: row.id, name: row.name });
  }
  return primaries;
}

function powerState(state: string) {
  if (state === 'poweredOn') return 'POWERED_ON' as const;
  if (state === 'poweredOff') return 'POWERED_OFF' as const;
  if (state === 'suspended') return 'SUSPENDED' as const;
  return 'UNKNOWN' as const;
}

export async function seedDemo(
  prisma: PrismaClient,
  vsphere: VSphereClient,
  options: { users: DemoUser[]; templateSourceVm?: string },
): Promise<SeedResult> {
  await seedUsers(prisma, options.users);
  const application = await prisma.application.upsert({
    where: { name: DEMO_APPLICATION.name },
    create: DEMO_APPLICATION,
    update: {},
  });
  const primaries = await seedPrimaries(prisma, vsphere);
  const imageIds = await seedImages(prisma, vsphere, application.id, options.templateSourceVm ?? primaries[0]?.name ?? 'DC0_H0_VM0');
  const networkIds = await seedNetworks(prisma, vsphere);
  const configurationIds: string[] = [];
  for (const primary of primaries) {
    const configuration = await prisma.configuration.upsert({
      where: { primaryMachineId_applicationId: { primaryMachineId: primary.id, applicationId: application.id } },
      create: {
        name: `${primary.name} ${DEMO_APPLICATION.name}`,
        primaryMachineId: primary.id,
        applicationId: application.id,
        scheduleIntervalSeconds: 3600,
        retention: 7,
        autoRestore: true,
      },
      update: {},
    });
    configurationIds.push(configuration.id);
  }
  // What the inventory sync would record: every VM and template, linked to the rows above.
  await recordDiscoveredVms(prisma, await vsphere.listVms());
  await recordCapacity(prisma, await vsphere.capacity());
  return {
    applicationId: application.id,
    imageIds,
    networkIds,
    primaryMachineIds: primaries.map((p) => p.id),
    configurationIds,
  };
}
