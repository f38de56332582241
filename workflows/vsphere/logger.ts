/** The logging seam: the worker passes its own structured logger; the default writes warnings and errors to the console. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export const consoleLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: (message, fields) => console.warn(`[vsphere] ${message}`, fields ?? ''),
  error: (message, fields) => console.error(`[vsphere] ${message}`, fields ?? ''),
};
