// Clone helpers for tests that drive whole lifecycles through the API on the full stack
// (the fault tests in test/chaos/ and the lifecycle tests): create, snapshot, wait for a state,
// read what was recorded.
import { randomUUID } from 'node:crypto';
import { encodeGlobalID } from '@pothos/plugin-relay';
import proto from '@temporalio/proto'; // CommonJS: named exports are not visible to ESM
import { expect } from 'vitest';
import { cloneVmName } from '../../domain/naming.js';
import type { CloneStatus } from '../../prisma/client.js';
import { eventually } from './eventually.js';
import { gql } from './graphql.js';
import type { TestStack } from './stack.js';

export const cloneGid = (id: string) => encodeGlobalID('Clone', id);

/** What a test clone is made of, when not the defaults (the seed's first configuration and first live image). */
export interface CloneSpec {
  configurationId?: string;
  imageId?: string;
  description?: string;
}

/**
 * Creates a clone through the API (on the VM Network, 1 CPU, 1 GB) and expects it accepted;
 * returns its row ID. A number picks the seed's configuration by index.
 */
export async function createClone(stack: TestStack, token: string, name: string, spec: CloneSpec | number = {}): Promise<string> {
  const { configurationId = stack.seed.configurationIds[typeof spec === 'number' ? spec : 0]!, imageId, description = 'test clone' } =
    typeof spec === 'number' ? {} : spec;
  const network = await stack.prisma.network.findFirstOrThrow({ where: { name: 'VM Network' } });
  const image = imageId ?? (await stack.prisma.vmImage.findFirstOrThrow({ where: { removedAt: null }, orderBy: { name: 'asc' } })).id;
  const result = await gql<{ createClone: { id: string } }>(
    stack.api.url,
    `mutation($input: CreateCloneInput!) { createClone(input: $input) { id } }`,
    {
      input: {
        name,
        description,
        imageId: encodeGlobalID('VmImage', image),
        configurationId: encodeGlobalID('Configuration', configurationId),
        networkId: encodeGlobalID('Network', network.id),
        cpu: 1,
        ramGb: 1,
      },
    },
    token,
  );
  expect(result.errors).toBeUndefined();
  return (await stack.prisma.clone.findFirstOrThrow({ where: { name } })).id;
}

/** A scheduled snapshot of the configuration, as its Temporal Schedule would start it; returns its row ID. */
export async function scheduledSnapshot(stack: TestStack, configurationId: string): Promise<string> {
  const result = await stack.temporal.workflow.execute('snapshotWorkflow', {
    taskQueue: stack.taskQueue,
    workflowId: `snapshot-${configurationId}-test-${randomUUID()}`,
    args: [{ configurationId, trigger: 'SCHEDULED' }],
  });
  return (result as { snapshotId: string }).snapshotId;
}

/** Sends a clone mutation (`startFailover`, `endFailover`, `deleteClone`, …) and expects it accepted. */
export async function cloneMutation(stack: TestStack, token: string, field: string, cloneId: string, extra = ''): Promise<void> {
  const result = await gql(stack.api.url, `mutation($id: ID!) { ${field}(cloneId: $id${extra}) { id } }`, { id: cloneGid(cloneId) }, token);
  expect(result.errors, field).toBeUndefined();
}

export function waitForClone(
  stack: TestStack,
  cloneId: string,
  check: (clone: { status: CloneStatus; failover: boolean; progressPhase: string | null; statusReason: string | null }) => boolean,
  what: string,
  timeoutMs = 120_000,
) {
  return eventually(
    async () => {
      const clone = await stack.prisma.clone.findUniqueOrThrow({ where: { id: cloneId } });
      return check(clone) ? clone : undefined;
    },
    { timeoutMs, intervalMs: 250, what },
  );
}

/** The clone's status changes as recorded in its Event rows, oldest first. */
export async function statusHistory(stack: TestStack, cloneId: string): Promise<string[]> {
  const events = await stack.prisma.event.findMany({ where: { cloneId, type: 'clone.status_changed' }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
  return events.map((e) => `${(e.data as { from: string }).from}>${(e.data as { to: string }).to}`);
}

/** How many Events of each type the clone has. */
export async function eventCounts(stack: TestStack, cloneId: string): Promise<Record<string, number>> {
  const events = await stack.prisma.event.groupBy({ by: ['type'], where: { cloneId }, _count: { _all: true } });
  return Object.fromEntries(events.map((e) => [e.type, e._count._all]));
}

/** The names of the VMs vSphere holds for this clone (its own VM, and any restore leftovers). */
export async function cloneVms(stack: TestStack, cloneId: string): Promise<string[]> {
  const clone = await stack.prisma.clone.findUniqueOrThrow({ where: { id: cloneId } });
  const name = cloneVmName(clone);
  return (await stack.vsphere.listVms()).map((vm) => vm.name).filter((vmName) => vmName.startsWith(name));
}

/** Waits until a worker has started the clone workflow's `activity` (it runs now, in some worker). */
export function activityStarted(stack: TestStack, cloneId: string, activity: string): Promise<true> {
  const workflow = stack.temporal.workflow.getHandle(`clone-${cloneId}`);
  const STARTED = proto.temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED;
  return eventually(
    async () => (await workflow.describe()).raw.pendingActivities?.some((a) => a.activityType?.name === activity && a.state === STARTED) || undefined,
    { timeoutMs: 60_000, intervalMs: 100, what: `${activity} started by a worker` },
  );
}
