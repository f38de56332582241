// The baselines the benchmarks are measured against, served in the bench's own process: the
// Clones page from one hand-written SQL query as JSON over plain node:http, and a graphql-yoga
// "hello" schema (the cost of the HTTP + GraphQL layers with nothing behind them), and the floor of
// a subscription fan-out (raw graphql-ws frames to the same subscribers).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { createSchema, createYoga } from 'graphql-yoga';
import pg from 'pg';
import { WebSocketServer, type WebSocket } from 'ws';

export interface Served {
  url: string;
  close(): Promise<void>;
}

async function listen(server: Server, path: string): Promise<Served> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const MACHINE = (alias: string) =>
  `json_build_object('id', ${alias}.id, 'name', ${alias}.name, 'kind', ${alias}.kind, 'powerState', ${alias}."powerState", 'online', ${alias}.online,
     'guestIp', ${alias}."guestIp", 'cpu', ${alias}.cpu, 'ramGb', ${alias}."ramGb", 'lastOnlineAt', ${alias}."lastOnlineAt",
     'vsphereRef', ${alias}."vsphereRef", 'createdAt', ${alias}."createdAt", 'removedAt', ${alias}."removedAt")`;

/**
 * The page as a competent hand-written query: the 50 newest live clones first (LIMIT inside),
 * then their relations by primary key; every column the SDK's `CloneFields` shows.
 */
export const PAGE_SQL = `
  SELECT c.id, c.name, c.description, c.status, c."statusReason", c.failover, c.cpu, c."ramGb", c."progressPercent",
         c."progressPhase", c."lastRestoredAt", c."idempotencyKey", c."createdAt", c."updatedAt", c."deletedAt",
         json_build_object('id', u.id, 'username', u.username, 'name', u.name) AS "createdBy",
         json_build_object('id', i.id, 'name', i.name, 'guestOs', i."guestOs") AS image,
         json_build_object('id', cf.id, 'name', cf.name) AS configuration,
         json_build_object('id', n.id, 'name', n.name) AS network,
         ${MACHINE('p')} AS "primaryMachine",
         CASE WHEN m.id IS NULL THEN NULL ELSE ${MACHINE('m')} END AS machine
  FROM (SELECT * FROM "Clone" WHERE "deletedAt" IS NULL ORDER BY "createdAt" DESC, id DESC LIMIT $1) c
  JOIN "User" u ON u.id = c."createdById"
  JOIN "VmImage" i ON i.id = c."imageId"
  JOIN "Configuration" cf ON cf.id = c."configurationId"
  JOIN "Machine" p ON p.id = cf."primaryMachineId"
  JOIN "Network" n ON n.id = c."networkId"
  LEFT JOIN "Machine" m ON m.id = c."machineId"
  ORDER BY c."createdAt" DESC, c.id DESC`;

const gid = (type: string, obj: { id: string } | null) => (obj ? { ...obj, id: encodeGlobalID(type, obj.id) } : null);

/** GET /page?first=50 answers `{ data: { clones: { edges: [{ cursor, node }] } } }` like the API. */
export async function serveSqlPage(databaseUrl: string, poolSize: number): Promise<Served & { pool: pg.Pool }> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize });
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', async () => {
      try {
        const first = Math.min(100, Number(JSON.parse(body || '{}').first ?? 50));
        const { rows } = await pool.query(PAGE_SQL, [first]);
        const edges = rows.map((row) => {
          const lag = row.lastRestoredAt ? Math.max(0, Math.floor((Date.now() - row.lastRestoredAt.getTime()) / 1000)) : null;
          const node = {
            ...row,
            id: encodeGlobalID('Clone', row.id),
            standbyLagSeconds: lag,
            createdBy: gid('User', row.createdBy),
            image: gid('VmImage', row.image),
            configuration: gid('Configuration', row.configuration),
            network: gid('Network', row.network),
            primaryMachine: gid('Machine', row.primaryMachine),
            machine: gid('Machine', row.machine),
          };
          return { cursor: Buffer.from(`GPC:S:${row.id}`).toString('base64'), node };
        });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ data: { clones: { edges } } }));
      } catch (error) {
        res.writeHead(500);
        res.end(String(error));
      }
    });
  });
  const served = await listen(server, '/page');
  return {
    ...served,
    pool,
    close: async () => {
      await served.close();
      await pool.end();
    },
  };
}

/** graphql-yoga with `{ hello }` and nothing else, on node:http. */
export async function serveHello(): Promise<Served> {
  const yoga = createYoga({
    schema: createSchema({ typeDefs: 'type Query { hello: String! }', resolvers: { Query: { hello: () => 'world' } } }),
    logging: false,
    landingPage: false,
    graphiql: false,
  });
  return listen(createServer(yoga), '/graphql');
}

export interface RawFanOut {
  wsUrl: string;
  /** Subscriptions registered so far. */
  registered(): number;
  /** Writes one `next` message with this payload to every subscription, in one loop. */
  publish(payloadJson: string): void;
  close(): Promise<void>;
}

/**
 * The floor of a fan-out: the least a server can do to deliver one event to the same graphql-ws
 * subscribers (the handshake, then one `next` frame per subscription, serialized once, written
 * with the API's write coalescing). No GraphQL, no database, no session.
 */
export async function serveRawFanOut(coalesce: (socket: WebSocket) => void): Promise<RawFanOut> {
  const server = createServer();
  const wss = new WebSocketServer({ server });
  const subscriptions: Array<{ socket: WebSocket; head: string }> = [];
  wss.on('connection', (socket) => {
    coalesce(socket);
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as { type: string; id?: string };
      if (message.type === 'connection_init') socket.send('{"type":"connection_ack"}');
      else if (message.type === 'subscribe') subscriptions.push({ socket, head: `{"id":${JSON.stringify(message.id)},"type":"next","payload":` });
      else if (message.type === 'ping') socket.send('{"type":"pong"}');
    });
  });
  const served = await listen(server, '/');
  return {
    wsUrl: served.url.replace(/^http/, 'ws'),
    registered: () => subscriptions.length,
    publish: (payloadJson) => {
      for (const { socket, head } of subscriptions) socket.send(`${head}${payloadJson}}`);
    },
    close: async () => {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await served.close();
    },
  };
}
