/** The project's vSphere client (vim25 SOAP over undici). See client.ts for the entry point. */
export { VSphereClient, type VSphereClientOptions } from './client.js';
export { formatRef, parseRef, type MoRef } from './refs.js';
export {
  DuplicateNameError,
  InsufficientResourcesError,
  InvalidLoginError,
  InvalidPowerStateError,
  isRetryableError,
  NotAuthenticatedError,
  NotFoundError,
  TaskFailedError,
  TimeoutError,
  TlsError,
  ToolsUnavailableError,
  TransportError,
  VSphereError,
} from './errors.js';
export { underlyingFault, type GuestIpWaitOptions, type GuestShutdownOptions } from './operations.js';
export { CLONE_SOURCE_KEY, type CloneVmSpec } from './clone.js';
export type { GuestCustomization } from './customization.js';
export type { CreateSnapshotOptions } from './snapshots.js';
export type { TaskOutcome, TaskWaitOptions } from './tasks.js';
export type { ProgressCallback } from './watch.js';
export type { TlsOptions } from './transport.js';
export type { Logger } from './logger.js';
export type { VSphereMetrics } from './instrumentation.js';
export type { CallOptions, ServiceContent } from './session.js';
export type { XmlInputObject, XmlNode } from './xml.js';
export type * from './types.js';
