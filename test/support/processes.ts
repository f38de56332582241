// Separate processes a fault test can kill: the worker (`workflows/worker.ts`, as production runs
// it) and a Temporal dev server with its history in a database file, so a restart keeps it.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import { Connection } from '@temporalio/client';
import { ensureTool } from '../../scripts/lib/tools.mjs';
import { eventually } from './eventually.js';
import { testLogPath } from './logging.js';

/** Sends SIGKILL to the child's whole process group (npx, tsx and node) and waits for its exit. */
export function killGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.kill(-child.pid!, 'SIGKILL');
  return exited;
}

/** Worker processes for one stack; each logs to the test file's log directory. */
export class WorkerProcesses {
  private readonly started: ChildProcess[] = [];

  constructor(private readonly env: NodeJS.ProcessEnv) {}

  start(extraEnv: NodeJS.ProcessEnv = {}): ChildProcess {
    const log = openSync(testLogPath(`worker-${this.started.length + 1}`), 'a');
    const child = spawn('npx', ['tsx', 'workflows/worker.ts'], { env: { ...this.env, ...extraEnv }, stdio: ['ignore', log, log], detached: true });
    closeSync(log); // the child holds its own copy
    this.started.push(child);
    return child;
  }

  async stopAll(): Promise<void> {
    for (const child of this.started) await killGroup(child);
  }
}

/** A free TCP port on 127.0.0.1 (for a server that must come back on the same port). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface TemporalDevServer {
  address: string;
  /** SIGKILLs the server (no clean shutdown), then starts it again on the same port and file. */
  restart(options?: { whileDown?: () => Promise<unknown> }): Promise<void>;
  stop(): Promise<void>;
}

/** `temporal server start-dev` with `--db-filename`: history, schedules and search attributes persist. */
export async function startTemporalDevServer(dbFile: string): Promise<TemporalDevServer> {
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  const launch = async () => {
    const log = openSync(testLogPath('temporal'), 'a');
    const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--headless', '--db-filename', dbFile, '--log-level', 'warn'];
    child = spawn(ensureTool('temporal'), args, { stdio: ['ignore', log, log], detached: true });
    closeSync(log);
    await eventually(
      async () => {
        const connection = await Connection.connect({ address, connectTimeout: 1000 });
        try {
          await connection.workflowService.getSystemInfo({});
          return true;
        } finally {
          await connection.close();
        }
      },
      { timeoutMs: 60_000, intervalMs: 250, what: `the Temporal dev server at ${address}` },
    );
  };
  await launch();
  return {
    address,
    async restart({ whileDown } = {}) {
      await killGroup(child!);
      await whileDown?.();
      await launch();
    },
    stop: () => killGroup(child!),
  };
}
