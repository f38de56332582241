// The workflow bundle's entry: every workflow type the worker serves.
export { cloneWorkflow } from './clone/workflows.js';
