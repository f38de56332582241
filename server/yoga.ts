// The GraphQL HTTP handler (graphql-yoga) and the graphql-ws server sharing its plugins and
// context, as in graphql-yoga's graphql-ws example.
import type { IncomingMessage, Server } from 'node:http';
import { costLimitPlugin } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { useDisableIntrospection } from '@graphql-yoga/plugin-disable-introspection';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { createGraphQLError, createYoga } from 'graphql-yoga';
import { useServer } from 'graphql-ws/use/ws';
import type { ExecutionArgs } from 'graphql';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ApiExposure } from '../infra/config.js';
import { logger, type Logger } from '../infra/logger.js';
import { rateLimitRefusals } from '../infra/metrics.js';
import { bearerToken, buildContext, type AppServices, type GraphQLContext } from './context.js';
import { useRequestBodyLimit } from './bodyLimit.js';
import { maskError } from './errors.js';
import { useOperationObservability } from './observability.js';
import { useConnectionCostLimit } from './queryCost.js';
import { schema } from './schema/index.js';
import { useSharedEventExecution, type SendNext } from './sharedEvents.js';
import { SLOW_CONSUMER_CLOSE_CODE, SUBSCRIPTIONS_PER_CONNECTION } from './subscriptions.js';

export const GRAPHQL_PATH = '/graphql';

/** Requests that a browser would send cross-site without a CORS preflight must carry this header. */
export const CSRF_HEADER = 'x-graphql-yoga-csrf';

/**
 * Limits checked before execution, so one request cannot make the API (and PostgreSQL) do
 * unbounded work. Depth 10 fits the deepest real query (a connection of clones down to the
 * primary machine is 6 levels); cost counts 1 per scalar and 2 per object, growing with depth.
 */
export const QUERY_LIMITS = { depth: 10, cost: 5000, aliases: 30, tokens: 5000, pagedCost: 50_000 };

/**
 * The largest request body read (HTTP: 413 before or while reading it, bodyLimit.ts; graphql-ws:
 * a larger message closes the socket with 1009). The token limit caps a query near 50 KB, so
 * this leaves room for variables while keeping a hostile body from being buffered.
 */
export const MAX_REQUEST_BODY_BYTES = 256 * 1024;

const limitPlugins = () => [
  maxDepthPlugin({ n: QUERY_LIMITS.depth, flattenFragments: true }),
  costLimitPlugin({ maxCost: QUERY_LIMITS.cost }),
  // armor's cost ignores page sizes: this one multiplies a connection's selection by first/last.
  useConnectionCostLimit({ maxCost: QUERY_LIMITS.pagedCost }),
  maxAliasesPlugin({ n: QUERY_LIMITS.aliases }),
  maxTokensPlugin({ n: QUERY_LIMITS.tokens }),
];

interface ServerContext {
  req?: IncomingMessage;
  connectionParams?: Record<string, unknown>;
  /** The graphql-ws connection's socket (absent for HTTP and SSE). */
  socket?: WebSocket;
  /** Sends this graphql-ws subscription's `next` messages straight to its socket. */
  sendNext?: SendNext;
}

export function createGraphQLHandler(services: AppServices, exposure: ApiExposure = services.settings.exposure) {
  return createYoga<ServerContext, GraphQLContext>({
    schema,
    graphqlEndpoint: GRAPHQL_PATH,
    // useRequestBodyLimit below holds bodies to MAX_REQUEST_BODY_BYTES, more cheaply than yoga's.
    maxRequestBodySize: false,
    maskedErrors: { maskError: (error, message) => maskError(error, message) },
    // GraphiQL's page with its scripts and styles bundled (no CDN): it works without internet.
    graphiql: exposure.graphiql ? { subscriptionsProtocol: 'WS', title: 'Enclave GraphQL' } : false,
    renderGraphiQL,
    landingPage: false,
    logging: yogaLogger(),
    plugins: [
      useOperationObservability(),
      useCSRFPrevention({ requestHeaders: [CSRF_HEADER] }),
      ...limitPlugins(),
      ...(exposure.introspection ? [] : [useDisableIntrospection()]),
      useSharedEventExecution(),
      // Last: it sees the request parser yoga chose.
      useRequestBodyLimit(MAX_REQUEST_BODY_BYTES),
    ],
    context: ({ request, req, connectionParams, socket }) =>
      buildContext(services, {
        token:
          bearerToken(request?.headers.get('authorization')) ??
          bearerToken(connectionParams?.authorization ?? connectionParams?.authToken),
        clientAddress: req?.socket.remoteAddress ?? null,
        idempotencyKey: request?.headers.get('idempotency-key')?.trim() || null,
        ...(socket ? { closeConnection: (code: number, reason: string) => socket.close(code, reason) } : {}),
      }),
  });
}

/**
 * Yoga's own log lines (unexpected resolver errors among them) through the process logger. Yoga
 * logs three debug lines per request: a line below the logger's level returns at once, and the
 * child logger is made once per process logger (configureLogger may replace it), not per line
 * (a pino child with redaction was about 2% of a one-row list's CPU).
 */
