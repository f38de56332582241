export declare const SCHEMA_PATH: string;
export declare const MIGRATIONS_DIR: string;

/** Creates the database of `url` unless it exists; returns whether it was created. */
export declare function createDatabase(url: string): Promise<boolean>;
/** Drops the database of `url` if it exists, disconnecting its sessions. */
export declare function dropDatabase(url: string): Promise<void>;
/** Applies pending migrations to the (existing) database of `url`; returns the names applied. */
export declare function migrateDeploy(url: string): Promise<string[]>;
/**
 * Like `prisma migrate dev` on the (existing) database of `url`: applies pending migrations,
 * writes prisma/migrations/<timestamp>_<name> for schema changes (refusing data loss unless
 * `acceptDataLoss`) and applies it. `created` is null when the schema has no changes.
 */
export declare function migrateDev(
  url: string,
  name: string,
  options?: { acceptDataLoss?: boolean },
): Promise<{ created: string | null; applied: string[] }>;
/**
 * The SQL a database built from prisma/migrations lacks to match prisma/schema.prisma; empty when
 * they agree. Needs only the server of `url` (it uses a temporary shadow database).
 */
export declare function checkSchemaMatchesMigrations(url: string): Promise<string>;
