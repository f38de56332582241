export declare const ROOT: string;
/** Used when DATABASE_URL is not set and a server answers there (ENCLAVE_DEFAULT_DATABASE_URL overrides it). */
export declare const DEFAULT_DATABASE_URL: string;
/** The embedded server's directory (`.enclave/postgres`); its cluster is `data/` inside it. */
export declare const EMBEDDED_ROOT: string;
export declare function redact(url: string): string;

export interface DatabaseServer {
  url: string;
  /** True when this process started a project-local PostgreSQL for it. */
  embedded: boolean;
  /** The embedded server's postmaster pid and data directory. */
  pid?: number;
  dataDir?: string;
  /** Stops the embedded server (also done on process exit); a no-op for other servers. */
  stop(): Promise<void>;
}

export declare function resolveDatabaseServer(options?: {
  env?: NodeJS.ProcessEnv;
  root?: string;
  log?: (line: string) => void;
}): Promise<DatabaseServer>;
