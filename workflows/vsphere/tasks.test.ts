import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TimeoutError, VSphereClient, type VmInfo } from './index.js';
import { connectToVcsim, recordingLogger, startVcsim, type Vcsim } from './testing/vcsim.js';

// vcsim applies -method-delay to the task body under its task name ("CloneVm"), so the
// CloneVM_Task call returns at once and the task stays "running" for the delay.
const CLONE_DELAY_MS = 3000;

let sim: Vcsim;
let client: VSphereClient;
let template: VmInfo;
const logger = recordingLogger();

beforeAll(async () => {
  sim = await startVcsim({ binary: inject('vcsimBinary'), methodDelay: `CloneVm:${CLONE_DELAY_MS}` });
  client = connectToVcsim(sim, { logger, progressIntervalMs: 1000 });
  const vm = (await client.findVmByName('DC0_H0_VM0'))!;
  await client.powerOff(vm.ref);
  await client.markAsTemplate(vm.ref);
  template = await client.getVm(vm.ref);
});

afterAll(async () => {
  await client?.close();
  await sim?.stop();
});

describe('task waiting', () => {
  it('waits for a slow task and reports progress while it runs', async () => {
    const progress: { percent: number; description: string }[] = [];
    const started = Date.now();
    const vm = await client.cloneVm({
      source: template.ref,
      name: 'slow-clone',
      onProgress: (percent, description) => progress.push({ percent, description }),
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(CLONE_DELAY_MS - 100);
    expect(vm.name).toBe('slow-clone');
    const running = progress.filter((entry) => entry.description.includes('running'));
    expect(running.length).toBeGreaterThanOrEqual(2);
    expect(progress.at(-1)?.percent).toBe(100);
  });

  it('keeps waiting across a session terminated mid-wait', async () => {
    const admin = connectToVcsim(sim);
    try {
      const logins = () => logger.entries.filter((entry) => entry.message === 'vSphere session established').length;
      const before = logins();
      const clone = client.cloneVm({ source: template.ref, name: 'clone-across-relogin' });
      await new Promise((resolve) => setTimeout(resolve, 1200));
      await admin.call('TerminateSession', 'SessionManager:SessionManager', { sessionId: [client.sessionKey!] });
      expect((await clone).name).toBe('clone-across-relogin');
      expect(logins()).toBe(before + 1);
    } finally {
      await admin.close();
    }
  });

  it('gives up at the deadline with a retryable TimeoutError, and the retried clone finds the VM', async () => {
    const spec = { source: template.ref, name: 'clone-after-timeout' };
    const failure = await client.cloneVm({ ...spec, timeoutMs: 1000 }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TimeoutError);
    expect(failure).toMatchObject({ retryable: true });

    await new Promise((resolve) => setTimeout(resolve, CLONE_DELAY_MS));
    const vm = await client.cloneVm(spec);
    expect(vm.name).toBe('clone-after-timeout');
    expect((await client.listVms()).filter((candidate) => candidate.name === spec.name)).toHaveLength(1);
  });

  it('stops waiting when the signal aborts', async () => {
    const controller = new AbortController();
    const reason = new Error('activity cancelled');
    setTimeout(() => controller.abort(reason), 500);
    const started = Date.now();
    await expect(client.cloneVm({ source: template.ref, name: 'clone-cancelled', signal: controller.signal })).rejects.toBe(reason);
    expect(Date.now() - started).toBeLessThan(CLONE_DELAY_MS);
  });
});
