// vSphere morefs are unique only within one inventory's life: a restarted vcsim numbers its
// objects afresh, and a vCenter restored from backup can too. Before a Machine row takes a ref,
// any other row still holding it (from the earlier inventory) is marked gone: its VM no longer
// exists under that ref.
import type { Prisma, PrismaClient } from '../prisma/client.js';

export async function releaseMachineRef(db: PrismaClient | Prisma.TransactionClient, vsphereRef: string, keepMachineId?: string): Promise<void> {
  await db.machine.updateMany({
    where: { vsphereRef, ...(keepMachineId ? { NOT: { id: keepMachineId } } : {}) },
    data: { vsphereRef: null, removedAt: new Date(), online: false, guestIp: null },
  });
}
