#!/usr/bin/env node
// `npm test`: installs what is missing, then type-checks and runs every test (unit and
// integration, against real PostgreSQL, the Temporal dev server and vcsim).
// Extra arguments go to vitest, e.g. `npm test -- workflows/vsphere`.
import { execFileSync } from 'node:child_process';
import { bootstrap, ROOT } from './lib/bootstrap.mjs';

const step = (command, args) => execFileSync(command, args, { cwd: ROOT, stdio: 'inherit' });

try {
  await bootstrap();
  step('npx', ['tsc', '--noEmit', '-p', '.']);
  step('npx', ['vitest', 'run', ...process.argv.slice(2)]);
} catch (error) {
  // execFileSync already printed the failing step's output.
  if (error.status === undefined) console.error(`test: ${error.message}`);
  process.exit(error.status ?? 1);
}
