// The API's Yoga/envelop plugin for operations: a span per GraphQL operation (the root of the
// request's trace, so Temporal calls made by its resolvers are its children), the operation
// metrics (count, duration, errors by code, open subscriptions, login failures, rate-limit
// refusals) and a request ID on every log line written while it runs. Labels use the schema's
// root field name, a bounded set, never the client's operation name.
import { randomUUID } from 'node:crypto';
import { context, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { getOperationAST, type DocumentNode, type ExecutionResult, type GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { currentLogContext, withLogContext } from '../infra/logger.js';
import { graphqlDuration, graphqlErrors, graphqlOperations, loginFailures, rateLimitRefusals, subscriptionsOpen } from '../infra/metrics.js';

const tracer = trace.getTracer('enclave-api');

interface Operation {
  type: string;
  rootField: string;
}

/** The operation's type and first root field (`__schema` for introspection), or unknown. */
export function describeOperation(document: DocumentNode, operationName?: string | null): Operation {
  const operation = getOperationAST(document, operationName ?? undefined);
  const first = operation?.selectionSet.selections.find((selection) => selection.kind === 'Field');
  return { type: operation?.operation ?? 'unknown', rootField: first && first.kind === 'Field' ? first.name.value : '(none)' };
}

function errorCode(error: GraphQLError | { extensions?: Record<string, unknown> }): string {
  const code = error.extensions?.code;
  return typeof code === 'string' ? code : 'INTERNAL';
}

/** Counts one operation's errors; returns the outcome label (OK or the first error's code). */
export function recordErrors(rootField: string, errors: readonly (GraphQLError | { extensions?: Record<string, unknown> })[] | undefined): string {
  if (!errors?.length) return 'OK';
  for (const error of errors) {
    const code = errorCode(error);
    graphqlErrors.inc({ root_field: rootField, code });
    if (code === 'RATE_LIMITED') rateLimitRefusals.inc({ limit: rootField === 'login' ? 'login' : rootField });
    if (code === 'UNAUTHENTICATED' && rootField === 'login') loginFailures.inc();
  }
  return errorCode(errors[0]!);
}

const spans = new WeakMap<object, Span>();

function finish(span: Span | undefined, outcome: string): void {
  if (!span) return;
  span.setAttribute('enclave.outcome', outcome);
  if (outcome !== 'OK') span.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
  span.end();
}

export function useOperationObservability(): Plugin {
  // Runs the execute/subscribe phase inside the operation's span and log context.
  const wrap = (payload: { context: object }, wrapped: () => unknown) => {
    const span = tracer.startSpan('graphql', { kind: SpanKind.SERVER });
    spans.set(payload.context, span);
    // The HTTP request's ID (server/app.ts), or one of its own for a graphql-ws operation.
    const requestId = currentLogContext()?.requestId ?? randomUUID();
    span.setAttribute('enclave.request_id', requestId);
    return withLogContext({ requestId }, () => context.with(trace.setSpan(context.active(), span), wrapped));
  };
  return {
    instrumentation: {
      execute: (payload, wrapped) => wrap(payload, wrapped) as void,
      subscribe: (payload, wrapped) => wrap(payload, wrapped) as void,
    },
    onValidate() {
      return ({ valid, result }) => {
        if (valid) return;
        // Refused before execution (syntax, unknown fields, query limits): no root field to name.
        graphqlOperations.inc({ operation_type: 'unknown', root_field: '(invalid)', outcome: 'VALIDATION' });
        for (const error of result) graphqlErrors.inc({ root_field: '(invalid)', code: errorCode(error) === 'INTERNAL' ? 'VALIDATION' : errorCode(error) });
      };
    },
    onExecute({ args }) {
      const { type, rootField } = describeOperation(args.document, args.operationName);
      const span = spans.get(args.contextValue as object);
      span?.updateName(`graphql ${type} ${rootField}`);
      span?.setAttributes({ 'graphql.operation.type': type, 'graphql.operation.name': args.operationName ?? '', 'enclave.root_field': rootField });
      const started = performance.now();
      return {
        onExecuteDone({ result }) {
          // An incremental (deferred) result is not used by this API; count its first part.
          const errors = (result as ExecutionResult).errors;
          const outcome = recordErrors(rootField, errors);
          graphqlOperations.inc({ operation_type: type, root_field: rootField, outcome });
          graphqlDuration.observe({ operation_type: type, root_field: rootField }, (performance.now() - started) / 1000);
          finish(span, outcome);
        },
      };
    },
    onSubscribe({ args }) {
      const { type, rootField } = describeOperation(args.document, args.operationName);
      const span = spans.get(args.contextValue as object);
      span?.updateName(`graphql ${type} ${rootField}`);
      span?.setAttributes({ 'graphql.operation.type': type, 'enclave.root_field': rootField });
      const started = performance.now();
      return {
        onSubscribeResult({ result }) {
          graphqlDuration.observe({ operation_type: type, root_field: rootField }, (performance.now() - started) / 1000);
          if (!(Symbol.asyncIterator in (result as object))) {
            const outcome = recordErrors(rootField, (result as ExecutionResult).errors);
            graphqlOperations.inc({ operation_type: type, root_field: rootField, outcome });
            finish(span, outcome);
            return undefined;
          }
          graphqlOperations.inc({ operation_type: type, root_field: rootField, outcome: 'OK' });
          subscriptionsOpen.inc({ root_field: rootField });
          // The span covers setting the subscription up; its events are not traced one by one.
          finish(span, 'OK');
          let open = true;
          return {
            onEnd() {
              if (open) subscriptionsOpen.dec({ root_field: rootField });
              open = false;
            },
          };
        },
      };
    },
  };
}
