// The loaded-columns fast path (server/schema/columns.ts): which fields take it, and that a row
// without the column still goes to the Prisma plugin's resolver, which loads it.
import { describe, expect, it, vi } from 'vitest';
import { exposedColumn, loadedColumn } from './columns.js';
import { schema } from './index.js';

describe('loaded columns', () => {
  it('are the exposed columns of the Prisma types, not their relations or computed fields', () => {
    const fields = (type: string) => (schema.getType(type) as unknown as { getFields(): Record<string, { extensions: Record<string, unknown> }> }).getFields();
    const clone = fields('Clone');
    expect(exposedColumn(clone['name']!.extensions)).toBe('name');
    expect(exposedColumn(clone['createdAt']!.extensions)).toBe('createdAt');
    expect(exposedColumn(fields('Machine')['guestIp']!.extensions)).toBe('guestIp');
    for (const other of ['primaryMachine', 'createdBy', 'rdpCredentials', 'standbyLagSeconds', 'id']) {
      expect(exposedColumn(clone[other]!.extensions), other).toBeNull();
    }
  });

  it('answer from the row when it holds the column, null included, and ask the Prisma plugin otherwise', () => {
    const fallback = vi.fn((_row: object, _args?: object) => 'loaded');
    const resolve = loadedColumn('guestIp', fallback);
    expect(resolve({ guestIp: '10.0.0.7' })).toBe('10.0.0.7');
    expect(resolve({ guestIp: null })).toBeNull();
    expect(fallback).not.toHaveBeenCalled();
    const row = { id: 'm1' };
    expect(resolve(row, { arg: 1 })).toBe('loaded');
    expect(fallback).toHaveBeenCalledWith(row, { arg: 1 });
  });
});
