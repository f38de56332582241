// Races closed: parallel wrong logins cannot pass the rate limit, an idempotency key answers only
// the request it was first sent with, and a clone left PROVISIONING without its workflow (the API
// died inside createClone) gets it from the reconciler.
import { encodeGlobalID } from '@pothos/plugin-relay';
import { WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encryptSecret } from '../infra/secrets.js';
import { reconcileOrphanClones } from '../server/services/clones.js';
import { LOGIN_LIMITS } from '../server/services/sessions.js';
import { cloneWorkflowId } from '../workflows/ids.js';
import { writeFixture, type Fixture } from './support/fixture.js';
import { gql, loginAs } from './support/graphql.js';
import { startTestStack, type ApiStack } from './support/stack.js';

let harness: ApiStack;
let fixture: Fixture;
let adminToken: string;

beforeAll(async () => {
  harness = await startTestStack({ vsphere: false });
  fixture = await writeFixture(harness.prisma, harness.secretKey);
  adminToken = await loginAs(harness.api.url, 'admin', fixture.users.admin.password);
});

afterAll(() => harness?.close());

const LOGIN = 'mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }';
const codeOf = (result: { errors?: { extensions?: { code?: string } }[] }) => result.errors?.[0]?.extensions?.code;

describe('login rate limiting', () => {
  it('lets exactly the limit of 30 parallel wrong logins for one username reach the password check', async () => {
    const results = await Promise.all(
      Array.from({ length: 30 }, () => gql(harness.api.url, LOGIN, { u: 'operator', p: 'wrong password' })),
    );
    const codes = results.map(codeOf);
    expect(codes.filter((c) => c === 'UNAUTHENTICATED')).toHaveLength(LOGIN_LIMITS.perUsername);
    expect(codes.filter((c) => c === 'RATE_LIMITED')).toHaveLength(30 - LOGIN_LIMITS.perUsername);
    // Exactly the checked ones are counted as failures; the account is locked, even for its owner.
    expect(await harness.prisma.loginAttempt.count({ where: { username: 'operator' } })).toBe(LOGIN_LIMITS.perUsername);
    expect(codeOf(await gql(harness.api.url, LOGIN, { u: 'operator', p: fixture.users.operator.password }))).toBe('RATE_LIMITED');
  });
});

describe('an idempotency key', () => {
  const CREATE = 'mutation($input: CreateCloneInput!) { createClone(input: $input) { id name cpu } }';
  const input = (more: Record<string, unknown> = {}) => ({
    name: 'race-clone-1',
    description: 'made by the race tests',
    imageId: encodeGlobalID('VmImage', fixture.imageIds[0]!),
    configurationId: encodeGlobalID('Configuration', fixture.configurationIds[0]!),
    networkId: encodeGlobalID('Network', fixture.networkIds[0]!),
    cpu: 1,
    ramGb: 1,
    idempotencyKey: 'race-key-1',
    ...more,
  });

  it('returns the first clone for the same request, and is CONFLICT with any field changed', async () => {
    const first = await gql(harness.api.url, CREATE, { input: input() }, adminToken);
    expect(first.errors).toBeUndefined();
    const retried = await gql(harness.api.url, CREATE, { input: input({ name: '  race-clone-1 ' }) }, adminToken);
    expect(retried.data).toEqual(first.data);

    const changes: Record<string, unknown>[] = [
      { cpu: 2 },
      { ramGb: 2 },
      { description: 'another description' },
      { imageId: encodeGlobalID('VmImage', fixture.imageIds[1]!) },
      { configurationId: encodeGlobalID('Configuration', fixture.configurationIds[1]!) },
      { networkId: encodeGlobalID('Network', fixture.networkIds[1]!) },
      { name: 'race-clone-2' },
    ];
    for (const change of changes) {
      const result = await gql(harness.api.url, CREATE, { input: input(change) }, adminToken);
      expect(result.errors?.[0]?.extensions, JSON.stringify(change)).toMatchObject({ code: 'CONFLICT', field: 'input.idempotencyKey' });
    }
    expect(await harness.prisma.clone.count({ where: { name: { startsWith: 'race-clone-' } } })).toBe(1);
    await harness.temporal.workflow.getHandle(cloneWorkflowId((await harness.prisma.clone.findUniqueOrThrow({ where: { name: 'race-clone-1' } })).id)).terminate('test over');
  });
});

describe('a clone left PROVISIONING without its workflow', () => {
  it('gets its workflow from the reconciler once it is old enough, exactly once', async () => {
    // The fixture's PROVISIONING rows have no workflow either: out of the way, so this one is alone.
    await harness.prisma.clone.updateMany({ where: { status: 'PROVISIONING', name: { not: 'race-clone-1' } }, data: { status: 'FAILED' } });
    const orphan = await harness.prisma.clone.create({
      data: {
        name: 'orphan-clone',
        description: 'the API died before starting its workflow',
        imageId: fixture.imageIds[0]!,
        configurationId: fixture.configurationIds[0]!,
        networkId: fixture.networkIds[0]!,
        cpu: 1,
        ramGb: 1,
        status: 'PROVISIONING',
        progressPhase: 'queued',
        rdpUsername: 'Administrator',
        rdpPasswordEnc: encryptSecret('orphan-password', harness.secretKey),
        createdById: fixture.users.admin.id,
        createdAt: new Date(Date.now() - 5 * 60_000),
      },
    });
    const handle = harness.temporal.workflow.getHandle(cloneWorkflowId(orphan.id));
    await expect(handle.describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
    const services = { prisma: harness.prisma, temporal: harness.temporal, settings: { secretKey: harness.secretKey, temporal: { address: '', namespace: 'default', taskQueue: harness.taskQueue } } };

    // Young clones may still be inside createClone: left alone.
    expect(await reconcileOrphanClones(services, { olderThanMs: 60 * 60_000 })).toEqual([]);
    // Two replicas reconciling at once start one workflow.
    const [a, b] = await Promise.all([reconcileOrphanClones(services), reconcileOrphanClones(services)]);
    expect([...a, ...b]).toContain(orphan.id);
    expect([...a, ...b].filter((id) => id !== orphan.id)).toEqual([]);
    expect((await handle.describe()).status.name).toBe('RUNNING');
    expect(await reconcileOrphanClones(services)).toEqual([]);
    expect(await harness.prisma.event.count({ where: { cloneId: orphan.id, type: 'clone.workflow_reconciled' } })).toBeGreaterThanOrEqual(1);
    await handle.terminate('test over');
  });
});
