// Temporal identities of the snapshot machinery, built from domain keys so the Temporal UI search
// "configuration-<id>" or "snapshot-<configurationId>" finds them.

/** The Temporal Schedule that snapshots a configuration. */
export const configurationScheduleId = (configurationId: string) => `configuration-${configurationId}`;

/** Every snapshot workflow of a configuration starts with this; the Schedule appends the time. */
export const snapshotWorkflowIdPrefix = (configurationId: string) => `snapshot-${configurationId}`;

/** The n-th retry (1, 2, …) of a failed snapshot: unique, so two concurrent retries cannot both start. */
export const snapshotRetryWorkflowId = (configurationId: string, failedSnapshotId: string, attempt: number) =>
  `${snapshotWorkflowIdPrefix(configurationId)}-retry-${failedSnapshotId}-${attempt}`;
