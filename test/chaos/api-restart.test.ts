// Fault: the API process restarts while subscribers are connected, and the clone changes status
// while it is down. The SDK's graphql-ws client reconnects with backoff and subscribes again;
// its waits re-read the clone on reconnection, so they see the status reached during the gap,
// and the live feed carries the changes after it.
import { encodeGlobalID } from '@pothos/plugin-relay';
import WebSocket from 'ws';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createClient, type CloneStatusChange, type EnclaveClient } from '../../sdk/src/index.js';
import { waitForClone } from '../support/clones.js';
import { eventually } from '../support/eventually.js';
import { recordFigure } from '../support/logging.js';
import { startTestStack, type TestStack } from '../support/stack.js';

let stack: TestStack;
let operator: EnclaveClient;
let watcher: EnclaveClient;

beforeAll(async () => {
  stack = await startTestStack({ vcsimOptions: { methodDelay: 'CloneVm:3000' } });
  const login = async (user: 'admin' | 'operator') =>
    (await createClient({ url: stack.api.url, webSocketImpl: WebSocket }).login({ username: user, password: stack.users[user].password })).token;
  operator = createClient({ url: stack.api.url, token: await login('operator'), webSocketImpl: WebSocket, maxReconnectDelayMs: 1_000 });
  watcher = createClient({ url: stack.api.url, token: await login('admin'), webSocketImpl: WebSocket, maxReconnectDelayMs: 1_000 });
});

afterAll(async () => {
  await watcher?.close();
  await operator?.close();
  await stack?.close();
});

it('reconnects its subscribers after an API restart: a wait sees the status reached while it was down, a feed the changes after', async () => {
  const [images, networks] = await Promise.all([watcher.vmImages(), watcher.networks()]);
  const clone = await watcher.createClone({
    input: {
      name: 'API restart watch',
      description: 'watched across an API restart',
      imageId: images[0]!.id,
      networkId: networks.find((n) => n.name === 'VM Network')!.id,
      configurationId: encodeGlobalID('Configuration', stack.seed.configurationIds[0]!),
      cpu: 1,
      ramGb: 1,
    },
  });
  const cloneRowId = (await stack.prisma.clone.findFirstOrThrow({ where: { name: 'API restart watch' } })).id;

  // A wait, subscribed while the clone provisions; the API is down from the clone step until RUNNING.
  let opened = stack.subscriptionsOpened();
  const running = watcher.waitForCloneStatus(clone.id, 'RUNNING', { timeout: 180_000 });
  await stack.subscribed(opened + 1);
  await waitForClone(stack, cloneRowId, (c) => c.progressPhase === 'cloning the image', 'the clone step');
  await stack.restartApi({ whileDown: () => waitForClone(stack, cloneRowId, (c) => c.status === 'RUNNING', 'RUNNING while the API is down') });
  // It reconnected and re-read the clone: RUNNING, reached during the gap, which no event will announce again.
  expect((await running).status).toBe('RUNNING');

  // A live feed across a second restart: its socket reconnects, subscribes again, and carries what follows.
  opened = stack.subscriptionsOpened();
  const feed = watcher.cloneStatusChanged({ cloneId: clone.id });
  const changes: CloneStatusChange[] = [];
  const reading = (async () => {
    for await (const change of feed) changes.push(change);
  })();
  await stack.subscribed(opened + 1);
  await stack.restartApi({ downtimeMs: 500 });
  await stack.subscribed(opened + 2); // the feed's subscription again, on the new server
  await operator.stopClone({ cloneId: clone.id });
  await eventually(async () => changes.some((c) => c.status === 'STOPPED'), { timeoutMs: 60_000, what: 'STOPPED on the reconnected feed' });
  expect(changes.at(-1)).toMatchObject({ status: 'STOPPED', clone: { id: clone.id, status: 'STOPPED' } });
  recordFigure(`API restarted twice under SDK subscribers: the wait saw RUNNING reached while down; the feed got ${changes.length} change(s) after reconnecting`);
  await feed.return?.();
  await reading;
});
