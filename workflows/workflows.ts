// The workflow bundle's entry: every workflow type the worker serves.
export { cloneWorkflow } from './clone/workflows.js';
export { snapshotWorkflow } from './snapshots/workflows.js';
export { inventorySyncWorkflow } from './inventory/workflows.js';
