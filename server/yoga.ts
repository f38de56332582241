// The GraphQL HTTP handler (graphql-yoga) and the graphql-ws server sharing its plugins and
// context, as in graphql-yoga's graphql-ws example.
import type { IncomingMessage, Server } from 'node:http';
import { createYoga } from 'graphql-yoga';
import { useServer } from 'graphql-ws/use/ws';
import type { ExecutionArgs } from 'graphql';
import { WebSocketServer } from 'ws';
import { bearerToken, buildContext, type AppServices, type GraphQLContext } from './context.js';
import { maskError } from './errors.js';
import { schema } from './schema/index.js';

export const GRAPHQL_PATH = '/graphql';

interface ServerContext {
  req?: IncomingMessage;
  connectionParams?: Record<string, unknown>;
}

export function createGraphQLHandler(services: AppServices) {
  return createYoga<ServerContext, GraphQLContext>({
    schema,
    graphqlEndpoint: GRAPHQL_PATH,
    maskedErrors: { maskError: (error, message) => maskError(error, message) },
    graphiql: { subscriptionsProtocol: 'WS', title: 'Enclave GraphQL' },
    landingPage: false,
    context: ({ request, req, connectionParams }) => {
      const token =
        bearerToken(request?.headers.get('authorization')) ??
        bearerToken(connectionParams?.authorization ?? connectionParams?.authToken);
      return buildContext(services, token, req?.socket.remoteAddress ?? null);
    },
  });
}

type GraphQLHandler = ReturnType<typeof createGraphQLHandler>;

interface EnvelopedRoot {
  execute: (args: ExecutionArgs) => unknown;
  subscribe: (args: ExecutionArgs) => unknown;
}

/** Serves graphql-ws on the HTTP server's GraphQL path; returns a function that closes it. */
export function attachWebSocketServer(httpServer: Server, yoga: GraphQLHandler): () => Promise<void> {
  const wsServer = new WebSocketServer({ server: httpServer, path: GRAPHQL_PATH });
  const disposable = useServer(
    {
      execute: (args) => (args.rootValue as EnvelopedRoot).execute(args) as never,
      subscribe: (args) => (args.rootValue as EnvelopedRoot).subscribe(args) as never,
      onSubscribe: async (ctx, _id, params) => {
        const { schema: envelopedSchema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...ctx,
          req: ctx.extra.request,
          socket: ctx.extra.socket,
          params,
          connectionParams: ctx.connectionParams,
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
