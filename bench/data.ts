// Bench data: the reference rows the clones point at (users, applications, images, networks,
// primaries and configurations, written through Prisma) and clones in bulk, written by PostgreSQL
// itself (generate_series), each with its clone VM, spread over every reference and status.
import type pg from 'pg';
import { hashPassword } from '../infra/secrets.js';
import type { PrismaClient } from '../prisma/client.js';

export interface References {
  users: { id: string; username: string; password: string }[];
  imageIds: string[];
  networkIds: string[];
  primaryIds: string[];
  configurationIds: string[];
}

const REFS = 3;

export async function writeReferences(prisma: PrismaClient, password: string): Promise<References> {
  const passwordHash = await hashPassword(password);
  const users = [];
  for (const [username, role] of [['admin', 'GLOBAL_ADMIN'], ['operator', 'MACHINE_ADMIN'], ['developer', 'DEVELOPER']] as const) {
    const row = await prisma.user.create({ data: { username, name: `Bench ${username}`, role, passwordHash } });
    users.push({ id: row.id, username, password });
  }
  const application = await prisma.application.create({ data: { name: 'Bench SCADA', description: 'bench' } });
  const imageIds: string[] = [];
  const networkIds: string[] = [];
  const primaryIds: string[] = [];
  const configurationIds: string[] = [];
  for (let i = 0; i < REFS; i++) {
    imageIds.push((await prisma.vmImage.create({ data: { name: `bench-image-${i}`, applicationId: application.id, vsphereRef: `vm-tpl-${i}`, guestOs: 'windows2019srv_64Guest', defaultCpu: 2, defaultRamGb: 4 } })).id);
    networkIds.push((await prisma.network.create({ data: { name: `bench-net-${i}`, vsphereRef: `network-${i}` } })).id);
    const primary = await prisma.machine.create({ data: { kind: 'PRIMARY', name: `bench-primary-${i}`, vsphereRef: `vm-primary-${i}`, powerState: 'POWERED_ON', online: true, cpu: 4, ramGb: 16 } });
    primaryIds.push(primary.id);
    configurationIds.push((await prisma.configuration.create({ data: { name: `bench-config-${i}`, primaryMachineId: primary.id, applicationId: application.id, scheduleIntervalSeconds: 3600 } })).id);
  }
  return { users, imageIds, networkIds, primaryIds, configurationIds };
}

const STATUSES = ['RUNNING', 'RUNNING', 'RUNNING', 'STOPPED', 'PROVISIONING', 'STARTING', 'PAUSED', 'CRASHED', 'FAILED'];

/**
 * Clones number `from`..`to` (inclusive): clone i is `bench-clone-<i>`, created i seconds after a
 * fixed epoch (so a larger i is newer), with cpu 1 + i % 8, ramGb 2 × (1 + i % 16), references
 * and status taken round-robin, and a clone VM (Machine of kind CLONE).
 */
export async function insertClones(db: pg.Client, refs: References, from: number, to: number): Promise<void> {
  const arr = (ids: string[]) => `ARRAY[${ids.map((id) => `'${id}'::uuid`).join(',')}]`;
  await db.query(`
    CREATE TEMP TABLE IF NOT EXISTS bench_ids (i int, clone_id uuid, machine_id uuid);
    TRUNCATE bench_ids;
    INSERT INTO bench_ids SELECT i, gen_random_uuid(), gen_random_uuid() FROM generate_series(${from}, ${to}) AS i;
    INSERT INTO "Machine" (id, kind, name, "vsphereRef", "powerState", online, "guestIp", cpu, "ramGb", "lastOnlineAt", "createdAt", "updatedAt")
      SELECT machine_id, 'CLONE', 'bench-clone-' || lpad(i::text, 6, '0') || '-' || right(clone_id::text, 8), 'vm-clone-' || i,
             'POWERED_ON', true, '198.51.100.' || (i % 250 + 1), 1 + i % 8, 2 * (1 + i % 16), now(), now(), now()
      FROM bench_ids;
    INSERT INTO "Clone" (id, name, description, "imageId", "configurationId", "networkId", cpu, "ramGb", status, failover,
                         "progressPercent", "machineId", "rdpUsername", "rdpPasswordEnc", "lastRestoredAt", "createdById", "createdAt", "updatedAt")
      SELECT clone_id, 'bench-clone-' || lpad(i::text, 6, '0'), 'clone number ' || i,
             (${arr(refs.imageIds)})[1 + i % ${REFS}], (${arr(refs.configurationIds)})[1 + (i / 3) % ${REFS}],
             (${arr(refs.networkIds)})[1 + (i / 9) % ${REFS}], 1 + i % 8, 2 * (1 + i % 16),
             (ARRAY[${STATUSES.map((s) => `'${s}'`).join(',')}])[1 + i % ${STATUSES.length}]::"CloneStatus", i % 97 = 0,
             100, machine_id, 'Administrator', 'v1:AAAA:AAAA:AAAA', timestamp '2026-01-01' + i * interval '1 second',
             (${arr(refs.users.map((u) => u.id))})[1 + (i / 27) % 3], timestamp '2026-01-01' + i * interval '1 second', now()
      FROM bench_ids;
  `);
}

/** Empties the clones and their VMs (the references stay). */
export async function clearClones(db: pg.Client): Promise<void> {
  await db.query(`TRUNCATE "Clone", "Snapshot", "Restore", "Event" CASCADE; DELETE FROM "Machine" WHERE kind = 'CLONE';`);
}
