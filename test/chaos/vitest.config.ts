// The fault suite (`npm run test:chaos`): the real stack with its processes killed, restarted,
// cut off or slowed. Same global setup as `npm test` (template database, shared Temporal server).
import { defineConfig } from 'vitest/config';
import { GRAPHQL_AS_IN_NODE } from '../support/resolve.js';

export default defineConfig({
  resolve: { alias: GRAPHQL_AS_IN_NODE },
  test: {
    include: ['test/chaos/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 300_000,
    hookTimeout: 120_000,
    globalSetup: ['test/support/global-setup.ts'],
    maxWorkers: 2,
  },
});
