// The Node.js release Enclave runs on, installed by the project itself: these machines only have
// an older Node and reach nothing but the package registries, so the pinned release comes from the
// registry's `node` package (which brings the platform's `node-<os>-<arch>` binary). It goes into
// the same cache as the Go tools, outside the clone, so every clone on the machine reuses it and
// the first `npm install` of a clone already runs under it. Node built-ins only.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { constants } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { installIntoCache, toolsCacheDir } from './tools.mjs';

/** Node 24 LTS ("Krypton"); keep equal to `engines.node`, `devDependencies.node` and README. */
export const NODE_VERSION = '24.21.0';

/** Set in the environment of the re-executed script, so a mismatch cannot loop. */
const HANDED_OVER = 'ENCLAVE_NODE_HANDED_OVER';

export function nodeCacheDir() {
  return join(toolsCacheDir(), `node-v${NODE_VERSION}`);
}

function cachedNodeBinary() {
  const bin = process.platform === 'win32' ? 'node.exe' : 'node';
  return join(nodeCacheDir(), 'node_modules', 'node', 'bin', bin);
}

/** Path of the pinned Node binary, installing it from the npm registry the first time. */
export function ensureNode(log = (line) => process.stderr.write(line + '\n')) {
  const bin = cachedNodeBinary();
  if (existsSync(bin)) return bin;
  log(`installing Node.js ${NODE_VERSION} from the npm registry (first time on this machine)`);
  const started = Date.now();
  try {
    installIntoCache(nodeCacheDir(), (scratch) => {
      execFileSync('npm', ['install', '--prefix', scratch, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--loglevel=error', `node@${NODE_VERSION}`], {
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      const probe = join(scratch, 'node_modules', 'node', 'bin', 'node');
      const version = execFileSync(probe, ['--version'], { encoding: 'utf8' }).trim();
      if (version !== `v${NODE_VERSION}`) throw new Error(`the installed node reports ${version}, expected v${NODE_VERSION}`);
    });
  } catch (error) {
    throw new Error(`could not install Node.js ${NODE_VERSION} with npm (${error.message}); check that the npm registry is reachable, or install Node ${NODE_VERSION} yourself and run with it`);
  }
  log(`installed Node.js ${NODE_VERSION} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return bin;
}

export const runsPinnedNode = () => process.versions.node === NODE_VERSION;

/**
 * Unless this process already runs the pinned Node, installs it if needed and runs this same
 * script under it (its directory first on PATH, so `npm`, `npx` and every `#!/usr/bin/env node`
 * child use it too), then exits with its status. Resolves only when no hand-over is needed.
 */
export async function handOverToPinnedNode(log) {
  if (runsPinnedNode()) return;
  if (process.env[HANDED_OVER]) {
    throw new Error(`expected Node ${NODE_VERSION} after the hand-over, running ${process.version}`);
  }
  const node = ensureNode(log);
  const env = {
    ...process.env,
    [HANDED_OVER]: '1',
    PATH: [dirname(node), process.env.PATH ?? ''].join(delimiter),
  };
  const child = spawn(node, [...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit', env });
  // A terminal's Ctrl-C reaches the child too (same process group); a signal sent to this process
  // alone is passed on. Either way this process waits for the child and exits as it did.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  await new Promise(() => {
    child.on('error', (error) => {
      console.error(`could not start Node ${NODE_VERSION} (${node}): ${error.message}`);
      process.exit(1);
    });
    child.on('exit', (code, signal) => process.exit(code ?? 128 + (constants.signals[signal] ?? 0)));
  });
}
