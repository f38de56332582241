// The query cost that counts pages: each selected field costs 1, and a connection's selection is
// paid once per node it may return (its `first`/`last`, else the default page size), so nested
// connections multiply. Computed with the operation's variables before it runs; a query over the
// limit is refused (VALIDATION) without touching the database.
import {
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { createGraphQLError, type Plugin } from 'graphql-yoga';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../domain/input.js';


interface CostInput {
  document: DocumentNode;
  operationName?: string | null | undefined;
  variables?: Record<string, unknown> | null | undefined;
}

function argumentValue(value: ValueNode, variables: Record<string, unknown>): unknown {
  if (value.kind === Kind.VARIABLE) return variables[value.name.value];
  if (value.kind === Kind.INT) return Number(value.value);
  return undefined;
}

/** The nodes a field may return per parent: its page size if it is a connection, else 1. */
function multiplier(field: FieldNode, variables: Record<string, unknown>): number {
  let page: number | undefined;
  for (const arg of field.arguments ?? []) {
    if (arg.name.value !== 'first' && arg.name.value !== 'last') continue;
    const n = argumentValue(arg.value, variables);
    if (typeof n === 'number' && Number.isFinite(n)) page = Math.max(page ?? 0, Math.abs(n));
  }
  // A page over the maximum is refused by the input layer, naming its argument (domain/input.ts);
  // here it counts as the largest page the API would serve.
  if (page !== undefined) return Math.min(Math.max(page, 1), MAX_PAGE_SIZE);
  const isConnection = field.selectionSet?.selections.some(
    (s) => s.kind === Kind.FIELD && (s.name.value === 'edges' || s.name.value === 'nodes'),
  );
  return isConnection ? DEFAULT_PAGE_SIZE : 1;
}

/** The cost of an operation; stops counting once past `cap` (a hostile query can be huge). */
export function queryCost({ document, operationName, variables }: CostInput, cap = Number.MAX_SAFE_INTEGER): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  const operations: OperationDefinitionNode[] = [];
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    if (definition.kind === Kind.OPERATION_DEFINITION) operations.push(definition);
  }
  const operation = operationName ? operations.find((o) => o.name?.value === operationName) : operations[0];
  if (!operation) return 0;
  const vars = variables ?? {};

  const cost = (selectionSet: SelectionSetNode, visiting: Set<string>): number => {
    let total = 0;
    for (const selection of selectionSet.selections) {
      if (total > cap) return total;
      if (selection.kind === Kind.FIELD) {
        const inner = selection.selectionSet ? cost(selection.selectionSet, visiting) : 0;
        total += 1 + multiplier(selection, vars) * inner;
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        total += cost(selection.selectionSet, visiting);
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        // A fragment cycle is refused by validation; here it just stops.
        if (!fragment || visiting.has(name)) continue;
        visiting.add(name);
        total += cost(fragment.selectionSet, visiting);
        visiting.delete(name);
      }
    }
    return total;
  };
  return cost(operation.selectionSet, new Set());
}

/** Refuses operations whose page-aware cost passes `maxCost`, for queries, mutations and subscriptions. */
export function useConnectionCostLimit({ maxCost }: { maxCost: number }): Plugin {
  const refusal = (cost: number) => ({
    errors: [
      createGraphQLError(
        `query cost ${cost > maxCost * 10 ? `over ${maxCost * 10}` : cost} exceeds the limit of ${maxCost}: ` +
          'a connection costs its selection times its page size (first/last); ask for smaller pages or fewer nested connections',
        { extensions: { code: 'VALIDATION' } },
      ),
    ],
  });
  const check = (args: { document: DocumentNode; operationName?: string | null; variableValues?: unknown }) =>
    queryCost(
      { document: args.document, operationName: args.operationName, variables: args.variableValues as Record<string, unknown> },
      maxCost * 10,
    );
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const cost = check(args);
      if (cost > maxCost) setResultAndStopExecution(refusal(cost));
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const cost = check(args);
      if (cost > maxCost) setResultAndStopExecution(refusal(cost));
    },
  };
}
