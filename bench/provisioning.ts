// The provisioning benchmark's other processes, as they are deployed (`npm run dev` runs the API,
// the worker and the lab guest simulator each in its own process): forked by bench/run.ts with a
// role, `worker` or `guests`, and the settings as JSON in argv. The worker times its vSphere calls
// (the time inside vSphere and the guest waits that the orchestration overhead leaves out) and
// sends them when asked; both stop on request.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Context } from '@temporalio/activity';
import { NativeConnection } from '@temporalio/worker';
import { cleanupStack } from '../infra/services.js';
import { createPrisma } from '../prisma/client.js';
import { startGuestSimulator } from '../scripts/lab/guestSimulator.js';
import { createWorker } from '../workflows/worker.js';
import type { VSphereClient } from '../workflows/vsphere/index.js';
import { connectToVcsim, type Vcsim } from '../workflows/vsphere/testing/vcsim.js';

export interface ProvisioningSettings {
  databaseUrl: string;
  temporal: { address: string; namespace: string; taskQueue: string };
  secretKey: string;
  vcsim: Pick<Vcsim, 'url' | 'username' | 'password' | 'thumbprintSha256'>;
}

/** What the worker measured, per workflow ID: its vSphere calls, and its guest waits. */
export interface VSphereSpans {
  calls: Array<[workflowId: string, spans: Array<[number, number]>]>;
  guestWaits: Array<{ workflowId: string; span: [number, number] }>;
}

/** Messages from the parent: 'spans' (the worker answers with VSphereSpans) and 'stop'. */
export type ToChild = 'spans' | 'stop';
/** Messages to the parent: 'ready', the spans, the simulator's errors, and 'stopped'. */
export type FromChild = 'ready' | 'stopped' | { spans: VSphereSpans } | { simulatorErrors: Record<string, number> };

const GUEST_WAITS = new Set(['waitForCloneGuest', 'waitForCustomization']);

/**
 * Times every call the activities make (they run in Temporal's activity context): the spans of
 * each workflow's calls, and per guest-waiting activity attempt the span from its first to its
 * last call (the guest booting and customizing, polls and pauses included). Times are
 * `performance.timeOrigin + performance.now()`, comparable across processes.
 */
function timedClient(client: VSphereClient, calls: Map<string, Array<[number, number]>>, waits: Map<string, { workflowId: string; span: [number, number] }>): VSphereClient {
  const now = () => performance.timeOrigin + performance.now();
  return new Proxy(client, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function' || prop === 'close') return value;
      return function (this: unknown, ...args: unknown[]) {
        let info: ReturnType<typeof Context.current>['info'] | null = null;
        try {
          info = Context.current().info;
        } catch {
          info = null;
        }
        const t0 = now();
        const result = value.apply(target, args);
        const workflowId = info?.workflowExecution?.workflowId;
        if (!info || !workflowId || !(result instanceof Promise)) return result;
        const wait = GUEST_WAITS.has(info.activityType) ? `${workflowId}/${info.activityId}/${info.attempt}` : null;
        return result.finally(() => {
          const t1 = now();
          const spans = calls.get(workflowId) ?? [];
          spans.push([t0, t1]);
          calls.set(workflowId, spans);
          if (wait) {
            const known = waits.get(wait);
            waits.set(wait, { workflowId, span: [Math.min(known?.span[0] ?? t0, t0), Math.max(known?.span[1] ?? t1, t1)] });
          }
        });
      };
    },
  }) as VSphereClient;
}

async function runWorker(settings: ProvisioningSettings, send: (m: FromChild) => void, stopped: Promise<void>, onMessage: (handle: (m: ToChild) => void) => void) {
  const cleanups = cleanupStack();
  try {
    const calls = new Map<string, Array<[number, number]>>();
    const waits = new Map<string, { workflowId: string; span: [number, number] }>();
    const vsphere = connectToVcsim(settings.vcsim);
    cleanups.push(() => vsphere.close().catch(() => undefined));
    const prisma = createPrisma(settings.databaseUrl);
    cleanups.push(() => prisma.$disconnect());
    const connection = await NativeConnection.connect({ address: settings.temporal.address });
    cleanups.push(() => connection.close());
    const worker = await createWorker({
      connection,
      namespace: settings.temporal.namespace,
      taskQueue: settings.temporal.taskQueue,
      prisma,
      vsphere: timedClient(vsphere, calls, waits),
      secretKey: settings.secretKey,
      guestWaitTimeoutMs: 120_000,
    });
    onMessage((m) => {
      if (m === 'spans') send({ spans: { calls: [...calls], guestWaits: [...waits.values()] } });
    });
    const running = worker.run();
    send('ready');
    await stopped;
    worker.shutdown();
    await running;
  } finally {
    await cleanups.close();
  }
}

