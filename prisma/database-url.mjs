// The database every process uses when DATABASE_URL is not set: the local development database.
// Plain JavaScript with a declaration file, because the scripts that create and migrate it run
// on plain node before tsx (or even node_modules) exists, and the TypeScript code imports it too.

export const DEFAULT_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/enclave';

/** DATABASE_URL from `env`, or the default when it is unset or empty. */
export function databaseUrlFrom(env = process.env) {
  return env.DATABASE_URL || DEFAULT_DATABASE_URL;
}
