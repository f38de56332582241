// Health and readiness as a load balancer or an orchestrator sees them: /healthz while the
// process lives, /readyz 503 naming the failing dependency while PostgreSQL is unreachable and
// 200 again once it is back. The API reaches the real PostgreSQL through a TCP proxy of the
// test's own; "unreachable" is the proxy closing every connection and refusing new ones
// (what a database host going away looks like to the API), "back" is the proxy listening again
// on the same port.
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadApiExposure } from '../infra/config.js';
import { checks, startOpsServer, type OpsServer } from '../infra/health.js';
import { openServices, type Services } from '../infra/services.js';
import { startApiServer, type ApiServer } from '../server/app.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { eventually } from './support/eventually.js';
import { installTestLogging } from './support/logging.js';

/** A TCP proxy to `target` that can drop every connection and stop listening, then listen again. */
class TcpProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async open(): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => socket.destroy());
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', resolve);
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

let database: TestDatabase;
let proxy: TcpProxy;
let services: Services<{ bus: true; temporalClient: true }>;
let api: ApiServer;
let workerOps: OpsServer;

const origin = () => new URL(api.url).origin;
async function readiness(base = origin()): Promise<{ status: number; body: { ready: boolean; checks: Record<string, { ok: boolean; error?: string }> } }> {
  const response = await fetch(`${base}/readyz`);
  return { status: response.status, body: (await response.json()) as never };
}

beforeAll(async () => {
  installTestLogging();
  database = await createTestDatabase(inject('templateDatabaseUrl'));
  const url = new URL(database.url);
  proxy = new TcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
  await proxy.open();
  url.hostname = '127.0.0.1';
  url.port = String(proxy.port);
  const settings = {
    databaseUrl: url.toString(),
    temporal: { address: inject('temporalAddress'), namespace: 'default', taskQueue: 'health-test' },
    secretKey: Buffer.alloc(32, 7).toString('base64'),
    exposure: loadApiExposure({}),
  };
  services = await openServices(settings, { bus: true, temporalClient: true });
  api = await startApiServer({ prisma: services.prisma, temporal: services.temporal, bus: services.bus, settings }, { host: '127.0.0.1', port: 0 });
  // The worker's server, with the checks the worker's main gives it (its worker check aside).
  workerOps = await startOpsServer(
    { checks: { database: checks.database(services.prisma), temporal: checks.temporal(services.temporal) } },
    { host: '127.0.0.1', port: 0 },
  );
});

afterAll(async () => {
  await workerOps?.close();
  await api?.close();
  await services?.close();
  await proxy?.close();
  await database?.drop();
});

describe('health and readiness', () => {
  it('answers /healthz and /readyz with every dependency reachable', async () => {
    const live = await fetch(`${origin()}/healthz`);
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: 'ok' });
    // Ready once every dependency has answered (the first query also loads Prisma's query compiler).
    await eventually(async () => (await readiness()).status === 200, { timeoutMs: 30_000, what: '/readyz 200' });
    expect(await readiness()).toEqual({
      status: 200,
      body: { ready: true, checks: { database: { ok: true }, temporal: { ok: true }, eventBus: { ok: true } } },
    });
    await eventually(async () => (await readiness(workerOps.url)).status === 200, { timeoutMs: 30_000, what: "the worker's /readyz 200" });
    expect((await fetch(`${workerOps.url}/graphql`)).status).toBe(404);
  });

  it('turns /readyz to 503 naming the database while PostgreSQL is unreachable, and back to 200 after', async () => {
    await proxy.close();
    const down = await eventually(async () => {
      const answer = await readiness();
      return answer.status === 503 && !answer.body.checks.database?.ok ? answer : undefined;
    }, { timeoutMs: 20_000, what: '/readyz 503' });
    expect(down.body.ready).toBe(false);
    expect(down.body.checks.database).toMatchObject({ ok: false, error: expect.any(String) });
    expect(down.body.checks.temporal).toEqual({ ok: true });
    // The error names the failure, not the connection string.
    expect(JSON.stringify(down.body)).not.toContain(database.url);
    expect((await readiness(workerOps.url)).status).toBe(503);
    // Alive all the while: an orchestrator must not restart a process for its database's outage.
    expect((await fetch(`${origin()}/healthz`)).status).toBe(200);
    // Metrics stay available and say the state could not be read.
    const metrics = await (await fetch(`${origin()}/metrics`)).text();
    expect(metrics).toMatch(/^enclave_state_collection_success 0$/m);
    expect(metrics).toMatch(/^process_cpu_user_seconds_total /m);

    await proxy.open();
    const up = await eventually(async () => {
      const answer = await readiness();
      return answer.status === 200 ? answer : undefined;
    }, { timeoutMs: 30_000, what: '/readyz 200 again' });
    expect(up.body.checks).toEqual({ database: { ok: true }, temporal: { ok: true }, eventBus: { ok: true } });
    await eventually(async () => (await readiness(workerOps.url)).status === 200, { timeoutMs: 30_000, what: "the worker's /readyz 200 again" });
    expect(await (await fetch(`${origin()}/metrics`)).text()).toMatch(/^enclave_state_collection_success 1$/m);
  });
});
