/**
 * Typed errors. Every error this package throws on purpose is a VSphereError with
 * `faultType` (the vim25 fault name, or a name of our own for client-side conditions) and
 * `retryable`, so Temporal activities can map permanent failures to non-retryable
 * ApplicationFailures without knowing vSphere's fault zoo.
 */

export interface VSphereErrorOptions {
  faultType: string;
  retryable: boolean;
  /** The fault's detail element as parsed, for diagnostics. */
  detail?: unknown;
  cause?: unknown;
}

export class VSphereError extends Error {
  readonly faultType: string;
  readonly retryable: boolean;
  readonly detail: unknown;

  constructor(message: string, options: VSphereErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.faultType = options.faultType;
    this.retryable = options.retryable;
    this.detail = options.detail;
  }

  get isRetryable(): boolean {
    return this.retryable;
  }
}

type FaultOptions = Omit<VSphereErrorOptions, 'retryable'>;

/** The object does not exist (any more): ManagedObjectNotFound, NotFound, FileNotFound, ... */
export class NotFoundError extends VSphereError {
  constructor(message: string, options: FaultOptions) {
    super(message, { ...options, retryable: false });
  }
}

/** The VM is not in the power state the operation needs (InvalidPowerState, or checked by us). */
export class InvalidPowerStateError extends VSphereError {
  constructor(message: string, options: FaultOptions) {
    super(message, { ...options, retryable: false });
  }
}

/** Another entity already has this name in the target folder. */
export class DuplicateNameError extends VSphereError {
  constructor(message: string, options: FaultOptions) {
    super(message, { ...options, retryable: false });
  }
}

/** Admission control or the host refused: not enough CPU, memory, storage or failover capacity. */
export class InsufficientResourcesError extends VSphereError {
  constructor(message: string, options: FaultOptions) {
    super(message, { ...options, retryable: false });
  }
}

/** The session is not (or no longer) valid. Retryable: a new session usually fixes it. */
export class NotAuthenticatedError extends VSphereError {
  constructor(message: string, options: FaultOptions) {
    super(message, { ...options, retryable: true });
  }
}

/** The credentials were refused. Permanent until someone fixes the configuration. */
export class InvalidLoginError extends VSphereError {
  constructor(message: string, options: FaultOptions) {
    super(message, { ...options, retryable: false });
  }
}

/** VMware Tools are not running, so guest operations (shutdown, reboot) are impossible right now. */
export class ToolsUnavailableError extends VSphereError {
  constructor(message: string, options: FaultOptions) {
    super(message, { ...options, retryable: true });
  }
}

/** A deadline of ours expired (task wait, guest IP wait, HTTP request). The work may still finish. */
export class TimeoutError extends VSphereError {
  constructor(message: string, options: Partial<FaultOptions> = {}) {
    super(message, { faultType: 'Timeout', ...options, retryable: true });
  }
}

/** The network or an HTTP proxy in front of vCenter failed (connection reset, 502/503/504, ...). */
export class TransportError extends VSphereError {
  readonly statusCode: number | undefined;
  constructor(message: string, options: Partial<FaultOptions> & { statusCode?: number } = {}) {
    super(message, { faultType: 'Transport', ...options, retryable: true });
    this.statusCode = options.statusCode;
  }
}

/** The server's certificate was refused (verification failed or thumbprint mismatch). A configuration problem. */
export class TlsError extends VSphereError {
  readonly code: string;
  constructor(message: string, options: { code: string; cause?: unknown }) {
    super(message, { faultType: 'Tls', retryable: false, cause: options.cause });
    this.code = options.code;
  }
}

/**
 * A vSphere task ended in error. `cause` is the typed error for the task's fault (for example an
 * InvalidPowerStateError), and `retryable` follows it.
 */
export class TaskFailedError extends VSphereError {
  readonly taskRef: string;
  readonly localizedMessage: string;
  override readonly cause: VSphereError;

  constructor(taskRef: string, fault: VSphereError, localizedMessage: string) {
    super(`task ${taskRef} failed: ${localizedMessage || fault.message} (${fault.faultType})`, {
      faultType: fault.faultType,
      retryable: fault.retryable,
      detail: fault.detail,
      cause: fault,
    });
    this.taskRef = taskRef;
    this.localizedMessage = localizedMessage;
    this.cause = fault;
  }
}

const NOT_FOUND_FAULTS = new Set([
  'ManagedObjectNotFound',
  'NotFound',
  'FileNotFound',
  'InvalidDatastorePath',
  'VmConfigFileNotFound',
]);

/** Besides the Insufficient* family: a VM asking for more vCPUs than any host has cores. */
const INSUFFICIENT_FAULTS = new Set(['NotEnoughCpus']);

/**
 * Faults that describe a passing condition (contention, a host briefly unreachable, a restart of
 * vpxd): repeating the same request later can succeed. Everything else is treated as permanent,
 * because retrying a misconfiguration only delays the operator seeing it.
 */
const TRANSIENT_FAULTS = new Set([
  'TaskInProgress',
  'ConcurrentAccess',
  'HostCommunication',
  'HostNotConnected',
  'HostNotReachable',
  'Timedout',
  'RequestCanceled',
  'SystemError',
  'ResourceInUse',
  'ToolsUnavailable',
  'NotAuthenticated',
]);

export function isTransientFault(faultType: string): boolean {
  return TRANSIENT_FAULTS.has(faultType);
}

/** Builds the typed error for a vim25 fault type. */
export function errorFromFault(faultType: string, message: string, detail?: unknown): VSphereError {
  const options = { faultType, detail };
  const text = message || faultType;
  if (NOT_FOUND_FAULTS.has(faultType)) return new NotFoundError(text, options);
  if (faultType === 'InvalidPowerState') return new InvalidPowerStateError(text, options);
  if (faultType === 'DuplicateName') return new DuplicateNameError(text, options);
  if (faultType.startsWith('Insufficient') || INSUFFICIENT_FAULTS.has(faultType)) {
    return new InsufficientResourcesError(text, options);
  }
  if (faultType === 'NotAuthenticated') return new NotAuthenticatedError(text, options);
  if (faultType === 'InvalidLogin') return new InvalidLoginError(text, options);
  if (faultType === 'ToolsUnavailable') return new ToolsUnavailableError(text, options);
  return new VSphereError(text, { ...options, retryable: isTransientFault(faultType) });
}

/**
 * Whether an error is worth retrying. VSphereErrors carry their own classification; anything
 * else (a TypeError from a bad argument, a bug) is permanent.
 */
export function isRetryableError(error: unknown): boolean {
  return error instanceof VSphereError && error.retryable;
}
