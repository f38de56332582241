// GraphiQL and introspection: on in development, off with NODE_ENV=production unless
// ENCLAVE_GRAPHIQL / ENCLAVE_INTROSPECTION switch them on (infra/config.ts, server/yoga.ts).
import { describe, expect, it } from 'vitest';
import { loadApiExposure } from '../infra/config.js';
import type { AppServices } from '../server/context.js';
import { createGraphQLHandler, GRAPHQL_PATH } from '../server/yoga.js';

// Neither request carries a token, so no service is used.
const handler = (env: NodeJS.ProcessEnv) => createGraphQLHandler({} as AppServices, loadApiExposure(env));
const url = `http://127.0.0.1${GRAPHQL_PATH}`;

async function page(env: NodeJS.ProcessEnv) {
  const response = await handler(env).fetch(url, { headers: { accept: 'text/html' } });
  return { status: response.status, body: await response.text() };
}

async function introspect(env: NodeJS.ProcessEnv) {
  const response = await handler(env).fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query: '{ __schema { queryType { name } } }' }),
  });
  return (await response.json()) as { data?: unknown; errors?: Array<{ message: string }> };
}

describe('GraphiQL and introspection', () => {
  it('are on in development, GraphiQL served with its assets inline (no CDN)', async () => {
    const { status, body } = await page({ NODE_ENV: 'development' });
    expect(status).toBe(200);
    expect(body).toContain('<title>Enclave GraphQL</title>');
    expect(body).not.toMatch(/<(script|link)[^>]+(src|href)="https?:/);
    expect(await introspect({ NODE_ENV: 'development' })).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
  });

  it('are off with NODE_ENV=production', async () => {
    const { status, body } = await page({ NODE_ENV: 'production' });
    expect(status).not.toBe(200);
    expect(body).not.toContain('Enclave GraphQL');
    const result = await introspect({ NODE_ENV: 'production' });
    expect(result.data).toBeUndefined();
    expect(result.errors?.[0]?.message).toMatch(/introspection has been disabled/);
  });

  it('are switched on in production by ENCLAVE_GRAPHIQL=1 and ENCLAVE_INTROSPECTION=1, each on its own', async () => {
    const both = { NODE_ENV: 'production', ENCLAVE_GRAPHIQL: '1', ENCLAVE_INTROSPECTION: '1' };
    expect((await page(both)).status).toBe(200);
    expect((await introspect(both)).data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    expect((await page({ NODE_ENV: 'production', ENCLAVE_GRAPHIQL: '1' })).status).toBe(200);
    expect((await introspect({ NODE_ENV: 'production', ENCLAVE_GRAPHIQL: '1' })).data).toBeUndefined();
    expect((await introspect({ NODE_ENV: 'production', ENCLAVE_INTROSPECTION: 'true' })).data).toBeDefined();
  });

  it('can be switched off in development, and rejects a malformed switch', () => {
    expect(loadApiExposure({ ENCLAVE_GRAPHIQL: '0', ENCLAVE_INTROSPECTION: 'false' })).toEqual({ graphiql: false, introspection: false });
    expect(() => loadApiExposure({ ENCLAVE_GRAPHIQL: 'yes' })).toThrow('ENCLAVE_GRAPHIQL must be 1 or 0, got "yes"');
  });
});
