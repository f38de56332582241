// Unit tests of the pure domain rules: no database, Temporal or vSphere.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { assertTransition, canTransition, CLONE_STATUSES, CLONE_TRANSITIONS, InvalidTransitionError } from '../domain/cloneStatus.js';
import { cloneHostname, cloneVmName } from '../domain/naming.js';
import { decryptSecret, encryptSecret, generatePassword, hashPassword, verifyPassword } from '../infra/secrets.js';
import { checkCloneInput } from '../domain/validation.js';
import { credentialsUnavailable } from '../domain/credentials.js';
import { isRestorable } from '../domain/snapshots.js';

describe('which snapshots may be restored', () => {
  const done = { status: 'DONE', prunedAt: null, vsphereRef: 'VirtualMachineSnapshot:snapshot-1' };
  it('offers a DONE snapshot that vSphere still has, nothing else', () => {
    expect(isRestorable(done)).toBe(true);
    expect(isRestorable({ ...done, prunedAt: new Date() })).toBe(false);
    expect(isRestorable({ ...done, vsphereRef: null })).toBe(false);
    for (const status of ['IN_PROGRESS', 'FAILED', 'CANCELLED']) expect(isRestorable({ ...done, status })).toBe(false);
  });
});

describe('which clones are offered credentials', () => {
  it('a Windows clone once its customization finished; Linux and other images never, with the reason', () => {
    const at = new Date();
    expect(credentialsUnavailable({ guestCustomizedAt: at, image: { guestOsFamily: 'WINDOWS' } })).toBeNull();
    expect(credentialsUnavailable({ guestCustomizedAt: null, image: { guestOsFamily: 'WINDOWS' } })).toMatch(/Sysprep/);
    expect(credentialsUnavailable({ guestCustomizedAt: at, image: { guestOsFamily: 'LINUX' } })).toMatch(/Linux.*no login/);
    expect(credentialsUnavailable({ guestCustomizedAt: at, image: { guestOsFamily: 'OTHER' } })).toMatch(/neither Windows nor Linux/);
  });
});

describe('clone status transitions', () => {
  it('names only known statuses and lets DELETED go nowhere', () => {
    for (const targets of Object.values(CLONE_TRANSITIONS)) {
      for (const target of targets) expect(CLONE_STATUSES).toContain(target);
    }
    expect(CLONE_TRANSITIONS.DELETED).toEqual([]);
  });

  it('allows the provisioning path and refuses skipping it', () => {
    expect(canTransition('PROVISIONING', 'STARTING')).toBe(true);
    expect(canTransition('STARTING', 'RUNNING')).toBe(true);
    expect(canTransition('PROVISIONING', 'RUNNING')).toBe(false);
    expect(() => assertTransition('FAILED', 'RUNNING')).toThrow(InvalidTransitionError);
    expect(() => assertTransition('DELETED', 'DELETING')).toThrow('a clone cannot go from DELETED to DELETING');
  });

  it('lets every status but DELETED (and DELETING itself) be deleted', () => {
    for (const status of CLONE_STATUSES) {
      expect(canTransition(status, 'DELETING')).toBe(status !== 'DELETED');
    }
  });
});

describe('secrets', () => {
  it('hashes passwords with a salt and verifies them', async () => {
    const [a, b] = await Promise.all([hashPassword('correct horse'), hashPassword('correct horse')]);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(await verifyPassword('correct horse', a)).toBe(true);
    expect(await verifyPassword('wrong horse', a)).toBe(false);
    expect(await verifyPassword('anything', 'not-a-hash')).toBe(false);
  });

  it('encrypts at rest with AES-GCM and detects tampering or a wrong key', () => {
    const key = randomBytes(32).toString('base64');
    const sealed = encryptSecret('P@ssw0rd!', key);
    expect(sealed).not.toContain('P@ssw0rd!');
    expect(decryptSecret(sealed, key)).toBe('P@ssw0rd!');
    expect(() => decryptSecret(sealed, randomBytes(32).toString('base64'))).toThrow();
    const [version, iv, tag, data] = sealed.split(':');
    const flipped = Buffer.from(data!, 'base64');
    flipped[0]! ^= 1;
    expect(() => decryptSecret([version, iv, tag, flipped.toString('base64')].join(':'), key)).toThrow();
    expect(() => encryptSecret('x', 'c2hvcnQ=')).toThrow(/32 bytes/);
  });

  it('generates passwords meeting Windows complexity, without look-alikes', () => {
    for (let i = 0; i < 200; i++) {
      const password = generatePassword();
      expect(password).toHaveLength(20);
      expect(password).toMatch(/[A-Z]/);
      expect(password).toMatch(/[a-z]/);
      expect(password).toMatch(/[0-9]/);
      expect(password).toMatch(/[!#%+\-=?@_]/);
      expect(password).not.toMatch(/[O0Il1]/);
    }
  });
});

describe('names given in vSphere', () => {
  const clone = { id: '01a2013f-5041-70ab-b682-b7e1ccb9f529', name: 'Line 1 standby' };

  it('makes the VM name unique to the clone', () => {
    expect(cloneVmName(clone)).toBe('Line 1 standby-ccb9f529');
    expect(cloneVmName({ ...clone, id: '01a2013f-5041-70ab-b682-b7e1ccb9f530' })).not.toBe(cloneVmName(clone));
  });

  it('makes a NetBIOS-safe hostname', () => {
    const hostname = cloneHostname(clone);
    expect(hostname).toMatch(/^[a-z0-9-]{1,15}$/);
    expect(hostname).toBe('line-1-sta-f529');
    expect(cloneHostname({ ...clone, name: '!!!!!' })).toBe('clone-f529');
  });
});

describe('clone input rules', () => {
  it('reports every bad field at once', () => {
    const problems = checkCloneInput({ name: ' abc ', description: 'x'.repeat(129), cpu: 0, ramGb: 1.5 });
    expect(problems.list.map((p) => p.field)).toEqual(['input.name', 'input.description', 'input.cpu', 'input.ramGb']);
    expect(checkCloneInput({ name: 'Line 1 standby', description: 'ok', cpu: 1, ramGb: 1 }).empty).toBe(true);
  });
});
