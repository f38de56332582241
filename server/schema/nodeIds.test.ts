// The node-ID fast path (server/schema/nodeIds.ts): a node's global id answers without a promise
// when its id is at hand, the same string the relay plugin gives, and through the relay plugin
// when the id is itself a promise.
import SchemaBuilder from '@pothos/core';
import RelayPlugin, { encodeGlobalID } from '@pothos/plugin-relay';
import { graphql, isObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { NODE_IDS } from './nodeIds.js';
import { schema } from './index.js';

function thingSchema(plugins: Array<'relay' | typeof NODE_IDS>) {
  // Only these plugins (the API's builder options also name the Prisma and scope-auth ones).
  const options = { plugins: plugins.map((p) => (p === 'relay' ? RelayPlugin : p)), relay: {} };
  const builder = new SchemaBuilder<{ Objects: { Thing: { key: string }; LateThing: { key: string } } }>(options as never);
  builder.node('Thing', {
    id: { resolve: (thing) => thing.key },
    loadOne: (key) => ({ key }),
    fields: (t) => ({ key: t.exposeString('key') }),
  });
  builder.node('LateThing', {
    id: { resolve: async (thing) => thing.key },
    loadOne: (key) => ({ key }),
    isTypeOf: () => true,
    fields: (t) => ({ key: t.string({ resolve: (thing) => thing.key }) }),
  });
  builder.queryType({
    fields: (t) => ({
      thing: t.field({ type: 'Thing', resolve: () => ({ key: 't1' }) }),
      late: t.field({ type: 'LateThing', resolve: () => ({ key: 'l1' }) }),
    }),
  });
  return builder.toSchema();
}

const idResolver = (s: ReturnType<typeof thingSchema>, type: string) => {
  const t = s.getType(type);
  if (!isObjectType(t)) throw new Error(type);
  return t.getFields()['id']!.resolve!;
};

describe('node ids', () => {
  it('answer at once with the string the relay plugin gives', async () => {
    const fast = thingSchema(['relay', NODE_IDS]);
    const id = idResolver(fast, 'Thing')({ key: 't1' }, {}, {}, {} as never);
    expect(id).toBe(encodeGlobalID('Thing', 't1'));
    // The relay plugin alone: a promise of the same string.
    const plain = idResolver(thingSchema(['relay']), 'Thing')({ key: 't1' }, {}, {}, {} as never);
    expect(plain).toBeInstanceOf(Promise);
    expect(await plain).toBe(id);
  });

  it('leave an id that is a promise to the relay plugin', async () => {
    const fast = thingSchema(['relay', NODE_IDS]);
    expect(idResolver(fast, 'LateThing')({ key: 'l1' }, {}, {}, {} as never)).toBeInstanceOf(Promise);
    const result = await graphql({ schema: fast, source: '{ thing { id key } late { id key } }' });
    expect(result).toEqual({ data: { thing: { id: encodeGlobalID('Thing', 't1'), key: 't1' }, late: { id: encodeGlobalID('LateThing', 'l1'), key: 'l1' } } });
  });

  it('cover every node type of the API', () => {
    const node = schema.getType('Node');
    const nodes = Object.values(schema.getTypeMap()).filter((t) => isObjectType(t) && t.getInterfaces().some((i) => i === node));
    expect(nodes.length).toBeGreaterThan(5);
    for (const type of nodes) {
      if (!isObjectType(type)) continue;
      const id = type.getFields()['id']!.resolve!({ id: 'x1' }, {}, { prisma: null }, { path: { key: 'id' }, fieldNodes: [] } as never);
      expect(id, type.name).toBe(encodeGlobalID(type.name, 'x1'));
    }
  });
});
