import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { InvalidLoginError, TlsError, VSphereClient } from './index.js';
import { connectToVcsim, recordingLogger, startVcsim, type Vcsim } from './testing/vcsim.js';

let sim: Vcsim;
let admin: VSphereClient;
const clients: VSphereClient[] = [];

function client(options: Parameters<typeof connectToVcsim>[1] = {}) {
  const logger = recordingLogger();
  const created = connectToVcsim(sim, { logger, ...options });
  clients.push(created);
  const logins = () => logger.entries.filter((entry) => entry.message === 'vSphere session established').length;
  return { client: created, logger, logins };
}

async function terminate(sessionKey: string | undefined) {
  expect(sessionKey).toBeTruthy();
  await admin.call('TerminateSession', 'SessionManager:SessionManager', { sessionId: [sessionKey!] });
}

beforeAll(async () => {
  sim = await startVcsim({ binary: inject('vcsimBinary') });
  admin = connectToVcsim(sim);
  await admin.login();
});

afterAll(async () => {
  await Promise.all(clients.map((created) => created.close().catch(() => undefined)));
  await admin?.close();
  await sim?.stop();
});

describe('session', () => {
  it('logs in lazily once and shares the session between concurrent calls', async () => {
    const { client: shared, logins } = client();
    await Promise.all([shared.listVms(), shared.listHosts(), shared.listNetworks(), shared.capacity()]);
    expect(logins()).toBe(1);
  });

  it('renews a session terminated on the server without the caller noticing', async () => {
    const { client: victim, logins } = client();
    const before = await victim.listVms();
    const oldKey = victim.sessionKey;
    await terminate(oldKey);

    expect(await victim.listVms()).toHaveLength(before.length);
    expect(victim.sessionKey).not.toBe(oldKey);
    expect(logins()).toBe(2);
  });

  it('coalesces the re-login of many concurrent calls into one', async () => {
    const { client: busy, logins } = client();
    const vm = (await busy.listVms())[0]!;
    await terminate(busy.sessionKey);

    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? busy.getVm(vm.ref) : busy.listHosts())));
    expect(results).toHaveLength(12);
    expect(logins()).toBe(2);
  });

  it('recovers after a raw Logout and during a task wait', async () => {
    const { client: raw, logins } = client();
    const vm = (await raw.listVms()).find((candidate) => candidate.name === 'DC0_H0_VM0')!;
    await raw.call('Logout', 'SessionManager:SessionManager');
    await raw.createSnapshot(vm.ref, { name: 'after-logout' });
    expect((await raw.listSnapshots(vm.ref)).map((snapshot) => snapshot.name)).toContain('after-logout');
    expect(logins()).toBe(2);
  });

  it('logout ends the session and the next call opens a new one', async () => {
    const { client: cycling, logins } = client();
    await cycling.login();
    const key = cycling.sessionKey;
    await cycling.logout();
    expect(cycling.sessionKey).toBeUndefined();
    await cycling.listHosts();
    expect(cycling.sessionKey).not.toBe(key);
    expect(logins()).toBe(2);
  });

  it('refuses wrong credentials with a permanent InvalidLoginError', async () => {
    const { client: wrong } = client({ password: 'not-the-password' });
    const failure = await wrong.listVms().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(InvalidLoginError);
    expect(failure).toMatchObject({ retryable: false, faultType: 'InvalidLogin' });
  });
});

describe('TLS', () => {
  it('accepts the pinned thumbprint (colon-less, lower case too)', async () => {
    const pin = sim.thumbprintSha256!.replace(/:/g, '').toLowerCase();
    const { client: pinned } = client({ tls: { thumbprintSha256: pin } });
    expect((await pinned.listHosts()).length).toBeGreaterThan(0);
  });

  it('refuses a wrong thumbprint', async () => {
    const wrong = sim.thumbprintSha256!.replace(/^../, sim.thumbprintSha256!.startsWith('00') ? '11' : '00');
    const { client: mismatched } = client({ tls: { thumbprintSha256: wrong }, retry: { attempts: 1 } });
    const failure = await mismatched.login().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TlsError);
    expect(failure).toMatchObject({ code: 'CERT_THUMBPRINT_MISMATCH', retryable: false });
  });

  it('verifies certificates by default and refuses the self-signed one', async () => {
    const { client: strict } = client({ tls: {}, retry: { attempts: 1 } });
    const failure = await strict.login().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TlsError);
    expect(failure).toMatchObject({ retryable: false });
  });

  it('connects with tls.insecure and logs a warning', async () => {
    const { client: insecure, logger } = client({ tls: { insecure: true } });
    expect(logger.entries.some((entry) => entry.level === 'warn' && /DISABLED/.test(entry.message))).toBe(true);
    expect((await insecure.listHosts()).length).toBeGreaterThan(0);
  });

  it('rejects a malformed thumbprint at construction', () => {
    expect(() => client({ tls: { thumbprintSha256: 'abc' } })).toThrow(/64 hex digits/);
  });
});
