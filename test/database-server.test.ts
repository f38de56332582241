// Which PostgreSQL server `npm run dev` and `npm test` use (scripts/lib/postgres.mjs): DATABASE_URL
// as is, the default address when a server answers there, else an embedded server under
// `.enclave/postgres` (here a temporary directory), and one-line errors for bad input.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { NODE_VERSION } from '../scripts/lib/node.mjs';
import { resolveDatabaseServer, type DatabaseServer } from '../scripts/lib/postgres.mjs';

const realServer = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/enclave';
const root = mkdtempSync(join(tmpdir(), 'enclave-embedded-pg-'));
const quiet = () => {};

/** A port nothing listens on (bound, read, released). */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function holdPort(): Promise<{ port: number; server: Server }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as { port: number }).port, server };
}

async function query(url: string, sql: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

afterAll(() => rmSync(root, { recursive: true, force: true }));

it('runs on the pinned Node 24 LTS', () => {
  expect(NODE_VERSION).toMatch(/^24\./);
  expect(process.version).toBe(`v${NODE_VERSION}`);
});

describe('the database server', () => {
  it('starts an embedded PostgreSQL when DATABASE_URL is unset and nothing answers at the default address', async () => {
    const env = { ENCLAVE_DEFAULT_DATABASE_URL: `postgresql://postgres@127.0.0.1:${await deadPort()}/enclave` };
    const first: DatabaseServer = await resolveDatabaseServer({ env, root, log: quiet });
    try {
      expect(first.embedded).toBe(true);
      expect(first.url).toMatch(/^postgresql:\/\/postgres@127\.0\.0\.1:\d+\/enclave$/);
      expect(await query(first.url, "SELECT current_database() AS db, current_setting('server_version_num')::int / 10000 AS major")).toEqual([
        { db: 'enclave', major: 17 },
      ]);
      await query(first.url, 'CREATE TABLE kept (n int); INSERT INTO kept VALUES (42)');
    } finally {
      await first.stop();
    }
    expect(running(first.pid!)).toBe(false);
    expect(existsSync(join(first.dataDir!, 'PG_VERSION'))).toBe(true);
    expect(existsSync(join(first.dataDir!, 'postmaster.pid'))).toBe(false);

    // The next run reuses the cluster (no initdb) and finds the data it left.
    const lines: string[] = [];
    const second = await resolveDatabaseServer({ env, root, log: (line) => lines.push(line) });
    try {
      expect(lines.some((line) => line.includes('creating'))).toBe(false);
      expect(await query(second.url, 'SELECT n FROM kept')).toEqual([{ n: 42 }]);
    } finally {
      await second.stop();
    }
    expect(running(second.pid!)).toBe(false);
  });

  it('uses DATABASE_URL as is and starts nothing', async () => {
    const otherRoot = join(root, 'unused');
    const server = await resolveDatabaseServer({ env: { DATABASE_URL: realServer }, root: otherRoot, log: quiet });
    expect(server).toMatchObject({ url: realServer, embedded: false });
    expect(existsSync(otherRoot)).toBe(false);
    await server.stop();
  });

  it('uses a server answering at the default address', async () => {
    const server = await resolveDatabaseServer({ env: { ENCLAVE_DEFAULT_DATABASE_URL: realServer }, root: join(root, 'unused'), log: quiet });
    expect(server).toMatchObject({ url: realServer, embedded: false });
  });

  it('says what to do about an unreachable DATABASE_URL or one with a bad user', async () => {
    const port = await deadPort();
    const unreachable = resolveDatabaseServer({ env: { DATABASE_URL: `postgresql://postgres:secret@127.0.0.1:${port}/enclave` }, root, log: quiet });
    await expect(unreachable).rejects.toThrow(
      `DATABASE_URL=postgresql://postgres:***@127.0.0.1:${port}/enclave is unreachable (ECONNREFUSED): start that server or fix the host/port, or unset DATABASE_URL to use the embedded database`,
    );
    const badUser = Object.assign(new URL(realServer), { username: 'no_such_enclave_user', password: 'pw' }).toString();
    const refused = resolveDatabaseServer({ env: { DATABASE_URL: badUser }, root, log: quiet });
    await expect(refused).rejects.toThrow(/^DATABASE_URL=\S+ was refused \(.*no_such_enclave_user.*\): fix the user name\/password in DATABASE_URL$/);
    await expect(refused).rejects.not.toThrow(/:pw@/);
  });

  it('refuses a data directory left by a crashed server, deleting nothing', async () => {
    const env = { ENCLAVE_DEFAULT_DATABASE_URL: `postgresql://postgres@127.0.0.1:${await deadPort()}/enclave` };
    const lock = join(root, 'data', 'postmaster.pid');
    // A lock file as a killed server leaves it, naming a process that is gone.
    const gone = 2 ** 22 - 7;
    writeFileSync(lock, `${gone}\n${join(root, 'data')}\n1700000000\n5432\n\n127.0.0.1\n`);
    const result = resolveDatabaseServer({ env, root, log: quiet });
    await expect(result).rejects.toThrow(
      `${lock} was left by a server that did not stop cleanly (pid ${gone} is gone): make sure no postgres uses ${join(root, 'data')}, delete that one file and retry; PostgreSQL then recovers the data`,
    );
    expect(readFileSync(lock, 'utf8')).toContain(String(gone));
    expect(existsSync(join(root, 'data', 'PG_VERSION'))).toBe(true);
    rmSync(lock);
  });

  it('says what to do when the embedded server port is taken', async () => {
    const { port, server } = await holdPort();
    try {
      const env = { ENCLAVE_DEFAULT_DATABASE_URL: `postgresql://postgres@127.0.0.1:${await deadPort()}/enclave`, ENCLAVE_POSTGRES_PORT: String(port) };
      await expect(resolveDatabaseServer({ env, root, log: quiet })).rejects.toThrow(
        `port ${port} (ENCLAVE_POSTGRES_PORT) is already taken on 127.0.0.1: choose another port, or unset it to use a free one`,
      );
    } finally {
      server.close();
    }
  });

  it('says what to do when the default address answers but is not PostgreSQL', async () => {
    const { port, server } = await holdPort();
    server.on('connection', (socket) => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    try {
      const env = { ENCLAVE_DEFAULT_DATABASE_URL: `postgresql://postgres@127.0.0.1:${port}/enclave` };
      await expect(resolveDatabaseServer({ env, root, log: quiet })).rejects.toThrow(
        /^ENCLAVE_DEFAULT_DATABASE_URL=postgresql:\/\/postgres@127\.0\.0\.1:\d+\/enclave .*; something answers there that is not a PostgreSQL server we can use: stop it, or set DATABASE_URL$/,
      );
    } finally {
      server.close();
    }
  });
});
