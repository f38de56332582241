// Runs once per `vitest run`: a migrated template database (each test file copies it into a
// database of its own) and one real Temporal dev server (each test file uses its own task queue).
import { randomBytes } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { TestProject } from 'vitest/node';
import { createDatabase, dropDatabase, migrateDeploy } from '../../scripts/lib/db.mjs';
import { ensureTool } from '../../workflows/vsphere/testing/tools.mjs';
import { ensureSearchAttributes } from '../../workflows/namespace.js';
import { databaseUrlFor } from './database.js';

declare module 'vitest' {
  export interface ProvidedContext {
    templateDatabaseUrl: string;
    temporalAddress: string;
  }
}

export default async function setup(project: TestProject) {
  const templateDatabaseUrl = databaseUrlFor(`enclave_test_${process.pid}_${randomBytes(3).toString('hex')}`);
  await createDatabase(templateDatabaseUrl);
  await migrateDeploy(templateDatabaseUrl);

  const temporal = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: ensureTool('temporal') },
      ip: '127.0.0.1',
    },
  });
  // As a worker does at start-up: this is the code path production relies on.
  await ensureSearchAttributes(temporal.connection, temporal.namespace ?? 'default');

  project.provide('templateDatabaseUrl', templateDatabaseUrl);
  project.provide('temporalAddress', temporal.address);

  return async () => {
    await temporal.teardown();
    await dropDatabase(templateDatabaseUrl);
  };
}
