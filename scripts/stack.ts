// The whole local stack, started by `npm run dev` (after scripts/dev.mjs installed what was
// missing): PostgreSQL database + migrations, Temporal dev server with its UI, vcsim, demo data,
// the worker, the API, and the lab guest simulator. Ctrl-C stops everything; state persists in
// .enclave/ (Temporal's database, the secret key, the demo passwords) and in PostgreSQL.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { databaseUrlFrom } from '../prisma/database-url.mjs';
import { loadSettings } from '../infra/config.js';
import { generatePassword } from '../infra/secrets.js';
import { openServices } from '../infra/services.js';
import { seedDemo, type DemoUser } from '../prisma/seed.js';
import { ensureSearchAttributes } from '../workflows/namespace.js';
import { consoleLogger } from '../workflows/vsphere/logger.js';
import { ensureTool } from './lib/tools.mjs';
import { connectToVcsim, startVcsim } from '../workflows/vsphere/testing/vcsim.js';
import { startGuestSimulator } from './lab/guestSimulator.js';
import { devStackBanner } from './lib/banner.js';
import { ROOT } from './lib/bootstrap.mjs';
import { createDatabase, migrateDeploy } from './lib/db.mjs';
import { Supervisor } from './lib/processes.js';

const STATE_DIR = join(ROOT, '.enclave');
const PORTS = {
  api: Number(process.env.PORT ?? 4000),
  temporal: Number(process.env.TEMPORAL_PORT ?? 7233),
  temporalUi: Number(process.env.TEMPORAL_UI_PORT ?? 8233),
  vcsim: Number(process.env.VCSIM_PORT ?? 8989),
  worker: Number(process.env.WORKER_HTTP_PORT ?? 4001),
};

interface DevState {
  secretKey: string;
  users: DemoUser[];
}

/** Secrets of this checkout's dev stack, made once and kept outside Git in .enclave/. */
function loadDevState(): DevState {
  mkdirSync(STATE_DIR, { recursive: true, mode: 0o700 });
  const path = join(STATE_DIR, 'dev-state.json');
  if (existsSync(path)) return JSON.parse(readFileSync(path, 'utf8')) as DevState;
  const state: DevState = {
    secretKey: randomBytes(32).toString('base64'),
    users: [
      { username: 'admin', name: 'Ada Admin', role: 'GLOBAL_ADMIN', password: generatePassword(16) },
      { username: 'operator', name: 'Otto Operator', role: 'MACHINE_ADMIN', password: generatePassword(16) },
      { username: 'developer', name: 'Dana Developer', role: 'DEVELOPER', password: generatePassword(16) },
    ],
  };
  writeFileSync(path, JSON.stringify(state, null, 2), { mode: 0o600 });
  return state;
}

async function waitForPort(port: number, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port }, () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`${what} did not open port ${port} within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const supervisor = new Supervisor((name, code) => {
  console.error(`${name} exited unexpectedly (code ${code}); stopping the stack`);
  void shutdown(1);
});
/** In-process parts (vcsim, guest simulator), stopped in reverse order before the children. */
const cleanups: Array<() => Promise<unknown>> = [];
let stopping = false;

async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log('\nstopping the stack…');
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  await supervisor.stopAll();
  process.exit(code);
}

async function main(): Promise<void> {
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  const state = loadDevState();
  const databaseUrl = databaseUrlFrom();

  console.log('database: creating (if needed) and migrating');
  await createDatabase(databaseUrl);
  await migrateDeploy(databaseUrl);

  supervisor.start('temporal', ensureTool('temporal'), [
    'server', 'start-dev',
    '--ip', '127.0.0.1',
    '--port', String(PORTS.temporal),
    '--ui-port', String(PORTS.temporalUi),
    '--db-filename', join(STATE_DIR, 'temporal.db'),
    '--log-level', 'warn',
  ]);

  const vcsim = await startVcsim({ binary: ensureTool('vcsim'), port: PORTS.vcsim });
  cleanups.push(() => vcsim.stop());
  // The settings the worker and the API children read from this environment; the stack's own
  // services (seeding, guest simulator, namespace) are opened from the same settings.
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: `127.0.0.1:${PORTS.temporal}`,
    VSPHERE_URL: vcsim.url,
    VSPHERE_USERNAME: vcsim.username,
    VSPHERE_PASSWORD: vcsim.password,
    VSPHERE_THUMBPRINT: vcsim.thumbprintSha256,
    ENCLAVE_SECRET_KEY: state.secretKey,
    PORT: String(PORTS.api),
    WORKER_HTTP_PORT: String(PORTS.worker),
    // Human-readable logs in the terminal; production keeps the default, one JSON object per line.
    LOG_FORMAT: process.env.LOG_FORMAT ?? 'pretty',
  };
  const settings = loadSettings(env);

  await waitForPort(PORTS.temporal, 'Temporal');
  const services = await openServices(settings, {
    vsphere: connectToVcsim(vcsim, { logger: consoleLogger }),
    temporalClient: true,
  });
  cleanups.push(() => services.close());

  console.log('seeding demo data');
  await seedDemo(services.prisma, services.vsphere, { users: state.users });

  const guests = startGuestSimulator(services.vsphere, { onError: (error) => console.warn('[guests]', String(error)) });
  cleanups.push(() => guests.stop());

  // The API may start a clone workflow before the worker has prepared the namespace.
  await ensureSearchAttributes(services.temporalConnection, settings.temporal.namespace);
  supervisor.start('worker', 'npx', ['tsx', 'workflows/worker.ts'], env);
  supervisor.start('api', 'npx', ['tsx', 'server/main.ts'], env);
  // The web app: built into web/dist, which the API serves at /, and rebuilt on every change.
  supervisor.start('web', 'npx', ['vite', 'build', '--watch', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], env);
  await waitForPort(PORTS.api, 'the API');
  await waitForPort(PORTS.worker, 'the worker');

  console.log(devStackBanner({ ports: PORTS, vcsimUrl: vcsim.url, users: state.users }));
}

main().catch((error: unknown) => {
  console.error('dev stack failed:', error instanceof Error ? error.message : error);
  void shutdown(1);
});
