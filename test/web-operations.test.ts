// The web app's operations (web/src/operations.ts, typed by graphql-codegen into web/src/gql)
// against the API, outside the browser: every query the Clones page and a clone's page send is
// answered without an error for each role (within the query limits), with the filters and sorts
// the table offers, and the credentials query only for the roles that may see them.
import { print, type DocumentNode } from 'graphql';
import { formatDocument } from '@urql/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as docs from '../web/src/gql/graphql.js';
import { writeFixture, type Fixture } from './support/fixture.js';
import { gql, loginAs } from './support/graphql.js';
import { startTestStack, type ApiStack } from './support/stack.js';

/** As urql sends it: with `__typename` added to every selection (which the API's query cost counts). */
const text = (doc: unknown) => print(formatDocument(doc as DocumentNode));
const gid = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString('base64');

describe('the web app’s operations', () => {
  let stack: ApiStack;
  let fixture: Fixture;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    stack = await startTestStack({ vsphere: false });
    fixture = await writeFixture(stack.prisma, stack.secretKey);
    for (const role of ['admin', 'operator', 'developer'] as const) {
      tokens[role] = await loginAs(stack.api.url, fixture.users[role].username, fixture.users[role].password);
    }
  });
  afterAll(() => stack?.close());

  it.each(['admin', 'operator', 'developer'])('answers the page queries for %s without errors', async (role) => {
    const token = tokens[role]!;
    for (const doc of [docs.MeDocument, docs.CloneChoicesDocument, docs.PrimaryChoicesDocument, docs.UserChoicesDocument, docs.ResourcesDocument]) {
      const result = await gql(stack.api.url, text(doc), {}, token);
      expect(result.errors, text(doc).slice(0, 40)).toBeUndefined();
    }
    const id = gid('Clone', fixture.cloneIds[0]!);
    const page = {} as Record<string, any>;
    for (const doc of [docs.CloneDetailsDocument, docs.CloneSnapshotsDocument, docs.CloneRestoresDocument, docs.CloneHistoryDocument]) {
      const result = await gql(stack.api.url, text(doc), { id }, token);
      expect(result.errors, text(doc).slice(0, 40)).toBeUndefined();
      Object.assign(page, result.data!.clone);
    }
    expect(page.name).toBe('clone-00');
    expect(page.snapshots.totalCount).toBeGreaterThan(0);
    expect(page.restores.totalCount).toBeGreaterThan(0);
    expect(page.events.totalCount).toBeGreaterThan(0);
  });

  it.each(['admin', 'operator', 'developer'])('answers the operation and readiness queries for %s within the cost limit', async (role) => {
    const token = tokens[role]!;
    const cloneId = fixture.cloneIds[0]!;
    const admin = fixture.users.admin.id;
    // 25 operations (more than the page's 20), each with every field the app shows filled in.
    const existing = await stack.prisma.operation.count({ where: { cloneId } });
    if (existing === 0) {
      await stack.prisma.operation.createMany({
        data: Array.from({ length: 25 }, (_, i) => ({
          cloneId,
          type: i % 2 ? ('START_FAILOVER' as const) : ('CREATE_SNAPSHOT' as const),
          status: i === 24 ? ('RUNNING' as const) : i % 5 === 0 ? ('FAILED' as const) : ('SUCCEEDED' as const),
          requestedById: admin,
          forced: i % 2 === 1,
          phase: 'fencing the primary',
          error: i % 5 === 0 ? 'the primary did not answer' : null,
          requestedAt: new Date(fixture.epoch.getTime() + i * 1000),
          startedAt: new Date(fixture.epoch.getTime() + i * 1000),
          finishedAt: i === 24 ? null : new Date(fixture.epoch.getTime() + i * 1000 + 500),
        })),
      });
    }
    const id = gid('Clone', cloneId);
    const list = await gql(stack.api.url, text(docs.CloneOperationsDocument), { id }, token);
    expect(list.errors).toBeUndefined();
    expect(list.data.clone.operations.totalCount).toBe(25);
    expect(list.data.clone.operations.edges).toHaveLength(20);
    const newest = list.data.clone.operations.edges[0].node;
    expect(newest).toMatchObject({ type: 'CREATE_SNAPSHOT', status: 'RUNNING', phase: 'fencing the primary', requestedBy: { username: 'admin' } });

    const one = await gql(stack.api.url, text(docs.OperationDocument), { id: newest.id }, token);
    expect(one.errors).toBeUndefined();
    expect(one.data.operation.id).toBe(newest.id);

    const readiness = await gql(stack.api.url, text(docs.FailoverReadinessDocument), { id }, token);
    expect(readiness.errors).toBeUndefined();
    expect(typeof readiness.data.clone.failoverReadiness.ready).toBe('boolean');
    expect(readiness.data.clone.failoverReadiness.rpoTargetSeconds).toBeGreaterThan(0);

    // The snapshots query now asks whether each snapshot is restorable.
    const snapshots = await gql(stack.api.url, text(docs.CloneSnapshotsDocument), { id }, token);
    expect(snapshots.errors).toBeUndefined();
    expect(snapshots.data.clone.snapshots.edges.every((e: { node: { restorable: unknown } }) => typeof e.node.restorable === 'boolean')).toBe(true);
  });

  it('sends every clone mutation with the Operation in its answer within the cost limit (refused by the rules, not the limit)', async () => {
    // A DEVELOPER is refused by role, before anything runs: the documents themselves (their
    // selections with urql's __typename) must pass validation and the cost limit first.
    const id = gid('Clone', fixture.cloneIds[0]!);
    const snapshotId = gid('Snapshot', fixture.snapshotIds[0]!);
    const mutations: Array<[unknown, Record<string, unknown>]> = [
      [docs.StartFailoverDocument, { cloneId: id, force: true, fencePrimary: false }],
      [docs.EndFailoverDocument, { cloneId: id, discard: true }],
      [docs.CreateSnapshotDocument, { cloneId: id }],
      [docs.RestoreCloneDocument, { cloneId: id, snapshotId }],
      [docs.StartCloneDocument, { cloneId: id }],
      [docs.StopCloneDocument, { cloneId: id }],
      [docs.SuspendCloneDocument, { cloneId: id }],
      [docs.ResumeCloneDocument, { cloneId: id }],
      [docs.RebootCloneDocument, { cloneId: id }],
      [docs.DeleteCloneDocument, { cloneId: id }],
    ];
    for (const [doc, variables] of mutations) {
      const result = await gql(stack.api.url, text(doc), variables, tokens.developer);
      expect(result.errors?.[0]?.extensions?.code, text(doc).slice(0, 60)).toBe('FORBIDDEN');
    }
  });

  it('lists clones with every filter and sort the table offers, 100 to a page', async () => {
    const fields = ['NAME', 'PRIMARY_MACHINE', 'CONFIGURATION', 'IMAGE', 'STATUS', 'FAILOVER', 'CPU', 'RAM', 'CREATED_BY', 'CREATED_AT'];
    for (const field of fields) {
      const result = await gql(stack.api.url, text(docs.ClonesDocument), { first: 100, orderBy: { field, direction: 'DESC' } }, tokens.developer);
      expect(result.errors, field).toBeUndefined();
      expect(result.data.clones.totalCount).toBe(50);
    }
    const filter = {
      name: 'clone-',
      status: ['RUNNING', 'STOPPED'],
      failover: false,
      cpu: { min: 2, max: 3 },
      ramGb: { min: 2 },
      createdAfter: fixture.epoch.toISOString(),
      createdById: gid('User', fixture.users.admin.id),
    };
    const result = await gql(stack.api.url, text(docs.ClonesDocument), { first: 20, filter }, tokens.developer);
    expect(result.errors).toBeUndefined();
    for (const { node } of result.data.clones.edges) {
      expect(node.cpu).toBeGreaterThanOrEqual(2);
      expect(node.cpu).toBeLessThanOrEqual(3);
      expect(node.ramGb).toBeGreaterThanOrEqual(2);
      expect(['RUNNING', 'STOPPED']).toContain(node.status);
      expect(node.createdBy.username).toBe('admin');
    }
    // By hand from the fixture: clone i has cpu 1 + i%4, ram 1 + i%8, status i%7, creator i%3, failover i%10 == 0.
    const statuses = ['PROVISIONING', 'STARTING', 'RUNNING', 'STOPPED', 'PAUSED', 'CRASHED', 'FAILED'];
    const expected = Array.from({ length: 50 }, (_, i) => i).filter(
      (i) => [2, 3].includes(1 + (i % 4)) && 1 + (i % 8) >= 2 && ['RUNNING', 'STOPPED'].includes(statuses[i % 7]!) && i % 3 === 0 && i % 10 !== 0,
    );
    expect(result.data.clones.totalCount).toBe(expected.length);
  });

  it('reveals RDP credentials to admins and operators only', async () => {
    const id = gid('Clone', fixture.cloneIds[3]!);
    for (const role of ['admin', 'operator']) {
      const result = await gql(stack.api.url, text(docs.RdpCredentialsDocument), { id }, tokens[role]);
      expect(result.data.clone.rdpCredentials.password).toBe('fixture-password-3');
    }
    const refused = await gql(stack.api.url, text(docs.RdpCredentialsDocument), { id }, tokens.developer);
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
