// How the API process serves the web app (server/webApp.ts), on a directory of the test's own:
// hashed assets cached for good, index.html for app paths and never cached, the CSP on all of
// it, no way out of the directory, a clear 404 before the app is built.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebAppHandler, WEB_CSP } from '../server/webApp.js';

function serve(dir: string): Promise<{ server: Server; url: string }> {
  const handler = createWebAppHandler(dir);
  const server = createServer((req, res) => void handler(req, res));
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })));
}

describe('serving the web app', () => {
  const dir = mkdtempSync(join(tmpdir(), 'enclave-web-'));
  const empty = mkdtempSync(join(tmpdir(), 'enclave-web-empty-'));
  let built: { server: Server; url: string };
  let unbuilt: { server: Server; url: string };

  beforeAll(async () => {
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Enclave</title>');
    writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'console.log(1)');
    writeFileSync(join(dir, 'favicon.svg'), '<svg/>');
    writeFileSync(join(tmpdir(), 'enclave-secret.txt'), 'outside');
    built = await serve(dir);
    unbuilt = await serve(empty);
  });
  afterAll(() => {
    built?.server.close();
    unbuilt?.server.close();
    rmSync(dir, { recursive: true, force: true });
    rmSync(empty, { recursive: true, force: true });
  });

  it('answers app paths with index.html, never cached, under the CSP', async () => {
    for (const path of ['/', '/clones/Q2xvbmU6MQ==', '/clones/x/']) {
      const response = await fetch(built.url + path);
      expect(response.status, path).toBe(200);
      expect(await response.text()).toContain('<title>Enclave</title>');
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(response.headers.get('content-security-policy')).toBe(WEB_CSP);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    }
    expect(WEB_CSP).toContain("connect-src 'self'");
    expect(WEB_CSP).not.toMatch(/https?:|\*/);
  });

  it('serves hashed assets for a year and other files revalidated', async () => {
    const asset = await fetch(`${built.url}/assets/index-abc123.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await asset.text()).toBe('console.log(1)');
    expect((await fetch(`${built.url}/favicon.svg`)).headers.get('cache-control')).toBe('no-cache');
    expect((await fetch(`${built.url}/assets/missing.js`)).status).toBe(404);
  });

  it('never leaves its directory and only answers GET and HEAD', async () => {
    for (const path of ['/../enclave-secret.txt', '/%2e%2e/enclave-secret.txt', '/assets/..%2f..%2fenclave-secret.txt']) {
      const response = await fetch(built.url + path);
      expect(response.status, path).toBe(404);
      expect(await response.text()).not.toContain('outside');
    }
    expect((await fetch(`${built.url}/`, { method: 'POST', body: 'x' })).status).toBe(405);
    const head = await fetch(`${built.url}/`, { method: 'HEAD' });
    expect(head.status).toBe(200);
  });

  it('says how to build the app when it is not built', async () => {
    const response = await fetch(`${unbuilt.url}/`);
    expect(response.status).toBe(404);
    expect(await response.text()).toContain('npm run web:build');
  });
});