async function runGuests(settings: ProvisioningSettings, send: (m: FromChild) => void, stopped: Promise<void>) {
  const vsphere = connectToVcsim(settings.vcsim);
  const errors = new Map<string, number>();
  const guests = startGuestSimulator(vsphere, {
    intervalMs: 250,
    bootDelayMs: 500,
    onError: (error) => {
      const message = error instanceof Error ? error.message.split('\n')[0]!.slice(0, 160) : String(error);
      errors.set(message, (errors.get(message) ?? 0) + 1);
    },
  });
  send('ready');
  await stopped;
  guests.stop();
  await vsphere.close().catch(() => undefined);
  send({ simulatorErrors: Object.fromEntries(errors) });
}

/** In the bench process: forks the worker and the guest simulator, and waits until both run. */
export async function startProvisioningChildren(settings: ProvisioningSettings, { profileDir }: { profileDir?: string } = {}) {
  const entry = fileURLToPath(import.meta.url);
  // With --profile, each writes its CPU profile (`--cpu-prof`) into the run's log directory as it exits.
  const execArgv = [...process.execArgv, ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [])];
  const children = (['worker', 'guests'] as const).map((role) =>
    fork(entry, [role, JSON.stringify(settings)], { stdio: 'inherit', execArgv: [...execArgv, ...(profileDir ? [`--cpu-prof-name=provision-${role}.cpuprofile`] : [])] }),
  );
  const next = (child: ChildProcess, want: (m: FromChild) => boolean) =>
    new Promise<FromChild>((resolve, reject) => {
      const onMessage = (m: FromChild) => {
        if (!want(m)) return;
        child.off('message', onMessage).off('exit', onExit);
        resolve(m);
      };
      const onExit = (code: number | null) => reject(new Error(`the bench's ${child.spawnargs[2]} process exited (${code})`));
      child.on('message', onMessage).once('exit', onExit);
    });
  await Promise.all(children.map((child) => next(child, (m) => m === 'ready')));
  const [worker, guests] = children as [ChildProcess, ChildProcess];
  let stopping: Promise<Record<string, number>> | null = null;
  return {
    pids: { worker: worker.pid, 'guest simulator': guests.pid },
    async spans(): Promise<VSphereSpans> {
      const answer = next(worker, (m) => typeof m === 'object' && 'spans' in m);
      worker.send('spans' satisfies ToChild);
      return ((await answer) as { spans: VSphereSpans }).spans;
    },
    /** Stops both; returns the simulator's errors (message -> count). */
    stop(): Promise<Record<string, number>> {
      stopping ??= (async () => {
        const errors = next(guests, (m) => typeof m === 'object' && 'simulatorErrors' in m);
        const exited = children.map((child) => (child.exitCode === null ? new Promise((resolve) => child.once('exit', resolve)) : null));
        for (const child of children) if (child.connected) child.send('stop' satisfies ToChild);
        const found = ((await errors.catch(() => ({ simulatorErrors: {} }))) as { simulatorErrors: Record<string, number> }).simulatorErrors;
        await Promise.all(exited);
        return found;
      })();
      return stopping;
    },
  };
}

async function main() {
  const [role, json] = process.argv.slice(2);
  const settings = JSON.parse(json!) as ProvisioningSettings;
  const send = (m: FromChild) => void (process.connected && process.send!(m));
  const handlers: Array<(m: ToChild) => void> = [];
  let stop!: () => void;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  process.on('message', (m: ToChild) => {
    if (m === 'stop') stop();
    for (const handle of handlers) handle(m);
  });
  // A bench process that ended without stopping this one (killed, crashed) leaves no worker behind.
  process.on('disconnect', () => stop());
  if (role === 'worker') await runWorker(settings, send, stopped, (handle) => handlers.push(handle));
  else if (role === 'guests') await runGuests(settings, send, stopped);
  else throw new Error(`unknown role ${role}`);
  send('stopped');
  if (process.connected) process.disconnect();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
