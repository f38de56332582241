// Known rows for every list, written straight to the database (the API tests need no VM work,
// so their stack has no vSphere: `startTestStack({ vsphere: false })`).
import { recordCapacity } from '../../infra/capacity.js';
import { recordEvent, SYSTEM } from '../../infra/events.js';
import { encryptSecret, generatePassword, hashPassword } from '../../infra/secrets.js';
import type { CloneStatus, PrismaClient, Role } from '../../prisma/client.js';

export const FIXTURE_STATUSES: CloneStatus[] = ['PROVISIONING', 'STARTING', 'RUNNING', 'STOPPED', 'PAUSED', 'CRASHED', 'FAILED'];

export interface Fixture {
  users: Record<'admin' | 'operator' | 'developer', { id: string; username: string; password: string }>;
  applicationIds: string[];
  imageIds: string[];
  networkIds: string[];
  primaryIds: string[];
  configurationIds: string[];
  /** The 50 live clones, in creation order (clone-00 is the oldest). */
  cloneIds: string[];
  deletedCloneIds: string[];
  snapshotIds: string[];
  capacity: { cpuCoresTotal: number; ramGbTotal: number; cpuCoresUsed: number; ramGbUsed: number };
  /** When clone-00 was created; clone-i a minute later per i. */
  epoch: Date;
}

const pad = (i: number) => String(i).padStart(2, '0');

/**
 * Known rows for every list: 3 users, 2 applications, 3 images, 2 networks, 3 primaries with a
 * configuration each, 50 live clones spread evenly over them (plus 3 DELETED), 12 snapshots, a
 * few restores and events, and a capacity sample. Clone i's RDP password is `fixture-password-<i>`.
 */
