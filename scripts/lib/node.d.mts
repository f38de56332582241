export declare const NODE_VERSION: string;
export declare function nodeCacheDir(): string;
export declare function ensureNode(log?: (line: string) => void): string;
export declare function runsPinnedNode(): boolean;
export declare function handOverToPinnedNode(log?: (line: string) => void): Promise<void>;
