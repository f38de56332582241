// The urql client: graphcache (normalized: a Clone is one record, so a status change from the
// subscription updates every table row and page that shows it), HTTP POST for queries and
// mutations, graphql-ws on the same /graphql path for subscriptions, the bearer token on both.
import { cacheExchange, type Cache } from '@urql/exchange-graphcache';
import { createClient as createWsClient } from 'graphql-ws';
import { Client, fetchExchange, mapExchange, subscriptionExchange } from 'urql';

export const GRAPHQL_PATH = '/graphql';

/** Drops every cached page of a list field, so the pages on screen are fetched again. */
function invalidateField(cache: Cache, entity: string | { __typename: string; id: string }, fieldName: string) {
  for (const field of cache.inspectFields(entity)) {
    if (field.fieldName === fieldName) cache.invalidate(entity as never, field.fieldName, field.arguments ?? undefined);
  }
}

const invalidateCloneLists = (cache: Cache) => {
  invalidateField(cache, 'Query', 'clones');
  invalidateField(cache, 'Query', 'resources');
};

const cloneRef = (id: string) => ({ __typename: 'Clone', id });

export function createApiClient(token: string, onUnauthenticated: () => void): { client: Client; close(): void } {
  const wsUrl = new URL(GRAPHQL_PATH, window.location.href);
  wsUrl.protocol = wsUrl.protocol === 'https:' ? 'wss:' : 'ws:';
  const ws = createWsClient({
    url: wsUrl.toString(),
    connectionParams: { authorization: `Bearer ${token}` },
    lazy: true,
    retryAttempts: Infinity,
    shouldRetry: () => true,
  });

  const client = new Client({
    url: GRAPHQL_PATH,
    // POST always: GET would need Yoga's CSRF header, and the token belongs in a header anyway.
    preferGetMethod: false,
    requestPolicy: 'cache-and-network',
    fetchOptions: () => ({ headers: { authorization: `Bearer ${token}` } }),
    exchanges: [
      cacheExchange({
        // Types without an ID are part of their parent's record.
        keys: {
          CloneStatusChange: () => null,
          SnapshotStatusChange: () => null,
          ResourceSummary: () => null,
          ResourceFigures: () => null,
          CloneReservation: () => null,
          RdpCredentials: () => null,
          LoginPayload: () => null,
          PageInfo: () => null,
          QueryClonesConnection: () => null,
          QueryClonesConnectionEdge: () => null,
          QueryConfigurationsConnection: () => null,
          QueryConfigurationsConnectionEdge: () => null,
          QueryMachinesConnection: () => null,
          QueryMachinesConnectionEdge: () => null,
          QueryUsersConnection: () => null,
          QueryUsersConnectionEdge: () => null,
          QueryEventsConnection: () => null,
          QueryEventsConnectionEdge: () => null,
          CloneEventsConnection: () => null,
          CloneEventsConnectionEdge: () => null,
          CloneSnapshotsConnection: () => null,
          CloneSnapshotsConnectionEdge: () => null,
          CloneRestoresConnection: () => null,
          CloneRestoresConnectionEdge: () => null,
          CloneOperationsConnection: () => null,
          CloneOperationsConnectionEdge: () => null,
          OperationChange: () => null,
          FailoverReadiness: () => null,
          ReadinessLastRestore: () => null,
        },
        updates: {
          Mutation: {
            // A new clone belongs on the first page; the list and the capacity are read again.
            createClone: (_result, _args, cache) => invalidateCloneLists(cache),
            deleteClone: (_result, _args, cache) => invalidateField(cache, 'Query', 'resources'),
            createSnapshot: (_result, args, cache) => invalidateField(cache, cloneRef(String(args.cloneId)), 'snapshots'),
          },
          Subscription: {
            cloneStatusChanged: (result, _args, cache) => {
              const change = result.cloneStatusChanged as { status: string; clone: { id: string } | null } | null;
              // A clone made elsewhere, or one now gone from the list: the list pages are read again.
              if (!change?.clone || change.status === 'DELETED' || change.status === 'FAILED') invalidateCloneLists(cache);
            },
            // A change of one of a clone's operations (graphcache writes it into the Operation's
            // record); the clone's list is read again, so a new operation appears on its page. A few
            // changes per operation, so a few small reads.
            operationChanged: (result, _args, cache) => {
              const change = result.operationChanged as { operation: { clone: { id: string } } | null } | null;
              if (change?.operation) invalidateField(cache, cloneRef(change.operation.clone.id), 'operations');
            },
            cloneEvents: (result, args, cache) => {
              const event = result.cloneEvents as { type: string } | null;
              if (!event) return;
              const clone = cloneRef(String(args.cloneId));
              invalidateField(cache, clone, 'events');
              if (event.type.startsWith('snapshot.') || event.type.startsWith('clone.snapshot')) invalidateField(cache, clone, 'snapshots');
              if (event.type.includes('restore')) invalidateField(cache, clone, 'restores');
            },
          },
        },
      }),
      mapExchange({
        onError(error) {
          if (error.graphQLErrors.some((e) => e.extensions?.code === 'UNAUTHENTICATED')) onUnauthenticated();
        },
      }),
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const input = { ...request, query: request.query || '' };
          return {
            subscribe(sink) {
              const unsubscribe = ws.subscribe(input, sink);
              return { unsubscribe };
            },
          };
        },
      }),
    ],
  });
  return { client, close: () => void ws.dispose() };
}
