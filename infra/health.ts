// Health, readiness and metrics over HTTP, for the API (on its own port, next to /graphql) and the
// worker (on a port of its own): `GET /healthz` answers 200 while the process runs its event loop,
// `GET /readyz` 200 when every dependency answered within its deadline and 503 naming the failing
// ones otherwise, `GET /metrics` the Prometheus exposition.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import type { PrismaClient } from '../prisma/client.js';
import type { PgEventBus } from './eventBus.js';
import { METRICS_CONTENT_TYPE, renderMetrics } from './metrics.js';

/** A dependency check: resolves when the dependency answers, rejects with the reason otherwise. */
export type ReadinessCheck = () => Promise<void>;

/** How long one check may take before it counts as failed; probes should allow 5 s (README: Health). */
export const READINESS_TIMEOUT_MS = 3_000;

export const HEALTH_PATHS = { live: '/healthz', ready: '/readyz', metrics: '/metrics' } as const;

function withDeadline(check: ReadinessCheck, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([check(), deadline]).finally(() => clearTimeout(timer));
}

export interface Readiness {
  ready: boolean;
  checks: Record<string, { ok: true } | { ok: false; error: string }>;
}

export async function checkReadiness(checks: Record<string, ReadinessCheck>, timeoutMs = READINESS_TIMEOUT_MS): Promise<Readiness> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      try {
        await withDeadline(check, timeoutMs);
        return [name, { ok: true }] as const;
      } catch (error) {
        // The message only: a driver's error object may carry the connection string.
        return [name, { ok: false, error: error instanceof Error ? error.message : String(error) }] as const;
      }
    }),
  );
  return { ready: entries.every(([, result]) => result.ok), checks: Object.fromEntries(entries) };
}

/** The dependency checks the API and the worker share. */
export const checks = {
  database: (prisma: PrismaClient): ReadinessCheck => async () => {
    await prisma.$queryRaw`SELECT 1`;
  },
  temporal: (client: Client): ReadinessCheck => async () => {
    await client.workflowService.getSystemInfo({});
  },
  eventBus: (bus: PgEventBus): ReadinessCheck => async () => {
    if (!bus.listening) throw new Error('the LISTEN connection is down (reconnecting)');
  },
};

export interface OpsRoutesOptions {
  checks: Record<string, ReadinessCheck>;
  /** Adds the state gauges read from PostgreSQL to /metrics (the API). */
  statePrisma?: PrismaClient;
}

function send(response: ServerResponse, status: number, contentType: string, body: string): void {
  response.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' });
  response.end(body);
}

/**
 * Serves the three paths; returns false for any other request so the caller can pass it on
 * (the API hands it to GraphQL).
 */
export function opsRoutes(options: OpsRoutesOptions): (request: IncomingMessage, response: ServerResponse) => boolean {
  return (request, response) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return false;
    const path = (request.url ?? '/').split('?')[0];
    switch (path) {
      case HEALTH_PATHS.live:
        send(response, 200, 'application/json', JSON.stringify({ status: 'ok' }));
        return true;
      case HEALTH_PATHS.ready:
        void checkReadiness(options.checks).then(
          (readiness) => send(response, readiness.ready ? 200 : 503, 'application/json', JSON.stringify(readiness)),
          (error: unknown) => send(response, 503, 'application/json', JSON.stringify({ ready: false, error: String(error) })),
        );
        return true;
      case HEALTH_PATHS.metrics:
        void renderMetrics(options.statePrisma).then(
          (text) => send(response, 200, METRICS_CONTENT_TYPE, text),
          (error: unknown) => send(response, 500, 'text/plain', `metrics collection failed: ${error instanceof Error ? error.message : error}`),
        );
        return true;
      default:
        return false;
    }
  };
}

export interface OpsServer {
  url: string;
  close(): Promise<void>;
}

/** A server of its own for the three paths (the worker's). */
export async function startOpsServer(options: OpsRoutesOptions, listen: { host: string; port: number }): Promise<OpsServer> {
  const routes = opsRoutes(options);
  const server: Server = createServer((request, response) => {
    if (!routes(request, response)) send(response, 404, 'text/plain', 'not found: try /healthz, /readyz or /metrics');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${listen.host}:${port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Where the worker serves them: WORKER_HTTP_HOST (default 127.0.0.1) and WORKER_HTTP_PORT (default 4001). */
export function loadWorkerHttpSettings(env: NodeJS.ProcessEnv = process.env): { host: string; port: number } {
  const raw = env.WORKER_HTTP_PORT;
  const port = raw === undefined || raw === '' ? 4001 : Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`WORKER_HTTP_PORT must be a port number, got "${raw}"`);
  return { host: env.WORKER_HTTP_HOST || '127.0.0.1', port };
}
