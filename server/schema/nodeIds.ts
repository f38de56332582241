// Node IDs answer at once: a Pothos plugin that resolves a node type's global `id` without a
// promise when the node's own id is at hand.
//
// The relay plugin's `id` field of a node type is an async function: it awaits the node's id even
// when the id is a column of the row, so every node object of a result had one field that
// answered with a promise, and graphql-js completed each such object asynchronously (a promise
// per object, its fields gathered in microtasks). Issue 16's Clones page has seven node objects
// per row (the clone, its two machines, image, configuration, network and creator): 350 objects
// of 50 rows, about a quarter of the page's time. The plugin gives the field the same answer
// (the type name and the id, encoded as the relay plugin does) synchronously, and leaves an id
// that is itself a promise to the relay plugin's own resolver.
import SchemaBuilder, { BasePlugin, isThenable, type PothosOutputFieldConfig, type SchemaTypes } from '@pothos/core';
import { encodeGlobalID } from '@pothos/plugin-relay';
import type { GraphQLFieldResolver } from 'graphql';

type Resolver<Types extends SchemaTypes> = GraphQLFieldResolver<unknown, Types['Context'], object>;

/** Put last among the plugins: the innermost, it replaces the relay plugin's resolver itself. */
export class NodeIdsPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override wrapResolve(resolver: Resolver<Types>, fieldConfig: PothosOutputFieldConfig<Types>): Resolver<Types> {
    const nodeId = this.nodeIdOf(fieldConfig);
    if (!nodeId) return resolver;
    const typeName = fieldConfig.parentType;
    const encode = this.builder.options.relay?.encodeGlobalID ?? encodeGlobalID;
    return (parent, args, context, info) => {
      const id = nodeId(parent, args, context, info);
      // As the relay plugin does: the type name with String(id), through the builder's encoder.
      return isThenable(id) ? resolver(parent, args, context, info) : encode(typeName, String(id), context);
    };
  }

  /** The node's own id resolver when `fieldConfig` is the global `id` field of a node type. */
  private nodeIdOf(fieldConfig: PothosOutputFieldConfig<Types>): Resolver<Types> | null {
    if (fieldConfig.kind !== 'Object' || fieldConfig.name !== (this.builder.options.relay?.idFieldName ?? 'id')) return null;
    if (fieldConfig.type.kind !== 'Scalar' || this.buildCache.getTypeConfig(fieldConfig.type.ref).name !== 'ID') return null;
    const typeConfig = this.buildCache.getTypeConfig(fieldConfig.parentType);
    if (typeConfig.kind !== 'Object' || !typeConfig.interfaces.some((ref) => this.buildCache.getTypeConfig(ref).name === 'Node')) return null;
    const id = (typeConfig.pothosOptions as { id?: { resolve?: unknown } }).id;
    return typeof id?.resolve === 'function' ? (id.resolve as Resolver<Types>) : null;
  }
}

declare global {
  export namespace PothosSchemaTypes {
    export interface Plugins<Types extends SchemaTypes> {
      nodeIds: NodeIdsPlugin<Types>;
    }
  }
}

export const NODE_IDS = 'nodeIds' as const;
SchemaBuilder.registerPlugin(NODE_IDS, NodeIdsPlugin);
