// Workflow identities built from domain keys, so the Temporal UI search "clone-<id>" finds a
// clone's workflow and a retried start can never create a second one.

export const cloneWorkflowId = (cloneId: string) => `clone-${cloneId}`;
