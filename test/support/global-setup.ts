// Runs once per `vitest run`: a migrated template database (each test file copies it into a
// database of its own) and one real Temporal dev server (each test file uses its own task queue).
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { TestProject } from 'vitest/node';
import { createDatabase, dropDatabase, migrateDeploy } from '../../scripts/lib/db.mjs';
import { ensureTool } from '../../scripts/lib/tools.mjs';
import { ensureSearchAttributes } from '../../workflows/namespace.js';
import { databaseUrlFor } from './database.js';
import { installRuntimeLogger } from './logging.js';

declare module 'vitest' {
  export interface ProvidedContext {
    templateDatabaseUrl: string;
    temporalAddress: string;
    /** The pinned vcsim binary, for startVcsim. */
    vcsimBinary: string;
    /** This run's log directory (see logging.ts). */
    logDir: string;
  }
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The Temporal CLI, its output appended to `logFile`. The SDK (1.24) starts the dev server with
 * the test process's stdout/stderr and offers only its log level and format, so a wrapper script
 * redirects them; `exec` keeps the server's pid, which the SDK stops at teardown.
 */
function quietTemporal(logDir: string, logFile: string): string {
  const wrapper = join(logDir, 'temporal-dev-server.sh');
  const quote = (value: string) => `'${value.replaceAll("'", `'\\''`)}'`;
  writeFileSync(wrapper, `#!/bin/sh\nexec ${quote(ensureTool('temporal'))} "$@" >>${quote(logFile)} 2>&1\n`);
  chmodSync(wrapper, 0o755);
  return wrapper;
}

export default async function setup(project: TestProject) {
  const logDir = join(ROOT, '.enclave', 'test-logs', new Date().toISOString().replaceAll(':', '-'));
  mkdirSync(logDir, { recursive: true });
  installRuntimeLogger(join(logDir, 'global-setup.log'));

  const templateDatabaseUrl = databaseUrlFor(`enclave_test_${process.pid}_${randomBytes(3).toString('hex')}`);
  await createDatabase(templateDatabaseUrl);
  await migrateDeploy(templateDatabaseUrl);

  const temporal = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: quietTemporal(logDir, join(logDir, 'temporal-server.log')) },
      ip: '127.0.0.1',
    },
  });
  // As a worker does at start-up: this is the code path production relies on.
  await ensureSearchAttributes(temporal.connection, temporal.namespace ?? 'default');

  project.provide('templateDatabaseUrl', templateDatabaseUrl);
  project.provide('temporalAddress', temporal.address);
  project.provide('logDir', logDir);
  project.provide('vcsimBinary', ensureTool('vcsim'));

  return async () => {
    await temporal.teardown();
    await dropDatabase(templateDatabaseUrl);
    console.log(`Worker, workflow bundle and Temporal server logs: ${relative(process.cwd(), logDir) || logDir}`);
  };
}
