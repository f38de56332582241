// The input layer: a Pothos plugin that checks every argument of every field (queries, mutations,
// subscriptions, nested connections) before its resolver runs, by the argument's GraphQL type.
// Strings: domain/input.ts's text rule; IDs: a global ID of one of the schema's node types;
// connections: page sizes, direction and cursors. A refusal is VALIDATION naming the argument
// path (`input.name`, `ids.1`, `first`) and happens before anything is read or written.
// Field-specific rules (lengths, patterns, ranges) stay with the services (domain/validation.ts).
import SchemaBuilder, { BasePlugin, type PothosOutputFieldConfig, type SchemaTypes } from '@pothos/core';
import { decodeGlobalID } from '@pothos/plugin-relay';
import {
  isInputObjectType,
  isInterfaceType,
  isListType,
  isNonNullType,
  type GraphQLField,
  type GraphQLFieldResolver,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { validationError, type FieldProblem } from '../../domain/errors.js';
import { intRangeProblems, MAX_LIST_LENGTH, pageProblems, textProblem, type IntRange, type PageArguments } from '../../domain/input.js';
import { UUID } from '../ids.js';

/** A cursor of a Prisma connection on `id`: base64 of `GPC:S:<uuid>`, in its canonical spelling. */
export function isConnectionCursor(cursor: string): boolean {
  if (cursor.length > 200) return false;
  const decoded = Buffer.from(cursor, 'base64').toString('utf8');
  if (Buffer.from(decoded, 'utf8').toString('base64') !== cursor) return false;
  return decoded.startsWith('GPC:S:') && UUID.test(decoded.slice(6));
}

const nodeTypenames = new WeakMap<GraphQLSchema, Set<string>>();

function nodeTypes(schema: GraphQLSchema): Set<string> {
  let names = nodeTypenames.get(schema);
  if (!names) {
    const node = schema.getType('Node');
    names = new Set(isInterfaceType(node) ? schema.getPossibleTypes(node).map((t) => t.name) : []);
    nodeTypenames.set(schema, names);
  }
  return names;
}

function idProblem(value: string, schema: GraphQLSchema): string | null {
  if (value.trim() === '') return 'must not be empty';
  if (value.length > 200) return 'is not an ID';
  try {
    const { typename, id } = decodeGlobalID(value);
    if (nodeTypes(schema).has(typename) && UUID.test(id)) return null;
  } catch {
    // falls through
  }
  return 'is not an ID';
}

function checkValue(type: GraphQLInputType, value: unknown, path: string, schema: GraphQLSchema, problems: FieldProblem[]): void {
  if (value === null || value === undefined) return;
  if (isNonNullType(type)) return checkValue(type.ofType, value, path, schema, problems);
  if (isListType(type)) {
    if (Array.isArray(value) && value.length > MAX_LIST_LENGTH) {
      problems.push({ field: path, message: `must have at most ${MAX_LIST_LENGTH} items` });
    } else if (Array.isArray(value)) value.forEach((item, index) => checkValue(type.ofType, item, `${path}.${index}`, schema, problems));
    else checkValue(type.ofType, value, path, schema, problems);
    return;
  }
  if (isInputObjectType(type)) {
    const fields = type.getFields();
    for (const [name, field] of Object.entries(fields)) {
      checkValue(field.type, (value as Record<string, unknown>)[name], `${path}.${name}`, schema, problems);
    }
    if (type.name === INT_RANGE) {
      for (const problem of intRangeProblems(value as IntRange)) problems.push({ field: `${path}.${problem.field}`, message: problem.message });
    }
    return;
  }
  if ((type as { name?: string }).name === 'ID') {
    const problem = idProblem(String(value), schema);
    if (problem) problems.push({ field: path, message: problem });
  } else if (typeof value === 'string') {
    const problem = textProblem(value);
    if (problem) problems.push({ field: path, message: problem });
  }
}

/** The input type of integer range filters (server/schema/common.ts), checked by `intRangeProblems`. */
export const INT_RANGE = 'IntRange';

const ROOT_TYPES = new Set(['Query', 'Mutation', 'Subscription']);

const PAGE_ARGUMENTS = ['first', 'last', 'before', 'after'] as const;

function fieldArgumentProblems(field: GraphQLField<unknown, unknown>, args: Record<string, unknown>, schema: GraphQLSchema): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const arg of field.args) checkValue(arg.type, args[arg.name], arg.name, schema, problems);
  const names = new Set(field.args.map((a) => a.name));
  if (PAGE_ARGUMENTS.every((name) => names.has(name))) {
    const failed = new Set(problems.map((p) => p.field));
    const paging = pageProblems(args as PageArguments, isConnectionCursor).filter((p) => !failed.has(p.field));
    problems.push(...paging);
  }
  return problems;
}