export function yogaLogger() {
  let parent: Logger | undefined;
  let child: Logger | undefined;
  const yoga = (): Logger => {
    if (parent !== logger || !child) child = (parent = logger).child({ component: 'graphql' });
    return child;
  };
  const write = (level: 'debug' | 'info' | 'warn' | 'error') => (...args: unknown[]) => {
    if (!logger.isLevelEnabled(level)) return;
    const [first, ...rest] = args;
    if (first instanceof Error) {
      // GraphQL quotes a variable it could not coerce, which may be a password: never log the value.
      const message = first.message.replace(/ got invalid value [\s\S]*?(; |$)/, ' got an invalid value$1');
      if (first.name === 'GraphQLError') yoga()[level]({ errorType: first.name }, message);
      else yoga()[level]({ err: { type: first.name, message, stack: first.stack?.replace(first.message, message) } }, message);
    }
    else yoga()[level](rest.length ? { details: rest } : {}, String(first));
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}

type GraphQLHandler = ReturnType<typeof createGraphQLHandler>;

interface EnvelopedRoot {
  execute: (args: ExecutionArgs) => unknown;
  subscribe: (args: ExecutionArgs) => unknown;
}

/**
 * Coalesces the frames a connection is sent in one tick into one socket write: one event reaches
 * all of a connection's subscriptions (up to 20) in the same tick, and each frame was its own
 * `writev` system call (issue 16's profile: a quarter of the fan-out's CPU). The socket is corked
 * at the first send of a tick and uncorked on the next tick: nothing waits longer than that.
 */
export function coalesceWrites(socket: WebSocket): void {
  const tcp = (socket as unknown as { _socket?: { cork(): void; uncork(): void } })._socket;
  if (!tcp) return;
  const send = socket.send.bind(socket) as (...args: unknown[]) => void;
  let corked = false;
  socket.send = ((...args: unknown[]) => {
    if (!corked) {
      corked = true;
      tcp.cork();
      process.nextTick(() => {
        corked = false;
        tcp.uncork();
      });
    }
    send(...args);
  }) as typeof socket.send;
}

/**
 * Bytes a connection may have waiting to be sent before it is dropped as a slow consumer (4413):
 * events sent straight to the socket (server/sharedEvents.ts) are not held back by a slow reader,
 * so this bounds what one can make the API buffer, as the event bus's queue bounds each feed.
 */
export const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

/**
 * Sends a graphql-ws `next` message with the given payload JSON for subscription `id`, as
 * graphql-ws would (not once the client completed it), and drops a connection whose unsent bytes
 * pass MAX_BUFFERED_BYTES.
 */
export function nextMessageSender(socket: WebSocket, id: string, open: () => boolean): SendNext {
  const head = `{"id":${JSON.stringify(id)},"type":"next","payload":`;
  return (payloadJson) => {
    if (!open() || socket.readyState !== socket.OPEN) return;
    socket.send(`${head}${payloadJson}}`);
    if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      socket.close(SLOW_CONSUMER_CLOSE_CODE, `the subscriber fell ${MAX_BUFFERED_BYTES} bytes behind and was dropped; subscribe again`);
    }
  };
}

/** Serves graphql-ws on the HTTP server's GraphQL path; returns a function that closes it. */
export function attachWebSocketServer(httpServer: Server, yoga: GraphQLHandler): () => Promise<void> {
  const wsServer = new WebSocketServer({ server: httpServer, path: GRAPHQL_PATH, maxPayload: MAX_REQUEST_BODY_BYTES });
  wsServer.on('connection', coalesceWrites);
  const disposable = useServer(
    {
      execute: (args) => (args.rootValue as EnvelopedRoot).execute(args) as never,
      subscribe: (args) => (args.rootValue as EnvelopedRoot).subscribe(args) as never,
      onSubscribe: async (ctx, id, params) => {
        // graphql-ws has already registered this operation in ctx.subscriptions.
        if (Object.keys(ctx.subscriptions).length > SUBSCRIPTIONS_PER_CONNECTION) {
          rateLimitRefusals.inc({ limit: 'subscriptions_per_connection' });
          // Made by Yoga's own graphql instance, which is the one graphql-ws checks errors against.
          return [
            createGraphQLError(`at most ${SUBSCRIPTIONS_PER_CONNECTION} subscriptions per connection; complete one first`, {
              extensions: { code: 'RATE_LIMITED' },
            }),
          ];
        }
        const { schema: envelopedSchema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...ctx,
          req: ctx.extra.request,
          socket: ctx.extra.socket,
          params,
          connectionParams: ctx.connectionParams,
          sendNext: nextMessageSender(ctx.extra.socket, id, () => id in ctx.subscriptions),
        });
        const args = {
          schema: envelopedSchema,
          operationName: params.operationName,
          document: parse(params.query),
          variableValues: params.variables,
          contextValue: await contextFactory(),
          rootValue: { execute, subscribe },
        };
        const errors = validate(args.schema, args.document);
        if (errors.length) return errors;
        return args;
      },
    },
    wsServer,
  );
  return async () => {
    await disposable.dispose();
    await new Promise<void>((resolve) => wsServer.close(() => resolve()));
  };
}
