#!/usr/bin/env node
// `npm run dev`: installs what is missing, then runs the whole local stack (scripts/stack.ts).
import { spawn } from 'node:child_process';
import { bootstrap, ROOT } from './lib/bootstrap.mjs';

try {
  await bootstrap();
} catch (error) {
  console.error(`dev: ${error.message}`);
  process.exit(1);
}
// The stack handles Ctrl-C itself (stopping every child); this process just waits for it.
const stack = spawn('npx', ['tsx', 'scripts/stack.ts', ...process.argv.slice(2)], { cwd: ROOT, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => stack.kill(signal));
stack.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
