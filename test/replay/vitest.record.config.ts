// Vitest configuration of the history recorder (`npm run histories:record`): runs the scenarios in
// test/replay/*.record.ts on the real stack, with the test suite's global setup.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { GRAPHQL_AS_IN_NODE } from '../support/resolve.js';

export default defineConfig({
  resolve: { alias: GRAPHQL_AS_IN_NODE },
  test: {
    root: fileURLToPath(new URL('../..', import.meta.url)),
    include: ['test/replay/*.record.ts'],
    pool: 'forks',
    testTimeout: 600_000,
    hookTimeout: 120_000,
    globalSetup: ['test/support/global-setup.ts'],
  },
});
