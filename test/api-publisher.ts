// A stand-in for a worker process in the subscription tests: writes a clone event and snapshot
// status messages through the same domain functions the worker uses, from a process of its own.
// Usage: tsx test/api-publisher.ts <databaseUrl> <cloneId> <snapshotId:configurationId>...
import { notify } from '../infra/eventBus.js';
import { recordEvent, SYSTEM } from '../infra/events.js';
import { createPrisma } from '../prisma/client.js';

const [databaseUrl, cloneId, ...snapshots] = process.argv.slice(2);
if (!databaseUrl || !cloneId) throw new Error('usage: api-publisher.ts <databaseUrl> <cloneId> <snapshotId:configurationId>...');

const prisma = createPrisma(databaseUrl);
try {
  await prisma.$transaction(async (tx) => {
    await recordEvent(tx, { actor: SYSTEM, subjectType: 'Clone', subjectId: cloneId, cloneId, type: 'clone.restore_finished', data: { from: 'worker process' } });
    await notify(tx, { topic: 'clone.status', cloneId, status: 'RUNNING', failover: false, at: new Date().toISOString() });
    for (const pair of snapshots) {
      const [snapshotId, configurationId] = pair.split(':') as [string, string];
      await notify(tx, { topic: 'snapshot.status', snapshotId, configurationId, status: 'DONE', at: new Date().toISOString() });
    }
  });
  console.log('published');
} finally {
  await prisma.$disconnect();
}
