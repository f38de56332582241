import type { DatabaseServer } from './postgres.mjs';
export declare const ROOT: string;
export declare function bootstrap(
  log?: (line: string) => void,
): Promise<{ temporal: string; vcsim: string; database: DatabaseServer }>;
