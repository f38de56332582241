// The web app (web/, built by `npm test` before this file runs) in headless Chromium against the
// real stack: PostgreSQL, the Temporal dev server, vcsim, a worker and the lab guest simulator.
// One clone's life through the Clones page as an operator sees it: log in, create it and watch it
// reach RUNNING live, a field error, the readiness answer and a forced failover followed to its
// operation's SUCCEEDED, the snapshot that fails back, the clone page's operations, RDP credentials,
// delete; a DEVELOPER sees no actions and no credentials. Screenshots of the main states go to
// .enclave/screenshots/web-*.png (git-ignored).
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { findChromium } from '../scripts/lib/chromium.mjs';
import { ROOT } from '../scripts/lib/bootstrap.mjs';
import { WEB_DIST_DIR } from '../server/webApp.js';
import { startTestStack, type TestStack } from './support/stack.js';

const found = findChromium();
if ('reason' in found) console.warn(`skipping the web app browser test: ${found.reason}`);
const built = existsSync(join(WEB_DIST_DIR, 'index.html'));
if (!built) console.warn('skipping the web app browser test: web/dist is not built (npm test builds it; or npm run web:build)');
const SCREENSHOTS = join(ROOT, '.enclave', 'screenshots');
const LIVE = 90_000;
const SOON = { timeout: 30_000, interval: 100 }; // an answer from the API on a loaded machine // provisioning on vcsim with the guest simulator takes seconds; the machine may be loaded

function host(url: string): string {
  if (url.startsWith('data:')) return 'data:';
  return new URL(url.startsWith('blob:') ? url.slice('blob:'.length) : url).hostname;
}

