#!/usr/bin/env node
// `npm test`: installs what is missing, then type-checks, builds the web app (Vite; the browser
// tests load it from the API) and runs every test (unit and integration, against real PostgreSQL,
// the Temporal dev server and vcsim), then the fault suite (test/chaos/).
// Extra arguments go to vitest, e.g. `npm test -- workflows/vsphere`. With file filters, only
// those files run and the type-check is skipped (vitest strips types without checking them; the
// full run and CI keep the check).
import { execFileSync } from 'node:child_process';
import { bootstrap, ROOT } from './lib/bootstrap.mjs';

const step = (command, args) => execFileSync(command, args, { cwd: ROOT, stdio: 'inherit' });

// vitest options that take the next argument as their value (so it is not a file filter).
const VALUED = new Set(['-t', '--testNamePattern', '-c', '--config', '-r', '--root', '--dir', '--project', '--reporter', '--shard', '--pool', '--maxWorkers', '--environment', '--outputFile']);

/** The file filters among vitest's arguments: positionals that are not an option's value. */
function fileFilters(args) {
  return args.filter((arg, i) => !arg.startsWith('-') && !VALUED.has(args[i - 1] ?? ''));
}

try {
  await bootstrap();
  const args = process.argv.slice(2);
  const filters = fileFilters(args);
  if (filters.length === 0) {
    step('npx', ['tsc', '--noEmit', '-p', '.']);
    step('npx', ['tsc', '--noEmit', '-p', 'web']);
  }
  // The web app is built from source on every run that may load it, so no test sees a stale build.
  if (filters.length === 0 || filters.some((filter) => /web|browser/.test(filter))) {
    step('npx', ['vite', 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn']);
  }
  step('npx', ['vitest', 'run', ...args]);
  // The fault suite (test/chaos/, its own vitest config) is part of "every test": a full run ends
  // with it. `npm run test:chaos` runs it alone.
  if (filters.length === 0 && !args.includes('--config')) {
    step('npx', ['vitest', 'run', '--config', 'test/chaos/vitest.config.ts']);
  }
} catch (error) {
  // execFileSync already printed the failing step's output.
  if (error.status === undefined) console.error(`test: ${error.message}`);
  process.exit(error.status ?? 1);
}
