import { defineConfig } from 'vitest/config';
import { GRAPHQL_AS_IN_NODE } from './test/support/resolve.js';

export default defineConfig({
  resolve: { alias: GRAPHQL_AS_IN_NODE },
  test: {
    include: ['test/**/*.test.ts', 'workflows/**/*.test.ts', 'server/**/*.test.ts'],
    // The fault suite runs on its own: `npm run test:chaos` (test/chaos/vitest.config.ts).
    exclude: ['**/node_modules/**', '**/.git/**', 'test/chaos/**'],
    pool: 'forks',
    testTimeout: 120000,
    hookTimeout: 120000,
    globalSetup: ['test/support/global-setup.ts'],
    // Two cores: integration files each run vcsim and a Temporal worker; two at once is plenty.
    maxWorkers: 2,
  },
});