export async function writeFixture(prisma: PrismaClient, secretKey: string): Promise<Fixture> {
  const roles: Array<['admin' | 'operator' | 'developer', string, Role]> = [
    ['admin', 'Ada Admin', 'GLOBAL_ADMIN'],
    ['operator', 'Otto Operator', 'MACHINE_ADMIN'],
    ['developer', 'Dev Eloper', 'DEVELOPER'],
  ];
  const users = {} as Fixture['users'];
  for (const [username, name, role] of roles) {
    const password = generatePassword();
    const row = await prisma.user.create({ data: { username, name, role, passwordHash: await hashPassword(password) } });
    users[username] = { id: row.id, username, password };
  }
  const applications = await Promise.all(
    ['Plant SCADA', 'Water DCS'].map((name) => prisma.application.create({ data: { name, description: `${name} suite` } })),
  );
  const images = await Promise.all(
    ['image-alpha', 'image-beta', 'image-gamma'].map((name, i) =>
      prisma.vmImage.create({
        data: { name, applicationId: applications[i % 2]!.id, vsphereRef: `VirtualMachine:tpl-${i}`, guestOs: 'windows2019srv_64Guest', guestOsFamily: 'WINDOWS', defaultCpu: 2, defaultRamGb: 4 },
      }),
    ),
  );
  const networks = await Promise.all(
    ['net-a', 'net-b'].map((name, i) => prisma.network.create({ data: { name, vsphereRef: `Network:net-${i}` } })),
  );
  const primaries = await Promise.all(
    ['primary-one', 'primary-three', 'primary-two'].map((name, i) =>
      prisma.machine.create({
        data: { kind: 'PRIMARY', name, vsphereRef: `VirtualMachine:vm-${i}`, cpu: 4, ramGb: 8, powerState: i === 2 ? 'POWERED_OFF' : 'POWERED_ON', online: i !== 2 },
      }),
    ),
  );
  const configurations = await Promise.all(
    ['Config Alpha', 'Config Beta', 'Config Gamma'].map((name, i) =>
      prisma.configuration.create({
        data: { name, primaryMachineId: primaries[i]!.id, applicationId: applications[0]!.id, scheduleIntervalSeconds: 3600, retention: 7 },
      }),
    ),
  );
  const creators = [users.admin, users.operator, users.developer];
  const epoch = new Date('2026-01-01T00:00:00Z');
  const cloneIds: string[] = [];
  for (let i = 0; i < 53; i++) {
    const deleted = i >= 50;
    const machine =
      i < 5
        ? await prisma.machine.create({
            data: { kind: 'CLONE', name: `clone-vm-${pad(i)}`, vsphereRef: `VirtualMachine:clone-${i}`, cpu: 1, ramGb: 1, powerState: 'POWERED_ON', online: true, guestIp: `198.51.100.${10 + i}` },
          })
        : null;
    const clone = await prisma.clone.create({
      data: {
        name: deleted ? `gone-${pad(i)}` : `clone-${pad(i)}`,
        description: `fixture clone ${i}`,
        imageId: images[i % 3]!.id,
        configurationId: configurations[i % 3]!.id,
        networkId: networks[i % 2]!.id,
        cpu: 1 + (i % 4),
        ramGb: 1 + (i % 8),
        status: deleted ? 'DELETED' : FIXTURE_STATUSES[i % FIXTURE_STATUSES.length]!,
        failover: i % 10 === 0,
        machineId: machine?.id ?? null,
        rdpUsername: 'Administrator',
        rdpPasswordEnc: encryptSecret(`fixture-password-${i}`, secretKey),
        // A clone with a VM, or past provisioning (as the migration assumes for clones that
        // existed before the wait), has finished its guest customization: credentials offered.
        guestCustomizedAt:
          machine || (!deleted && ['RUNNING', 'STOPPED', 'PAUSED', 'CRASHED'].includes(FIXTURE_STATUSES[i % FIXTURE_STATUSES.length]!))
            ? new Date(epoch.getTime() + i * 60_000)
            : null,
        createdById: creators[i % 3]!.id,
        createdAt: new Date(epoch.getTime() + i * 60_000),
        deletedAt: deleted ? new Date() : null,
      },
    });
    cloneIds.push(clone.id);
  }
  const snapshotIds: string[] = [];
  for (let i = 0; i < 12; i++) {
    const status = (['DONE', 'FAILED', 'IN_PROGRESS', 'CANCELLED'] as const)[i % 4];
    const snapshot = await prisma.snapshot.create({
      data: {
        configurationId: configurations[i % 3]!.id,
        sourceMachineId: primaries[i % 3]!.id,
        cloneId: i % 6 === 5 ? cloneIds[0]! : null,
        trigger: (['SCHEDULED', 'MANUAL', 'FAILBACK'] as const)[i % 3]!,
        status,
        name: `snap-${pad(i)}`,
        startedAt: new Date(epoch.getTime() + i * 3_600_000),
        ...(status === 'DONE' ? { finishedAt: new Date(epoch.getTime() + i * 3_600_000 + 60_000), durationMs: 1000 * (i + 1), sizeBytes: BigInt(i + 1) * 1_000_000_000n } : {}),
        ...(status === 'FAILED' ? { error: 'vSphere said no' } : {}),
        requestedById: i % 3 === 1 ? users.operator.id : null,
      },
    });
    snapshotIds.push(snapshot.id);
    if (status === 'DONE') {
      await prisma.restore.create({
        data: { snapshotId: snapshot.id, targetMachineId: primaries[0]!.id, cloneId: cloneIds[0]!, trigger: 'AUTO', status: 'DONE' },
      });
    }
  }
  for (const [i, type] of ['clone.created', 'clone.status_changed', 'clone.status_changed'].entries()) {
    await recordEvent(prisma, { actor: i === 0 ? { kind: 'USER', userId: users.admin.id } : SYSTEM, subjectType: 'Clone', subjectId: cloneIds[0]!, cloneId: cloneIds[0]!, type, data: { step: i } });
  }
  await recordEvent(prisma, { actor: { kind: 'USER', userId: users.admin.id }, subjectType: 'User', subjectId: users.developer.id, type: 'user.created' });
  const capacity = { cpuCoresTotal: 400, ramGbTotal: 1024, cpuCoresUsed: 20, ramGbUsed: 64 };
  // 20 cores / 64 GB of other VMs, plus the 5 powered-on clone VMs (1 core, 1 GB each) that the
  // sample must leave out because their clones are counted already.
  await recordCapacity(prisma, { cpuCores: { total: 400, allocated: 25 }, memoryMb: { total: 1024 * 1024, allocated: 69 * 1024 } });
  return {
    users,
    applicationIds: applications.map((a) => a.id),
    imageIds: images.map((r) => r.id),
    networkIds: networks.map((r) => r.id),
    primaryIds: primaries.map((r) => r.id),
    configurationIds: configurations.map((r) => r.id),
    cloneIds: cloneIds.slice(0, 50),
    deletedCloneIds: cloneIds.slice(50),
    snapshotIds,
    capacity,
    epoch,
  };
}
