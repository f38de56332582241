// Where the test run's infrastructure logs go: one directory per `vitest run`
// (.enclave/test-logs/<timestamp>/, made by the global setup, printed at its end), one file per
// test process for the Temporal runtime's log (worker, workflow bundle, core), instead of the
// terminal. A test's own console output is untouched, so a failing test still shows it.
import { appendFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { DefaultLogger, Runtime, type LogEntry } from '@temporalio/worker';
import { IllegalStateError } from '@temporalio/common';
import pino from 'pino';
import { expect, inject } from 'vitest';
import { configureLogger } from '../../infra/logger.js';

/** A Temporal logger appending one line per entry to `path`. */
export function fileLogger(path: string): DefaultLogger {
  return new DefaultLogger('INFO', (entry: LogEntry) => {
    const time = new Date(Number(entry.timestampNanos / 1_000_000n)).toISOString();
    const meta = entry.meta && Object.keys(entry.meta).length > 0 ? ` ${safeJson(entry.meta)}` : '';
    appendFileSync(path, `${time} ${entry.level.padEnd(5)} ${entry.message}${meta}\n`);
  });
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  } catch {
    return String(value);
  }
}

/** Sends the Temporal runtime's log to `path`, unless a runtime is installed already. */
export function installRuntimeLogger(path: string): void {
  try {
    Runtime.install({ logger: fileLogger(path) });
  } catch (error) {
    // Installed by an earlier stack of this process (the runtime uninstalls itself once idle).
    if (!(error instanceof IllegalStateError)) throw error;
  }
}

/** `<run's log dir>/<test file>[.<part>].log`: where the current test file's infrastructure logs. */
export function testLogPath(part?: string): string {
  const testPath = expect.getState().testPath;
  const name = testPath ? basename(testPath) : `process-${process.pid}`;
  return join(inject('logDir'), `${name}${part ? `.${part}` : ''}.log`);
}

/**
 * For the test process: its Temporal runtime logs to `testLogPath()`, and the process logger
 * (API, worker, vSphere, event bus: what `npm run dev` prints) as JSON lines to `testLogPath('app')`.
 */
export function installTestLogging(): void {
  installRuntimeLogger(testLogPath());
  configureLogger('test', { level: 'debug', format: 'json' }, pino.destination({ dest: testLogPath('app'), sync: true }));
}

/** Appends a measured figure (faults injected, times, counts) to the run's `<test file>.figures.log`. */
export function recordFigure(line: string): void {
  appendFileSync(testLogPath('figures'), `${line}\n`);
}