describe.skipIf(!found.path || !built)('the web app in headless Chromium', () => {
  let stack: TestStack;
  let browser: Browser;
  let origin: string;
  const requests: string[] = [];
  const pageErrors: string[] = [];
  /** GraphQL answers with errors (some tests expect a few: wrong logins, field errors); printed on failure. */
  const graphqlErrors: string[] = [];

  beforeAll(async () => {
    stack = await startTestStack();
    origin = new URL(stack.api.url).origin;
    browser = await chromium.launch({
      executablePath: found.path!,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    });
  });

  afterEach((context) => {
    if (context.task.result?.state === 'fail') console.error(`GraphQL errors so far:\n${graphqlErrors.join('\n')}`);
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  async function openPage(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
    const page = await context.newPage();
    page.on('request', (request) => requests.push(request.url()));
    page.on('websocket', (socket) => requests.push(socket.url()));
    page.on('pageerror', (error) => pageErrors.push(String(error)));
    page.on('response', async (response) => {
      if (!response.url().endsWith('/graphql')) return;
      const body = await response.text().catch(() => '');
      if (body.includes('"errors"')) graphqlErrors.push(`${response.request().postData()?.slice(0, 80)} → ${body.slice(0, 2000)}`);
    });
    return page;
  }

  async function shot(page: Page, name: string) {
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, `web-${name}.png`), fullPage: true });
  }

  /** Logs in with the keyboard only: Tab between the fields, Enter to submit. */
  async function logIn(page: Page, username: string, password: string) {
    await page.goto(`${origin}/`);
    await page.getByLabel('Username').waitFor();
    await page.getByLabel('Username').focus();
    await page.keyboard.type(username);
    await page.keyboard.press('Tab');
    await page.keyboard.type(password);
    await page.keyboard.press('Enter');
  }

  /** A RUNNING clone row of the seeded configuration (no workflow: for the read-only views). */
  async function insertClone(name: string) {
    if (await stack.prisma.clone.findFirst({ where: { name } })) return;
    const admin = await stack.prisma.user.findUniqueOrThrow({ where: { username: stack.users.admin.username } });
    await stack.prisma.clone.create({
      data: {
        name,
        description: 'inserted by the browser test',
        imageId: stack.seed.imageIds[0]!,
        configurationId: stack.seed.configurationIds[0]!,
        networkId: stack.seed.networkIds[0]!,
        cpu: 1,
        ramGb: 1,
        status: 'RUNNING',
        rdpUsername: 'Administrator',
        rdpPasswordEnc: 'not-a-real-secret',
        createdById: admin.id,
      },
    });
  }

  const row = (page: Page, name: string) => page.locator(`tr[data-clone-name="${name}"]`);
  const statusOf = (page: Page, name: string) => row(page, name).locator('[data-status]').getAttribute('data-status');

  async function openActions(page: Page, name: string) {
    const toggle = page.getByRole('button', { name: `Actions for ${name}` });
    if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
    return row(page, name).getByRole('group', { name: `Actions for ${name}` });
  }

  it('says so for a wrong login and for the rate limit, and keeps the session until logout', async () => {
    const page = await openPage();
    await logIn(page, stack.users.operator.username, 'not-the-password');
    await expect.poll(() => page.locator('#login-error').innerText(), SOON).toBe('Wrong username or password.');

    // 5 failures per username in 15 minutes; the next attempt is refused before the password.
    for (let i = 0; i < 5; i++) {
      await logIn(page, 'nobody_here', `wrong-${i}`);
      await expect.poll(() => page.locator('#login-error').innerText(), SOON).not.toBe('');
    }
    await logIn(page, 'nobody_here', 'wrong-again');
    await expect.poll(() => page.locator('#login-error').innerText(), SOON).toContain('Too many failed logins');
    await shot(page, 'login-rate-limited');

    await logIn(page, stack.users.operator.username, stack.users.operator.password);
    await expect.poll(() => page.getByTestId('current-user').innerText(), SOON).toContain('machine admin');
    // The token lasts for the tab's session: a reload keeps the user logged in.
    await page.reload();
    await expect.poll(() => page.getByTestId('current-user').innerText(), SOON).toContain('operator');
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByLabel('Password').waitFor();
    await page.reload();
    await page.getByLabel('Password').waitFor();
    await page.context().close();
  });

  it('creates a clone (a field error first), watches it reach RUNNING live, fails over, fails back by snapshot, reveals credentials and deletes it', async () => {
    const page = await openPage();
    await logIn(page, stack.users.admin.username, stack.users.admin.password);
    await page.getByRole('heading', { name: 'Clones' }).waitFor();
    // Marks this document: if the page reloaded, the mark would be gone.
    await page.evaluate(() => ((window as unknown as { enclaveMark: number }).enclaveMark = 1));

    await page.getByRole('button', { name: 'Create clone' }).click();
    const form = page.locator('#create-clone');
    await form.getByLabel('Application image').selectOption({ index: 1 });
    await form.getByLabel('Configuration').selectOption({ index: 1 });
    await form.getByLabel('Network').selectOption({ index: 1 });
    await form.getByLabel('Description').fill('made in the browser test');
    await form.getByLabel('CPU cores').fill('2');
    await form.getByLabel('RAM (GB)').fill('4');

    // A name vSphere would need to escape: the API's field error appears next to the name field.
    await form.getByLabel('Name').fill('bad/name');
    await form.getByRole('button', { name: 'Create clone' }).click();
    const nameError = form.getByTestId('error-name');
    await expect.poll(() => nameError.innerText(), SOON).toMatch(/letters, digits/);
    expect(await form.getByLabel('Name').getAttribute('aria-invalid')).toBe('true');
    expect(await form.getByLabel('Name').evaluate((el) => el === document.activeElement)).toBe(true);
    await shot(page, 'create-field-error');
    expect(await stack.prisma.clone.count()).toBe(0);

    await form.getByLabel('Name').fill('browser-clone-1');
    await form.getByRole('button', { name: 'Create clone' }).click();
    const name = 'browser-clone-1';
    await row(page, name).waitFor({ timeout: 30_000 });
    // It appears at once as PROVISIONING (the workflow has hardly started) and fills in live.
    const seen = new Set<string>();
    await expect
      .poll(async () => {
        const status = await statusOf(page, name);
        if (status) seen.add(status);
        if (status === 'PROVISIONING' && !seen.has('shot')) {
          seen.add('shot');
          await shot(page, 'provisioning');
        }
        return status;
      }, { timeout: LIVE, interval: 100 })
      .toBe('RUNNING');
    expect(seen.has('PROVISIONING') || seen.has('STARTING')).toBe(true);
    expect(await page.evaluate(() => (window as unknown as { enclaveMark?: number }).enclaveMark)).toBe(1);
    await shot(page, 'running');

    // RDP credentials: revealed on demand, audited by the API.
    let actions = await openActions(page, name);
    await actions.getByRole('button', { name: 'RDP credentials' }).click();
    const rdp = page.getByTestId('rdp-dialog');
    expect(await rdp.getByTestId('rdp-password').count()).toBe(0);
    await rdp.getByRole('button', { name: 'Reveal credentials' }).click();
    const password = await rdp.getByTestId('rdp-password').innerText();
    expect(password.length).toBeGreaterThanOrEqual(12);
    await rdp.getByRole('button', { name: 'Copy password' }).click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText()), SOON).toBe(password);
    expect(await stack.prisma.event.count({ where: { type: 'clone.rdp_revealed' } })).toBe(1);
    await page.keyboard.press('Escape');
    await rdp.waitFor({ state: 'detached' });

    // Failover: the API's readiness answer first. A new clone has not received a snapshot of the
    // primary yet, so it is not ready, for a reason force may override: the force checkbox is
    // offered (unchecked, so confirming is not possible until it is ticked), "fence the primary"
    // is checked by default, then "Are you sure?". The START_FAILOVER operation is followed live
    // to SUCCEEDED, and the flag arrives.
    actions = await openActions(page, name);
    await actions.getByRole('button', { name: 'Start failover' }).click();
    const dialog = page.getByRole('dialog');
    const readiness = dialog.getByTestId('failover-readiness');
    await expect.poll(() => readiness.getAttribute('data-ready'), SOON).toBe('false');
    expect(await readiness.innerText()).toContain('Not ready to fail over');
    expect(await dialog.getByTestId('readiness-reasons').innerText()).toContain('has not received a snapshot of the primary yet');
    expect(await dialog.innerText()).toContain('Are you sure?');
    const confirm = dialog.getByRole('button', { name: 'Yes, start failover' });
    expect(await confirm.isDisabled()).toBe(true);
    expect(await dialog.getByLabel(/Fence the primary/).isChecked()).toBe(true);
    const force = dialog.getByLabel(/Force the failover/);
    expect(await force.isChecked()).toBe(false);
    await force.check();
    await shot(page, 'failover-confirm');
    await confirm.click();
    const outcome = row(page, name).getByTestId('action-outcome');
    await expect.poll(() => outcome.getAttribute('data-operation-status'), { timeout: LIVE, interval: 100 }).toBe('SUCCEEDED');
    expect(await outcome.innerText()).toBe('Start failover (forced): succeeded.');
    await row(page, name).getByTestId('failover-flag').waitFor({ timeout: LIVE });
    await shot(page, 'failover');

    // Delete is refused during failover, so the UI does not offer it.
    actions = await openActions(page, name);
    expect(await actions.getByRole('button', { name: 'Delete' }).count()).toBe(0);

    // A snapshot during failover fails back: the confirmation says so, and the flag goes away.
    await actions.getByRole('button', { name: 'Create snapshot' }).click();
    expect(await page.getByRole('dialog').innerText()).toContain('the snapshot triggers failback');
    await page.getByRole('dialog').getByRole('button', { name: 'Snapshot and fail back' }).click();
    await expect.poll(() => row(page, name).getByTestId('failover-flag').count(), { timeout: LIVE, interval: 200 }).toBe(0);
    await expect.poll(() => statusOf(page, name), SOON).toBe('RUNNING');

    // The clone's page: the FAILBACK snapshot and the events of all this.
    await row(page, name).getByRole('link', { name }).click();
    await page.getByRole('heading', { name: /browser-clone-1/ }).waitFor();
    await expect.poll(() => page.getByTestId('snapshots').innerText(), { timeout: LIVE, interval: 200 }).toMatch(/FAILBACK\s+DONE/).catch(async (error) => {
      console.error(await page.locator('main').innerText());
      throw error;
    });
    // The events come with their own query, which may answer after the snapshots'.
    const events = page.getByTestId('events');
    await expect.poll(() => events.innerText(), { timeout: LIVE, interval: 200 }).toContain('clone.failover_started');
    await expect.poll(() => events.innerText(), { timeout: LIVE, interval: 200 }).toContain('clone.rdp_revealed');
    // Its operations: the forced failover and the snapshot that failed back, both SUCCEEDED, by admin.
    const operations = page.getByTestId('operations');
    await expect.poll(() => operations.locator('tbody tr').count(), { timeout: LIVE, interval: 200 }).toBeGreaterThanOrEqual(2);
    const operationRows = await operations.locator('tbody tr').allInnerTexts();
    expect(operationRows.find((r) => r.startsWith('START_FAILOVER (forced)'))).toMatch(/succeeded\s+admin/);
    expect(operationRows.find((r) => r.startsWith('CREATE_SNAPSHOT'))).toMatch(/succeeded\s+admin/);
    await shot(page, 'clone-page');

    // Restore the FAILBACK snapshot (restorable: DONE and still in vSphere): a confirmation, then
    // the RESTORE operation followed to SUCCEEDED in the snapshot's row, and listed.
    const failback = page.getByTestId('snapshots').locator('tbody tr', { hasText: 'FAILBACK' });
    await failback.getByRole('button', { name: /^Restore this snapshot/ }).click();
    expect(await page.getByRole('dialog').innerText()).toContain('its current state is replaced');
    await page.getByRole('dialog').getByRole('button', { name: 'Yes, restore' }).click();
    await expect.poll(() => failback.getByTestId('action-outcome').getAttribute('data-operation-status'), { timeout: LIVE, interval: 100 }).toBe('SUCCEEDED');
    await expect.poll(async () => (await operations.locator('tbody tr').allInnerTexts()).some((r) => /^RESTORE\s+succeeded\s+admin/.test(r)), { timeout: LIVE, interval: 200 }).toBe(true);
    await expect.poll(() => page.getByTestId('status').innerText(), SOON).toContain('Running');
    expect(await page.evaluate(() => (window as unknown as { enclaveMark?: number }).enclaveMark)).toBe(1);

    // Delete: irreversible, says the confirmation; the clone ends DELETED and leaves the list.
    await page.getByRole('link', { name: '← All clones' }).click();
    actions = await openActions(page, name);
    await actions.getByRole('button', { name: 'Delete' }).click();
    expect(await page.getByRole('dialog').innerText()).toContain('irreversible');
    await page.getByRole('dialog').getByRole('button', { name: 'Delete permanently' }).click();
    await row(page, name).waitFor({ state: 'detached', timeout: LIVE });
    await expect.poll(async () => (await stack.prisma.clone.findFirst({ where: { name } }))?.status, { timeout: LIVE }).toBe('DELETED');
    await page.context().close();
  });

  it('shows a DEVELOPER the clones without any action or credentials', async () => {
    await insertClone('visible-clone');
    const page = await openPage();
    await logIn(page, stack.users.developer.username, stack.users.developer.password);
    await row(page, 'visible-clone').waitFor({ timeout: 30_000 });
    await expect.poll(() => page.getByTestId('current-user').innerText(), SOON).toContain('developer');
    expect(await page.getByRole('button', { name: /^Actions for/ }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Create clone' }).count()).toBe(0);
    await row(page, 'visible-clone').getByRole('link', { name: 'visible-clone' }).click();
    await page.getByRole('heading', { name: /visible-clone/ }).waitFor();
    for (const label of ['RDP credentials', 'Start failover', 'Create snapshot', 'Stop', 'Delete']) {
      expect(await page.getByRole('button', { name: label }).count()).toBe(0);
    }
    await shot(page, 'developer');
    await page.context().close();
  });

  it('has every control labelled and reachable by keyboard, and the status in words', async () => {
    const page = await openPage();
    await insertClone('visible-clone');
    await logIn(page, stack.users.admin.username, stack.users.admin.password);
    await row(page, 'visible-clone').waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Create clone' }).click();
    const unlabelled = await page.evaluate(() => {
      const name = (el: Element) =>
        (el.getAttribute('aria-label') ?? '').trim() ||
        (el.getAttribute('aria-labelledby') ? 'by' : '') ||
        ((el as HTMLInputElement).labels?.length ? 'label' : '') ||
        (el.tagName === 'BUTTON' || el.tagName === 'A' ? (el.textContent ?? '').trim() : '');
      return [...document.querySelectorAll('button, a[href], input, select, textarea')]
        .filter((el) => !name(el))
        .map((el) => el.outerHTML.slice(0, 120));
    });
    expect(unlabelled).toEqual([]);
    // Nothing takes focus out of the tab order, and each control is focusable.
    const negative = await page.evaluate(() => [...document.querySelectorAll('button, a[href], input, select')].filter((el) => (el as HTMLElement).tabIndex < 0).length);
    expect(negative).toBe(0);
    // The status reads as words, not only as colour.
    expect((await row(page, 'visible-clone').getByTestId('status').innerText()).trim()).toContain('Running');
    // The capacity info control opens with the keyboard.
    const info = page.getByRole('button', { name: 'CPU and RAM' });
    await info.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => info.getAttribute('aria-expanded'), SOON).toBe('true');
    await expect.poll(() => page.getByTestId('cpu-available').innerText(), SOON).toMatch(/^\d+$/);
    await shot(page, 'capacity');
    await page.context().close();
  });

  it('requested nothing from any host but Enclave, and threw no script error', () => {
    expect(requests.length).toBeGreaterThan(10);
    expect(requests.filter((url) => !['127.0.0.1', 'data:'].includes(host(url)))).toEqual([]);
    expect(pageErrors).toEqual([]);
    // The only errors the API answered were the ones these tests provoked: wrong logins, the rate
    // limit and the bad name (nothing over a query limit, nothing forbidden, nothing internal).
    const unexpected = graphqlErrors.filter((e) => !/"code":"(UNAUTHENTICATED|RATE_LIMITED|VALIDATION)"/.test(e) || /Cost limit/.test(e));
    expect(unexpected).toEqual([]);
  });
});
