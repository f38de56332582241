// The API server: one HTTP server carrying GraphQL over HTTP/SSE (Yoga) and WebSocket
// (graphql-ws) on the same path, and the web app at every other path. Stateless: any number of
// replicas can run side by side.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AppServices } from './context.js';
import { createWebAppHandler } from './webApp.js';
import { attachWebSocketServer, createGraphQLHandler, GRAPHQL_PATH } from './yoga.js';

export interface ApiServer {
  url: string;
  wsUrl: string;
  close(): Promise<void>;
}

export async function startApiServer(services: AppServices, listen: { host: string; port: number }): Promise<ApiServer> {
  const yoga = createGraphQLHandler(services);
  const webApp = createWebAppHandler();
  const isGraphQL = (url: string | undefined) => {
    const path = (url ?? '/').split('?')[0]!;
    return path === GRAPHQL_PATH || path.startsWith(`${GRAPHQL_PATH}/`);
  };
  const httpServer = createServer((req, res) => {
    if (isGraphQL(req.url)) return void yoga(req, res);
    webApp(req, res).catch((error: unknown) => {
      console.error('serving the web app failed:', error);
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
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
