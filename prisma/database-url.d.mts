/** The local development database, used when DATABASE_URL is not set. */
export declare const DEFAULT_DATABASE_URL: string;
/** DATABASE_URL from `env` (default `process.env`), or DEFAULT_DATABASE_URL when it is unset or empty. */
export declare function databaseUrlFrom(env?: NodeJS.ProcessEnv): string;
