// Installs the Go programs the local stack and the tests run on (Temporal CLI dev server, vcsim) at
// pinned versions into a cache outside the clone, so every fresh clone on the same machine reuses
// them. Plain JavaScript: `npm run dev`/`npm test` call it from plain node before node_modules
// exists. It lives here, beside vcsim.ts, so test support in workflows/ imports nothing from scripts/.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, join } from 'node:path';

/** Pinned versions: see DESIGN.md §4 for why these exact tags. */
export const TOOLS = {
  temporal: { module: 'github.com/temporalio/cli/cmd/temporal', version: 'v1.5.1' },
  vcsim: { module: 'github.com/vmware/govmomi/vcsim', version: 'v0.46.3' },
};

export function toolsCacheDir() {
  if (process.env.ENCLAVE_TOOLS_DIR) return process.env.ENCLAVE_TOOLS_DIR;
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'enclave-tools');
}

function goBinary() {
  const probe = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      'Go is required to install the Temporal CLI and vcsim (https://go.dev/dl/, Go 1.22 or later). ' +
        '`go version` failed: ' + (probe.error?.message ?? probe.stderr.trim()),
    );
  }
  return 'go';
}

/** Returns the path of one tool, installing it first when the cache does not hold it. */
export function ensureTool(name, log = (line) => process.stderr.write(line + '\n')) {
  const tool = TOOLS[name];
  if (!tool) throw new Error(`unknown tool ${name}`);
  const dir = join(toolsCacheDir(), `${name}-${tool.version}`);
  const bin = join(dir, name);
  if (existsSync(bin)) return bin;

  const go = goBinary();
  log(`installing ${tool.module}@${tool.version} (first time on this machine; may take minutes)`);
  installIntoCache(dir, (scratch) =>
    execFileSync(go, ['install', `${tool.module}@${tool.version}`], {
      env: { ...process.env, GOBIN: scratch, GOFLAGS: '-mod=mod' },
      stdio: ['ignore', 'inherit', 'inherit'],
    }),
  );
  return bin;
}

/**
 * Fills the cache directory `dir` through `install(scratch)`, which installs into a scratch
 * directory that is renamed into place only once it succeeds: an interrupted install never
 * leaves a half tool behind, and concurrent installers each rename a whole one.
 */
export function installIntoCache(dir, install) {
  mkdirSync(toolsCacheDir(), { recursive: true });
  const scratch = mkdtempSync(join(toolsCacheDir(), `.${basename(dir)}-`));
  try {
    install(scratch);
    rmSync(dir, { recursive: true, force: true });
    renameSync(scratch, dir);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

export function ensureTools(log) {
  return Object.fromEntries(Object.keys(TOOLS).map((name) => [name, ensureTool(name, log)]));
}
