// Loaded columns answer at once: a Pothos plugin that resolves a model type's exposed column
// straight from its row when the row holds it.
//
// In select mode the Prisma plugin wraps every exposed column, as it wraps relations: before each
// field of each row it looks up the selection that loaded the row and records it for the field's
// descendants, so a row loaded without the column can have it fetched. For a column the row itself
// tells: a loaded column is a value or null, never undefined. Issue 16's profile of the Clones page
// (50 rows, about 2,000 fields): those lookups were a fifth of the API's CPU.
import SchemaBuilder, { BasePlugin, type PothosOutputFieldConfig, type SchemaTypes } from '@pothos/core';
import type { GraphQLFieldResolver } from 'graphql';

type Resolver<Types extends SchemaTypes> = GraphQLFieldResolver<unknown, Types['Context'], object>;

/** The column an exposed field of a Prisma type in select mode reads, if it reads only that. */
export function exposedColumn(extensions: Readonly<Record<string, unknown>> | null | undefined): string | null {
  const column = extensions?.['pothosPrismaVariant'];
  const select = extensions?.['pothosPrismaSelect'] as Record<string, unknown> | false | undefined;
  if (typeof column !== 'string' || extensions?.['pothosExposedField'] !== column || !select) return null;
  const keys = Object.keys(select);
  return keys.length === 1 && keys[0] === column && select[column] === true ? column : null;
}

/** Put before the Prisma plugin: it receives the Prisma plugin's resolver, for a row without the column. */
export class LoadedColumnsPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override wrapResolve(resolver: Resolver<Types>, fieldConfig: PothosOutputFieldConfig<Types>): Resolver<Types> {
    const column = exposedColumn(fieldConfig.extensions);
    return column ? loadedColumn(column, resolver) : resolver;
  }
}

/** Resolves `column` from the row when it holds it (a value or null), otherwise with `fallback`. */
export function loadedColumn<R extends (parent: any, ...rest: any[]) => unknown>(column: string, fallback: R): R {
  return ((parent: Record<string, unknown>, ...rest: unknown[]) => {
    const value = parent[column];
    return value === undefined ? fallback(parent, ...rest) : value;
  }) as R;
}

declare global {
  export namespace PothosSchemaTypes {
    export interface Plugins<Types extends SchemaTypes> {
      loadedColumns: LoadedColumnsPlugin<Types>;
    }
  }
}

export const LOADED_COLUMNS = 'loadedColumns' as const;
SchemaBuilder.registerPlugin(LOADED_COLUMNS, LoadedColumnsPlugin);
