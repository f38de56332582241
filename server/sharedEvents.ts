// One execution per event and audience: subscribers of the same subscription document, with the
// same variables and the same role, receive the same answer to an event, so the event's selection
// is executed once for all of them and each receives the same result object. Each subscriber still
// sets its subscription up alone (authorization, arguments, NOT_FOUND) and keeps its own feed, so
// its session is checked before every event it is sent (server/subscriptions.ts).
//
// Issue 16's profile: with one execution per subscriber, executing the event and the per-event
// machinery around it were most of the API's CPU in a fan-out to 10,000 subscribers.
import type { Plugin } from 'graphql-yoga';
import {
  createSourceEventStream,
  execute,
  getNamedType,
  getOperationAST,
  GraphQLError,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLSchema,
} from 'graphql';
import type { GraphQLContext } from './context.js';
import { EventAnswers } from './eventAnswers.js';

/**
 * The extension that marks a type or field whose answer depends on who asks beyond their role
 * (it reads the caller's identity or address, or records that they read it): a subscription that
 * selects one is executed for each subscriber alone.
 */
export const VIEWER_DEPENDENT = { viewerDependent: true } as const;

/** An event's result for one audience, and its JSON when it has no errors (sent as it is). */
interface Shared {
  result: ExecutionResult;
  json: string | null;
}

/** The results of one event, by audience. */
const results = new EventAnswers<Shared>();

/**
 * Sends one `next` message whose payload is the given JSON, straight to the subscriber's
 * connection (server/yoga.ts gives graphql-ws subscribers one in their context).
 */
export type SendNext = (payloadJson: string) => void;

/** Swaps the executor's subscribe for one that shares each event's execution within its audience. */
export function useSharedEventExecution(): Plugin<GraphQLContext> {
  return {
    onSubscribe({ setSubscribeFn }) {
      setSubscribeFn(sharedSubscribe as never);
    },
  };
}

async function sharedSubscribe(args: ExecutionArgs): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
  const source = await createSourceEventStream(args);
  if (!isAsyncIterable(source)) return source;
  const audience = audienceOf(args);
  const operation = getOperationAST(args.document, args.operationName);
  const sendNext = (args.contextValue as { sendNext?: SendNext } | undefined)?.sendNext;
  return eventResults(source[Symbol.asyncIterator](), {
    resultOf: (event) => resultOf(event, audience, args),
    // Located at the operation, as the executor reports an error of the event stream.
    mapError: (error) =>
      new GraphQLError(error instanceof Error ? error.message : String(error), {
        ...(operation ? { nodes: [operation] } : {}),
        ...(error instanceof Error ? { originalError: error } : {}),
      }),
    ...(sendNext ? { sendNext } : {}),
  });
}

/** The event's result for `audience`: executed by the first subscriber to reach it, shared after. */
function resultOf(event: unknown, audience: string | null, args: ExecutionArgs): Promise<Shared> | Shared {
  if (audience === null || typeof event !== 'object' || event === null) return run(event, args);
  return results.get(event, audience, () => run(event, args));
}

async function run(event: unknown, args: ExecutionArgs): Promise<Shared> {
  const result = await execute({ ...args, rootValue: event });
  return { result, json: result.errors ? null : JSON.stringify(result) };
}

let documentCount = 0;
const documentIds = new WeakMap<DocumentNode, string>();
const viewerDependentDocuments = new WeakMap<DocumentNode, boolean>();

/**
 * Who receives the same answer: the same document (the parser cache hands the same document
 * object for the same text), operation, variables and role. Null when the document selects a
 * viewer-dependent type or field: then the subscriber is an audience of one.
 */
export function audienceOf(args: ExecutionArgs): string | null {
  const { document, schema } = args;
  let viewerDependent = viewerDependentDocuments.get(document);
  if (viewerDependent === undefined) viewerDependentDocuments.set(document, (viewerDependent = selectsViewerDependent(schema, document)));
  if (viewerDependent) return null;
  let documentId = documentIds.get(document);
  if (!documentId) documentIds.set(document, (documentId = String(++documentCount)));
  const role = (args.contextValue as GraphQLContext | undefined)?.user?.role ?? '';
  return `${documentId}\n${args.operationName ?? ''}\n${role}\n${JSON.stringify(args.variableValues ?? {})}`;
}

/** Whether the document selects any field marked VIEWER_DEPENDENT, or of a type so marked. */
function selectsViewerDependent(schema: GraphQLSchema, document: DocumentNode): boolean {
  const typeInfo = new TypeInfo(schema);
  let found = false;
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field() {
        const field = typeInfo.getFieldDef();
        const type = getNamedType(typeInfo.getType());
        if (field?.extensions?.['viewerDependent'] || type?.extensions?.['viewerDependent']) found = true;
      },
    }),
  );
  return found;
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

/**
 * The results of the subscriber's events. With `sendNext`, a result without errors is sent
 * straight to the connection, serialized once for its audience, and the next event is awaited:
 * the per-event layers of Yoga and graphql-ws, which only act on errors and on the end of the
 * stream, are skipped. Any other result is returned, for graphql-ws to send after the ones sent
 * before it (nothing is sent directly while a returned result waits to be taken).
 */
function eventResults(
  events: AsyncIterator<unknown>,
  options: { resultOf: (event: unknown) => Promise<Shared> | Shared; mapError: (error: unknown) => GraphQLError; sendNext?: SendNext },
): AsyncIterableIterator<ExecutionResult> {
  const { resultOf, mapError, sendNext } = options;
  let ended = false;
  const close = async (): Promise<IteratorResult<ExecutionResult>> => {
    ended = true;
    await events.return?.();
    return { value: undefined, done: true };
  };
  return {
    async next() {
      for (;;) {
        let step: IteratorResult<unknown>;
        try {
          step = await events.next();
        } catch (error) {
          throw mapError(error);
        }
        if (step.done || ended) return { value: undefined, done: true };
        let shared = resultOf(step.value);
        if (shared instanceof Promise) shared = await shared;
        if (sendNext && shared.json !== null) {
          if (!ended) sendNext(shared.json);
          continue;
        }
        return { value: shared.result, done: false };
      }
    },
    return: close,
    async throw(error: unknown) {
      await close();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
