// The clone's provisioning saga on the real Temporal dev server, with fake activities: when an
// undo fails too, the clone still ends FAILED, with the reason and what could not be cleaned up.
import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/activity';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, expect, it, inject } from 'vitest';
import { cloneStateQuery } from '../workflows/clone/messages.js';
import type { cloneWorkflow } from '../workflows/clone/workflows.js';
import { WORKFLOWS_PATH } from '../workflows/worker.js';
import { eventually } from './support/eventually.js';
import { installTestLogging } from './support/logging.js';

let workerConnection: NativeConnection;
let connection: Connection;
let client: Client;

beforeAll(async () => {
  installTestLogging();
  workerConnection = await NativeConnection.connect({ address: inject('temporalAddress') });
  connection = await Connection.connect({ address: inject('temporalAddress') });
  client = new Client({ connection, namespace: 'default' });
});

afterAll(async () => {
  await connection?.close();
  await workerConnection?.close();
});

it('ends FAILED with the reason when the clone VM cannot be removed after a failed provisioning', async () => {
  const updates: Array<{ status?: string; reason?: string }> = [];
  const destroyed: string[] = [];
  const taskQueue = `saga-${randomUUID()}`;
  const worker = await Worker.create({
    connection: workerConnection,
    namespace: 'default',
    taskQueue,
    workflowsPath: WORKFLOWS_PATH,
    activities: {
      async updateClone(_cloneId: string, data: { status?: string; reason?: string }) {
        updates.push(data);
      },
      async cloneVmFromImage() {
        throw ApplicationFailure.nonRetryable('the network vanished', 'NotFound');
      },
      async destroyCloneVm(cloneId: string) {
        destroyed.push(cloneId);
        throw ApplicationFailure.nonRetryable('vSphere refused to destroy the VM', 'InvalidInput');
      },
    },
  });

  await worker.runUntil(async () => {
    const cloneId = randomUUID();
    const handle = await client.workflow.start<typeof cloneWorkflow>('cloneWorkflow', {
      taskQueue,
      workflowId: `clone-${cloneId}`,
      args: [{ cloneId }],
    });
    try {
      const state = await eventually(async () => {
        const s = await handle.query(cloneStateQuery);
        return s.phase === 'failed' ? s : undefined;
      }, { what: 'the failed phase' });
      expect(state.status).toBe('FAILED');
      expect(destroyed).toEqual([cloneId]);
      expect(updates.at(-1)).toEqual({
        status: 'FAILED',
        reason: 'the network vanished; cleanup failed (destroy the clone VM: vSphere refused to destroy the VM)',
        phase: 'failed',
        percent: 100,
      });
      expect((await handle.describe()).status.name).toBe('RUNNING'); // waiting to be deleted, not failed
    } finally {
      await handle.terminate('test over');
    }
  });
});
