// Settings from the environment (infra/config.ts): the database pool size, unit-tested.
import { describe, expect, it } from 'vitest';
import { loadSettings } from '../infra/config.js';

const base = { VSPHERE_URL: 'https://vcenter.example/sdk', VSPHERE_USERNAME: 'u', VSPHERE_PASSWORD: 'p', ENCLAVE_SECRET_KEY: 'k', DATABASE_URL: 'postgresql://db/enclave' };

describe('DATABASE_POOL_SIZE', () => {
  it('is left to pg (10 connections) when unset', () => {
    expect(loadSettings(base).databasePoolSize).toBeUndefined();
  });

  it('sets the connections per process', () => {
    expect(loadSettings({ ...base, DATABASE_POOL_SIZE: '40' }).databasePoolSize).toBe(40);
  });

  it.each(['0', '-3', '2.5', 'many'])('refuses %s, naming the variable', (value) => {
    expect(() => loadSettings({ ...base, DATABASE_POOL_SIZE: value })).toThrow(`DATABASE_POOL_SIZE must be a positive integer, got "${value}"`);
  });
});
