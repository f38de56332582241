// First-run steps shared by `npm run dev` and `npm test`: the pinned Node 24 (the script is run
// again under it), npm packages, the pinned Go tools, the generated Prisma client and a database
// server. Uses only Node built-ins until npm install has run, because node_modules may not exist.
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const newer = (a, b) => statSync(a).mtimeMs > statSync(b).mtimeMs;

function run(command, args) {
  execFileSync(command, args, { cwd: ROOT, stdio: 'inherit' });
}

export async function bootstrap(log = (line) => console.log(line)) {
  // Runs the calling script again under the pinned Node 24 unless it already runs on it.
  const { handOverToPinnedNode } = await import('./node.mjs');
  await handOverToPinnedNode(log);
  const lock = join(ROOT, 'package-lock.json');
  const installed = join(ROOT, 'node_modules', '.package-lock.json');
  if (!existsSync(installed) || newer(lock, installed)) {
    // `npm install` with the committed lock installs exactly the locked versions. Not `npm ci`:
    // it refuses a lock whose optional platform packages (e.g. @swc/core-darwin-*) the registry
    // mirror here does not serve, although nothing on this platform needs them.
    // --prefer-offline: package metadata already in npm's cache is used without asking the
    // registry again. A registry that drops a download midway (seen: an idle timeout on a large
    // packument) is a network fault, not ours: the install is tried again, at most 3 times.
    log('installing npm packages (npm install, as locked)');
    for (let attempt = 1; ; attempt++) {
      try {
        run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline']);
        break;
      } catch (error) {
        if (attempt >= 3) throw new Error(`npm install failed ${attempt} times; check that the npm registry is reachable`);
        log(`npm install failed (attempt ${attempt} of 3, see above); trying again`);
      }
    }
  }
  const { ensureTools } = await import('./tools.mjs');
  const tools = ensureTools(log);
  const schema = join(ROOT, 'prisma', 'schema.prisma');
  const generated = join(ROOT, 'prisma', 'generated', 'client', 'client.ts');
  if (!existsSync(generated) || newer(schema, generated)) {
    log('generating the Prisma client');
    run('npx', ['prisma', 'generate']);
  }
  // DATABASE_URL, the server at the default address, or an embedded one (stopped on exit), which
  // the child processes (tests, dev stack) then all find in DATABASE_URL.
  const { resolveDatabaseServer } = await import('./postgres.mjs');
  const database = await resolveDatabaseServer({ log });
  process.env.DATABASE_URL = database.url;
  return { ...tools, database };
}