/** The value of an argument as written in the document, with the operation's variables in place. */
function valueOf(node: ValueNode, variables: Record<string, unknown>): unknown {
  switch (node.kind) {
    case 'Variable':
      return variables[node.name.value];
    case 'IntValue':
    case 'FloatValue':
      return Number(node.value);
    case 'StringValue':
    case 'EnumValue':
      return node.value;
    case 'BooleanValue':
      return node.value;
    case 'NullValue':
      return null;
    case 'ListValue':
      return node.values.map((item) => valueOf(item, variables));
    case 'ObjectValue':
      return Object.fromEntries(node.fields.map((f) => [f.name.value, valueOf(f.value, variables)]));
  }
}

const namedTypeOf = (type: GraphQLOutputType): GraphQLNamedType => {
  let current: unknown = type;
  while ((current as { ofType?: unknown }).ofType) current = (current as { ofType: unknown }).ofType;
  return current as GraphQLNamedType;
};

/**
 * Problems of the arguments of the fields selected below the root field `info` resolves. Nested
 * connections' arguments shape the root resolver's single SQL query (the prisma plugin reads them
 * while building it), so they are checked here, before it is built, not when their field resolves.
 */
function selectionProblems(info: GraphQLResolveInfo): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const variables = info.variableValues as Record<string, unknown>;
  const visit = (type: GraphQLNamedType | undefined | null, selectionSet: SelectionSetNode | undefined): void => {
    if (!type || !selectionSet) return;
    for (const selection of selectionSet.selections) {
      if (selection.kind === 'Field') {
        const fields = 'getFields' in type ? (type as GraphQLObjectType).getFields() : {};
        const field = fields[selection.name.value];
        if (!field) continue;
        if (field.args.length > 0) {
          const args = Object.fromEntries((selection.arguments ?? []).map((a) => [a.name.value, valueOf(a.value, variables)]));
          problems.push(...fieldArgumentProblems(field, args, info.schema));
        }
        visit(namedTypeOf(field.type), selection.selectionSet);
      } else if (selection.kind === 'InlineFragment') {
        visit(selection.typeCondition ? info.schema.getType(selection.typeCondition.name.value) : type, selection.selectionSet);
      } else {
        const fragment = info.fragments[selection.name.value];
        if (fragment) visit(info.schema.getType(fragment.typeCondition.name.value), fragment.selectionSet);
      }
    }
  };
  for (const node of info.fieldNodes) visit(namedTypeOf(info.returnType), node.selectionSet);
  return problems;
}

/** Every problem of the arguments of the field `info` resolves, and at the root of those below it. */
export function argumentProblems(args: Record<string, unknown>, info: GraphQLResolveInfo): FieldProblem[] {
  const field = info.parentType.getFields()[info.fieldName];
  const problems = field && field.args.length > 0 ? fieldArgumentProblems(field, args, info.schema) : [];
  if (info.path.prev === undefined) problems.push(...selectionProblems(info));
  return problems;
}

type Resolver<Types extends SchemaTypes> = GraphQLFieldResolver<unknown, Types['Context'], object>;

const guarded =
  <Types extends SchemaTypes>(next: Resolver<Types>): Resolver<Types> =>
  (parent, args, context, info) => {
    const problems = argumentProblems(args as Record<string, unknown>, info);
    if (problems.length > 0) throw validationError(problems);
    return next(parent, args, context, info);
  };

/**
 * Checks the arguments inside scope-auth (so a caller without the role learns nothing about the
 * rules), except on fields with argument mappers (the relay plugin's global-ID arguments of
 * `node`/`nodes`): those decode before any resolver wrapper runs, so the check goes before them.
 */
export class InputLayerPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override wrapResolve(resolver: Resolver<Types>, fieldConfig: PothosOutputFieldConfig<Types>): Resolver<Types> {
    if (fieldConfig.argMappers.length > 0) return resolver;
    // Root fields always: their selections' arguments are checked with them.
    if (Object.keys(fieldConfig.args).length === 0 && !ROOT_TYPES.has(fieldConfig.parentType)) return resolver;
    return guarded(resolver);
  }

  override wrapSubscribe(
    subscribe: Resolver<Types> | undefined,
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): Resolver<Types> | undefined {
    if (!subscribe || fieldConfig.argMappers.length > 0) return subscribe;
    return guarded(subscribe);
  }

  override wrapArgMappers(
    resolver: Resolver<Types> | undefined,
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): Resolver<Types> | undefined {
    if (!resolver || fieldConfig.argMappers.length === 0) return resolver;
    return guarded(resolver);
  }
}

declare global {
  export namespace PothosSchemaTypes {
    export interface Plugins<Types extends SchemaTypes> {
      inputLayer: InputLayerPlugin<Types>;
    }
  }
}

export const INPUT_LAYER = 'inputLayer' as const;
SchemaBuilder.registerPlugin(INPUT_LAYER, InputLayerPlugin);
