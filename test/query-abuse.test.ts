// Query abuse: a connection's cost multiplies by its page size, so nested pages that could return
// millions of nodes are refused before anything runs; request bodies are bounded.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'graphql';
import { DEFAULT_PAGE_SIZE } from '../domain/input.js';
import { queryCost } from '../server/queryCost.js';
import { MAX_REQUEST_BODY_BYTES, QUERY_LIMITS } from '../server/yoga.js';
import { writeFixture, type Fixture } from './support/fixture.js';
import { gql, loginAs } from './support/graphql.js';
import { startTestStack, type ApiStack } from './support/stack.js';

let harness: ApiStack;
let fixture: Fixture;
let token: string;
/** Statements that read clones: none may run for a refused query. */
let cloneQueries = 0;

beforeAll(async () => {
  harness = await startTestStack({ vsphere: false, onQuery: (sql) => void (sql.includes('"Clone"') && cloneQueries++) });
  fixture = await writeFixture(harness.prisma, harness.secretKey);
  token = await loginAs(harness.api.url, 'developer', fixture.users.developer.password);
});

afterAll(() => harness?.close());

// Two nested connections, each page up to 100: 20,000 nodes from one small query (deeper nesting
// is refused by the depth limit; each extra level of pages would multiply by 100 again).
const NESTED = `query($outer: Int, $inner: Int) {
  clones(first: $outer) { edges { node { name events(first: $inner) { edges { node { type } } } snapshots(first: $inner) { edges { node { name } } } } } }
}`;

describe('the page-aware query cost', () => {
  it('multiplies a connection by first/last, its default page size without them, and nested pages together', () => {
    const cost = (query: string, variables?: Record<string, unknown>) => queryCost({ document: parse(query), variables });
    expect(cost('{ me { username } }')).toBe(2);
    expect(cost('{ clones(first: 10) { nodes { name } } }')).toBe(1 + 10 * (1 + 1));
    expect(cost('{ clones(last: 10) { nodes { name } } }')).toBe(1 + 10 * (1 + 1));
    expect(cost('{ clones { nodes { name } } }')).toBe(1 + DEFAULT_PAGE_SIZE * 2);
    expect(cost('query($n: Int) { clones(first: $n) { nodes { ...F } } } fragment F on Clone { name status }', { n: 5 })).toBe(1 + 5 * 3);
    expect(cost(NESTED, { outer: 100, inner: 100 })).toBe(1 + 100 * (1 + 1 + 1 + 2 * (1 + 100 * 3)));
    const millions = '{ a: clones(first: 100) { edges { node { events(first: 100) { edges { node { clone { snapshots(first: 100) { edges { node { name } } } } } } } } } } }';
    expect(cost(millions)).toBeGreaterThan(1_000_000);
  });

  it('refuses a query that could return millions of nodes before it runs, and serves a modest one', async () => {
    const before = cloneQueries;
    const huge = await gql(harness.api.url, NESTED, { outer: 100, inner: 100 }, token);
    expect(huge.errors?.[0], JSON.stringify(huge.errors)).toMatchObject({ extensions: { code: 'VALIDATION' } });
    expect(huge.errors?.[0]?.message).toMatch(new RegExp(`exceeds the limit of ${QUERY_LIMITS.pagedCost}`));
    expect(huge.data ?? null).toBeNull();
    expect(cloneQueries).toBe(before);

    const modest = await gql(harness.api.url, NESTED, { outer: 10, inner: 5 }, token);
    expect(modest.errors).toBeUndefined();
    expect((modest.data as any).clones.edges).toHaveLength(10);
  });
});

describe('request bodies', () => {
  it(`over ${MAX_REQUEST_BODY_BYTES} bytes are refused with 413 before they are read`, async () => {
    const padding = 'x'.repeat(MAX_REQUEST_BODY_BYTES);
    const response = await fetch(harness.api.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ me { username } }', variables: { padding } }),
    });
    expect(response.status).toBe(413);
    const small = await gql(harness.api.url, '{ me { username } }', { padding: 'x'.repeat(1000) }, token);
    expect(small.data).toEqual({ me: { username: 'developer' } });
  });

  // A body sent in chunks has no Content-Length to check first: it is counted as it is read.
  const chunked = (text: string, pieces: number) => {
    const bytes = new TextEncoder().encode(text);
    const size = Math.ceil(bytes.byteLength / pieces);
    return fetch(harness.api.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: new ReadableStream<Uint8Array>({
        start(controller) {
          for (let at = 0; at < bytes.byteLength; at += size) controller.enqueue(bytes.subarray(at, at + size));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
  };

  it(`sent in chunks (no Content-Length) are read up to ${MAX_REQUEST_BODY_BYTES} bytes, and refused with 413 past it`, async () => {
    // A stream's length is unknown to fetch: it sends Transfer-Encoding: chunked, no Content-Length.
    const body = (padding: string) => JSON.stringify({ query: '{ me { username } }', variables: { padding } });
    const small = await chunked(body('x'.repeat(1000)), 4);
    expect(await small.json()).toEqual({ data: { me: { username: 'developer' } } });

    const large = await chunked(body('x'.repeat(MAX_REQUEST_BODY_BYTES)), 16);
    expect(large.status).toBe(413);
    expect(((await large.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]!.extensions.code).toBe('REQUEST_ENTITY_TOO_LARGE');
  });
});
