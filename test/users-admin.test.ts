// Users administered through the API: roles, disabling and enabling, password reset and change,
// sessions listed and ended; each change that ends sessions also ends their open subscriptions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gql, loginAs, wsClient } from './support/graphql.js';
import { writeFixture } from './support/fixture.js';
import { startTestStack, type ApiStack } from './support/stack.js';

let stack: ApiStack;
let admin: string;
let adminPassword: string;

async function createUser(username: string, role = 'DEVELOPER'): Promise<{ id: string; password: string }> {
  const result = await gql(stack.api.url, 'mutation($input: CreateUserInput!) { createUser(input: $input) { password user { id } } }', { input: { username, name: `User ${username}`, role } }, admin);
  expect(result.errors).toBeUndefined();
  return { id: result.data.createUser.user.id, password: result.data.createUser.password };
}

/** A subscription opened with `token`, once the API listens for it; `ended` resolves with what ends it. */
async function openSubscription(token: string): Promise<{ ended: Promise<string>; dispose: () => Promise<void> }> {
  const before = stack.subscriptionsOpened();
  const client = wsClient(stack.api.wsUrl, token);
  const ended = new Promise<string>((resolve) => {
    client.subscribe({ query: 'subscription { cloneStatusChanged { status } }' }, { next: (m) => m.errors && resolve(JSON.stringify(m.errors)), error: (e) => resolve(JSON.stringify(e)), complete: () => resolve('complete') });
  });
  await stack.subscribed(before + 1);
  return { ended, dispose: async () => void (await client.dispose()) };
}

const me = (token: string) => gql(stack.api.url, '{ me { username role } }', {}, token);

beforeAll(async () => {
  stack = await startTestStack({ vsphere: false });
  adminPassword = (await writeFixture(stack.prisma, stack.secretKey)).users.admin.password;
  admin = await loginAs(stack.api.url, 'admin', adminPassword);
}, 120_000);

afterAll(async () => {
  await stack?.close();
});

