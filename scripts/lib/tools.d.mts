export declare const TOOLS: Record<'temporal' | 'vcsim', { module: string; version: string }>;
export declare function toolsCacheDir(): string;
export declare function ensureTool(name: 'temporal' | 'vcsim', log?: (line: string) => void): string;
export declare function ensureTools(log?: (line: string) => void): { temporal: string; vcsim: string };
export declare function installIntoCache(dir: string, install: (scratch: string) => void): void;
