// GraphiQL in a real browser (Debian's chromium, headless, driven by playwright-core): the page
// Enclave serves renders with no request to any host but 127.0.0.1 (no CDN), and runs
// `{ me { username } }` with the bearer token typed into its headers editor.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findChromium } from '../scripts/lib/chromium.mjs';
import { ROOT } from '../scripts/lib/bootstrap.mjs';
import { writeFixture } from './support/fixture.js';
import { startTestStack, type ApiStack } from './support/stack.js';
import { loginAs } from './support/graphql.js';

const found = findChromium();
if ('reason' in found) console.warn(`skipping the GraphiQL browser test: ${found.reason}`);
const SCREENSHOTS = join(ROOT, '.enclave', 'screenshots');

/** Where a request went: data: and blob: URLs belong to the page that made them. */
function host(url: string): string {
  if (url.startsWith('data:')) return 'data:';
  return new URL(url.startsWith('blob:') ? url.slice('blob:'.length) : url).hostname;
}

describe.skipIf(!found.path)('GraphiQL in headless Chromium', () => {
  let harness: ApiStack;
  let browser: Browser;
  let token: string;
  let username: string;

  beforeAll(async () => {
    harness = await startTestStack({ vsphere: false });
    const fixture = await writeFixture(harness.prisma, harness.secretKey);
    ({ username } = fixture.users.developer);
    token = await loginAs(harness.api.url, username, fixture.users.developer.password);
    browser = await chromium.launch({
      executablePath: found.path!,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await harness?.close();
  });

  async function runInGraphiQL(page: Page) {
    const query = '{ me { username } }';
    // Wait for what the test needs (the editor), not for the page's 'load' event: GraphiQL's
    // inline bundle is megabytes, and on a loaded 2-core machine parsing it took over the 30 s
    // navigation timeout (CI, 11:33 on 2026-11-23) while nothing was wrong.
    await page.goto(`${harness.api.url}?query=${encodeURIComponent(query)}`, { waitUntil: 'commit' });
    await page.locator('.graphiql-query-editor .monaco-editor').waitFor({ timeout: 120000 });
    await expect.poll(() => page.locator('.graphiql-query-editor .view-lines').innerText(), { timeout: 30000 }).toMatch(/me\s*\{\s*username/);

    // The headers editor sits behind the "Headers" tab under the query editor.
    await page.getByRole('tab', { name: 'Headers' }).or(page.getByRole('button', { name: 'Headers' })).first().click();
    const headers = page.locator('.graphiql-editor-tool .monaco-editor').last();
    await headers.waitFor();
    await headers.click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('Delete');
    await page.keyboard.insertText(JSON.stringify({ Authorization: `Bearer ${token}` }));

    await page.locator('.graphiql-execute-button').click();
    // Monaco shows spaces as no-break spaces.
    const response = async () => (await page.locator('.graphiql-response .view-lines').innerText()).replaceAll('\u00a0', ' ');
    await expect.poll(response, { timeout: 30000 }).toContain(`"username": "${username}"`);
    expect(JSON.parse(await response())).toEqual({ data: { me: { username } } });
  }

  it('renders, runs { me { username } } with a bearer token and requests nothing but 127.0.0.1', async () => {
    const page = await browser.newPage();
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    page.on('websocket', (socket) => requests.push(socket.url()));
    try {
      await runInGraphiQL(page);
      expect(await page.title()).toBe('Enclave GraphQL');
    } finally {
      mkdirSync(SCREENSHOTS, { recursive: true });
      await page.screenshot({ path: join(SCREENSHOTS, 'graphiql.png'), fullPage: true });
      await page.close();
    }
    // The page itself, and the GraphQL requests it made (introspection for the editor, the query).
    expect(requests.filter((url) => url.startsWith(harness.api.url)).length).toBeGreaterThanOrEqual(2);
    expect(requests.filter((url) => !['127.0.0.1', 'data:'].includes(host(url)))).toEqual([]);
  }, 240000);
});
