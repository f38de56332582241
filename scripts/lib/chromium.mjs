// Finds Debian's `chromium` (for the browser test), installing the package when it is missing and
// we may: as root, with apt-get (`apt-get update` once per call, then `apt-get install -y chromium`).
// Returns `{ path }` or `{ path: null, reason }`; never throws. Node built-ins only.
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { userInfo } from 'node:os';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

function executable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

const found = () => (process.env.CHROMIUM_PATH ? [process.env.CHROMIUM_PATH] : CANDIDATES).find(executable) ?? null;

export function findChromium({ install = true, log = (line) => process.stderr.write(line + '\n') } = {}) {
  const existing = found();
  if (existing) return { path: existing };
  if (process.env.CHROMIUM_PATH) return { path: null, reason: `CHROMIUM_PATH=${process.env.CHROMIUM_PATH} is not an executable file` };
  if (!install) return { path: null, reason: 'chromium is not installed (apt-get install chromium)' };
  if (process.platform !== 'linux') return { path: null, reason: `no Debian chromium package on ${process.platform}` };
  if (spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status !== 0) {
    return { path: null, reason: 'chromium is not installed and there is no apt-get to install it with' };
  }
  if (userInfo().uid !== 0) {
    return { path: null, reason: 'chromium is not installed and installing it needs root: run `sudo apt-get install -y chromium`' };
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const started = Date.now();
  try {
    log('installing Debian\'s chromium package for the browser test (apt-get, first time on this machine)');
    execFileSync('apt-get', ['update', '-qq'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    const why = `${error.stderr ?? ''}`.trim().split('\n').pop() || error.message;
    return { path: null, reason: `apt-get could not install chromium (${why})` };
  }
  const path = found();
  if (!path) return { path: null, reason: 'apt-get installed chromium but no chromium binary was found' };
  log(`installed chromium in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return { path };
}
