// The structured logger (pino): one JSON object per line in production, human-readable lines in
// the dev stack (LOG_FORMAT=pretty). Every line carries the request or workflow it belongs to
// (`requestId`, or `workflowId`/`activityType` from Temporal) and the trace ID when a span is
// active, and fields that can hold a secret (passwords, tokens, cookies, keys) are redacted by
// name wherever they appear two levels deep.
import { AsyncLocalStorage } from 'node:async_hooks';
import { createRequire } from 'node:module';
import { trace } from '@opentelemetry/api';
import type { Logger as TemporalLogger, LogLevel, LogMetadata } from '@temporalio/common';
import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

/** Field names never written out, at the top level and one or two objects down. */
export const SECRET_FIELDS = [
  'password',
  'newPassword',
  'rdpPassword',
  'rdpPasswordEnc',
  'token',
  'accessToken',
  'authorization',
  'authToken',
  'cookie',
  'sessionCookie',
  'secretKey',
  'connectionString',
  'databaseUrl',
];

const REDACT_PATHS = SECRET_FIELDS.flatMap((field) => [field, `*.${field}`, `*.*.${field}`]);

/** What the current request or workflow task is, for every line logged while it runs. */
export interface LogContext {
  requestId?: string;
  workflowId?: string | undefined;
  runId?: string | undefined;
  activityType?: string;
}

const logContext = new AsyncLocalStorage<LogContext>();

/** Runs `fn` with `context` added to every line it (and what it awaits) logs. */
export function withLogContext<T>(context: LogContext, fn: () => T): T {
  return logContext.run({ ...logContext.getStore(), ...context }, fn);
}

/** The context of the current request or workflow task, if any. */
export function currentLogContext(): LogContext | undefined {
  return logContext.getStore();
}

export type LogFormat = 'json' | 'pretty';

export interface LoggerSettings {
  level: string;
  format: LogFormat;
}

/** LOG_LEVEL (default info) and LOG_FORMAT (json, the default, or pretty). */
export function loadLoggerSettings(env: NodeJS.ProcessEnv = process.env): LoggerSettings {
  const format = env.LOG_FORMAT || 'json';
  if (format !== 'json' && format !== 'pretty') throw new Error(`LOG_FORMAT must be json or pretty, got "${format}"`);
  const level = env.LOG_LEVEL || 'info';
  if (!(level in pino.levels.values) && level !== 'silent') throw new Error(`LOG_LEVEL must be one of ${Object.keys(pino.levels.values).join(', ')}, got "${level}"`);
  return { level, format };
}

/** pino-pretty is a development dependency: without it (a production install) lines stay JSON. */
function prettyStream(): DestinationStream | undefined {
  try {
    const pretty = createRequire(import.meta.url)('pino-pretty') as (options: object) => DestinationStream;
    return pretty({ sync: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' });
  } catch {
    return undefined;
  }
}

export function createLogger(
  service: string,
  settings: LoggerSettings = loadLoggerSettings(),
  destination?: DestinationStream,
): Logger {
  const options: LoggerOptions = {
    level: settings.level,
    base: { service },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    mixin: () => {
      const span = trace.getActiveSpan();
      const traceId = span?.spanContext().traceId;
      return { ...logContext.getStore(), ...(traceId ? { traceId } : {}) };
    },
  };
  const stream = destination ?? (settings.format === 'pretty' ? prettyStream() : undefined);
  return stream ? pino(options, stream) : pino(options);
}

/** The error fields worth a log line: its message and name, not its stack or its cause's payload. */
export function errorFields(error: unknown): { error: string; errorType?: string } {
  if (error instanceof Error) return { error: error.message, errorType: error.name };
  return { error: String(error) };
}

const TEMPORAL_LEVELS: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/**
 * The Temporal runtime's logger (worker, workflow and activity logs, Core's own lines) writing
 * through `logger`: its metadata (workflowId, runId, activityType, taskQueue, …) become fields.
 */
export function temporalLogger(logger: Logger): TemporalLogger {
  const write = (level: LogLevel, message: string, meta?: LogMetadata) => {
    const { sdkComponent, ...fields } = (meta ?? {}) as Record<string, unknown>;
    logger[TEMPORAL_LEVELS[level]]({ ...fields, ...(sdkComponent ? { component: sdkComponent } : {}) }, message);
  };
  return {
    log: write,
    trace: (message, meta) => write('TRACE', message, meta),
    debug: (message, meta) => write('DEBUG', message, meta),
    info: (message, meta) => write('INFO', message, meta),
    warn: (message, meta) => write('WARN', message, meta),
    error: (message, meta) => write('ERROR', message, meta),
  };
}

/** The shape of the vSphere client's logging seam, written through `logger`. */
export function fieldLogger(logger: Logger) {
  return {
    debug: (message: string, fields?: Record<string, unknown>) => logger.debug(fields ?? {}, message),
    info: (message: string, fields?: Record<string, unknown>) => logger.info(fields ?? {}, message),
    warn: (message: string, fields?: Record<string, unknown>) => logger.warn(fields ?? {}, message),
    error: (message: string, fields?: Record<string, unknown>) => logger.error(fields ?? {}, message),
  };
}

/**
 * The process's logger. A module-level binding (ESM exports are live), so code far from the
 * composition root logs through it without being handed one; each main calls `configureLogger`
 * once at start with its service name, and the test harness points it at the run's log folder.
 */
export let logger: Logger = createLogger('enclave', { level: 'info', format: 'json' });

export function configureLogger(service: string, settings: LoggerSettings = loadLoggerSettings(), destination?: DestinationStream): Logger {
  logger = createLogger(service, settings, destination);
  return logger;
}
