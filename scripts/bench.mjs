#!/usr/bin/env node
// `npm run bench` (-- --quick for the brief run CI makes): installs what is missing like `npm test`,
// then runs bench/run.ts, which starts its own databases, Temporal dev server and vcsim and
// writes bench/RESULTS.md (bench/RESULTS.quick.md with --quick).
import { execFileSync } from 'node:child_process';
import { bootstrap, ROOT } from './lib/bootstrap.mjs';

try {
  await bootstrap();
  // As deployed (README: NODE_ENV=production): graphql-js then skips its development-only checks
  // (a cross-realm test in every instanceof of a type, about 2% of the Clones page's CPU).
  const env = { ...process.env, NODE_ENV: process.env.NODE_ENV ?? 'production' };
  execFileSync('npx', ['tsx', '--expose-gc', 'bench/run.ts', ...process.argv.slice(2)], { cwd: ROOT, stdio: 'inherit', env });
} catch (error) {
  if (error.status === undefined) console.error(`bench: ${error.message}`);
  process.exit(error.status ?? 1);
}
