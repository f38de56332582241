// The API server: one HTTP server carrying GraphQL over HTTP/SSE (Yoga) and WebSocket
// (graphql-ws) on the same path, and the web app at every other path. Stateless: any number of
// replicas can run side by side.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checks, opsRoutes } from '../infra/health.js';
import { errorFields, logger, withLogContext } from '../infra/logger.js';
import type { AppServices } from './context.js';
import { createWebAppHandler } from './webApp.js';
import { attachWebSocketServer, createGraphQLHandler, GRAPHQL_PATH } from './yoga.js';

export interface ApiServer {
  url: string;
  wsUrl: string;
  close(): Promise<void>;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

export async function startApiServer(services: AppServices, listen: { host: string; port: number }): Promise<ApiServer> {
  const yoga = createGraphQLHandler(services);
  // /healthz, /readyz and /metrics next to /graphql; the state gauges are read from the database.
  const ops = opsRoutes({
    checks: {
      database: checks.database(services.prisma),
      temporal: checks.temporal(services.temporal),
      eventBus: checks.eventBus(services.bus),
    },
    statePrisma: services.prisma,
  });
  const webApp = createWebAppHandler();
  const isGraphQL = (url: string | undefined) => {
    const path = (url ?? '/').split('?')[0]!;
    return path === GRAPHQL_PATH || path.startsWith(`${GRAPHQL_PATH}/`);
  };
  const httpServer = createServer((request, response) => {
    if (ops(request, response)) return;
    // Every log line of the request carries its ID; a caller's X-Request-Id is kept when it is a plain token.
    const given = request.headers['x-request-id'];
    const requestId = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    response.setHeader('x-request-id', requestId);
    if (isGraphQL(request.url)) return withLogContext({ requestId }, () => void yoga(request, response));
    webApp(request, response).catch((error: unknown) => {
      logger.error({ requestId, ...errorFields(error) }, 'serving the web app failed');
      if (!response.headersSent) response.writeHead(500).end();
      else response.destroy();
    });
  });
  const closeWs = attachWebSocketServer(httpServer, yoga);
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(listen.port, listen.host, resolve);
  });
  const { port } = httpServer.address() as AddressInfo;
  const base = `${listen.host}:${port}${GRAPHQL_PATH}`;
  return {
    url: `http://${base}`,
    wsUrl: `ws://${base}`,
    close: async () => {
      await closeWs();
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}