describe('user administration', () => {
  it('changes a role; the user’s open subscriptions end and the next request has the new role', async () => {
    const user = await createUser('role_change');
    const token = await loginAs(stack.api.url, 'role_change', user.password);
    const subscription = await openSubscription(token);
    const changed = await gql(stack.api.url, 'mutation($id: ID!) { setUserRole(userId: $id, role: MACHINE_ADMIN) { role } }', { id: user.id }, admin);
    expect(changed.data?.setUserRole).toEqual({ role: 'MACHINE_ADMIN' });
    expect(await subscription.ended).toContain('UNAUTHENTICATED');
    await subscription.dispose();
    expect((await me(token)).data?.me).toEqual({ username: 'role_change', role: 'MACHINE_ADMIN' });
  });

  it('disables a user: their sessions and subscriptions end and they cannot log in; enabling lets them in again', async () => {
    const user = await createUser('to_disable');
    const token = await loginAs(stack.api.url, 'to_disable', user.password);
    const subscription = await openSubscription(token);
    const disabled = await gql(stack.api.url, 'mutation($id: ID!) { disableUser(userId: $id) { disabledAt } }', { id: user.id }, admin);
    expect(disabled.data?.disableUser.disabledAt).toBeTruthy();
    expect(await subscription.ended).toContain('UNAUTHENTICATED');
    await subscription.dispose();
    expect((await me(token)).data?.me).toBeNull();
    expect(await stack.prisma.session.count({ where: { user: { username: 'to_disable' } } })).toBe(0);
    await expect(loginAs(stack.api.url, 'to_disable', user.password)).rejects.toThrow(/UNAUTHENTICATED/);
    await gql(stack.api.url, 'mutation($id: ID!) { enableUser(userId: $id) { id } }', { id: user.id }, admin);
    expect((await me(await loginAs(stack.api.url, 'to_disable', user.password))).data?.me.username).toBe('to_disable');
  });

  it('resets a password: a new one shown once, the old one and the sessions gone', async () => {
    const user = await createUser('to_reset');
    const token = await loginAs(stack.api.url, 'to_reset', user.password);
    const reset = await gql(stack.api.url, 'mutation($id: ID!) { resetUserPassword(userId: $id) { password user { username } } }', { id: user.id }, admin);
    const password = reset.data?.resetUserPassword.password as string;
    expect(password).toHaveLength(20);
    expect(password).not.toBe(user.password);
    expect((await me(token)).data?.me).toBeNull();
    await expect(loginAs(stack.api.url, 'to_reset', user.password)).rejects.toThrow(/UNAUTHENTICATED/);
    expect(await loginAs(stack.api.url, 'to_reset', password)).toBeTruthy();
    const events = await stack.prisma.event.findMany({ where: { subjectId: user.id, type: 'user.password_reset' } });
    expect(JSON.stringify(events)).not.toContain(password);
  });

  it('changes one’s own password with the old one; other sessions end, this one stays', async () => {
    const user = await createUser('changes_own');
    const first = await loginAs(stack.api.url, 'changes_own', user.password);
    const second = await loginAs(stack.api.url, 'changes_own', user.password);
    const change = (oldPassword: string, newPassword: string) =>
      gql(stack.api.url, 'mutation($o: String!, $n: String!) { changePassword(oldPassword: $o, newPassword: $n) }', { o: oldPassword, n: newPassword }, first);
    expect((await change('wrong-old-password', 'a brand new password')).errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION', field: 'oldPassword' });
    expect((await change(user.password, 'short')).errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION', field: 'newPassword' });
    expect((await me(second)).data?.me.username).toBe('changes_own'); // refused changes end nothing
    expect((await change(user.password, 'a brand new password')).data).toEqual({ changePassword: true });
    expect((await me(first)).data?.me.username).toBe('changes_own');
    expect((await me(second)).data?.me).toBeNull();
    expect(await loginAs(stack.api.url, 'changes_own', 'a brand new password')).toBeTruthy();
  });

  it('lists sessions and ends one; another user’s sessions are an admin’s business only', async () => {
    const user = await createUser('has_sessions');
    const first = await loginAs(stack.api.url, 'has_sessions', user.password);
    const second = await loginAs(stack.api.url, 'has_sessions', user.password);
    const listed = await gql(stack.api.url, '{ sessions { id current } }', {}, first);
    expect(listed.data?.sessions).toHaveLength(2);
    const other = listed.data!.sessions.find((s: { current: boolean }) => !s.current);
    expect((await gql(stack.api.url, 'mutation($id: ID!) { endSession(sessionId: $id) }', { id: other.id }, first)).data).toEqual({ endSession: true });
    expect((await me(second)).data?.me).toBeNull();
    expect((await me(first)).data?.me.username).toBe('has_sessions');

    const adminId = (await gql(stack.api.url, '{ me { id } }', {}, admin)).data?.me.id;
    const foreign = await gql(stack.api.url, 'query($id: ID) { sessions(userId: $id) { id } }', { id: adminId }, first);
    expect(foreign.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', field: 'userId' });
    const adminSession = (await gql(stack.api.url, '{ sessions { id } }', {}, admin)).data?.sessions[0].id;
    const endForeign = await gql(stack.api.url, 'mutation($id: ID!) { endSession(sessionId: $id) }', { id: adminSession }, first);
    expect(endForeign.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'sessionId' });
    const byAdmin = await gql(stack.api.url, 'query($id: ID) { sessions(userId: $id) { id } }', { id: user.id }, admin);
    expect(byAdmin.data?.sessions).toHaveLength(1);
  });

  it('keeps one enabled GLOBAL_ADMIN: the last cannot be disabled or demoted, another can once there are two', async () => {
    const adminId = (await gql(stack.api.url, '{ me { id } }', {}, admin)).data?.me.id;
    const demote = await gql(stack.api.url, 'mutation($id: ID!) { setUserRole(userId: $id, role: DEVELOPER) { id } }', { id: adminId }, admin);
    expect(demote.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_STATE', field: 'role' });
    const disable = await gql(stack.api.url, 'mutation($id: ID!) { disableUser(userId: $id) { id } }', { id: adminId }, admin);
    expect(disable.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_STATE', field: 'userId' });
    const second = await createUser('second_admin', 'GLOBAL_ADMIN');
    const demoted = await gql(stack.api.url, 'mutation($id: ID!) { setUserRole(userId: $id, role: MACHINE_ADMIN) { role } }', { id: second.id }, admin);
    expect(demoted.data?.setUserRole.role).toBe('MACHINE_ADMIN');
    expect((await me(admin)).data?.me.role).toBe('GLOBAL_ADMIN');
  });

  it('refuses all of it to non-admins', async () => {
    const user = await createUser('plain_dev');
    const token = await loginAs(stack.api.url, 'plain_dev', user.password);
    const result = await gql(stack.api.url, 'mutation($id: ID!) { setUserRole(userId: $id, role: GLOBAL_ADMIN) { id } }', { id: user.id }, token);
    expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
