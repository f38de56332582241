// A child process of the bench holding graphql-ws subscribers, so their memory and CPU are not
// the API process's. Told over IPC: { open: { url, token, count, perConnection } } → 'opened';
// { reset: true } → 'reset' (receipts cleared); { drop: true } → 'dropped' (every client closed); { expect: n } → sends back, once n events arrived (or after 30 s), every receipt time
// (performance.timeOrigin + now, ms). Node strips the types itself (no imports of our code).
import { performance } from 'node:perf_hooks';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

const clients: Client[] = [];
let receipts: number[] = [];
let errors = 0;
const now = () => performance.timeOrigin + performance.now();

async function open(url: string, token: string, count: number, perConnection: number) {
  const connections = Math.ceil(count / perConnection);
  for (let c = 0; c < connections; c++) {
    const client = createClient({ url, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0, lazy: false });
    clients.push(client);
    const n = Math.min(perConnection, count - c * perConnection);
    for (let s = 0; s < n; s++) {
      client.subscribe(
        { query: 'subscription { cloneStatusChanged { status failover at } }' },
        { next: () => void receipts.push(now()), error: () => void errors++, complete: () => undefined },
      );
    }
    // Let the connection's handshake go before the next, so the API is not hit by a thundering herd.
    if (c % 10 === 9) await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

process.on('message', async (message: any) => {
  if (message.open) {
    const { url, token, count, perConnection } = message.open;
    await open(url, token, count, perConnection);
    process.send!('opened');
  } else if (message.reset) {
    receipts = [];
    errors = 0;
    process.send!('reset');
  } else if (message.expect !== undefined) {
    const deadline = Date.now() + 30_000;
    while (receipts.length < message.expect && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    process.send!({ receipts, errors });
  } else if (message.drop) {
    await Promise.all(clients.splice(0).map((client) => client.dispose()));
    process.send!('dropped');
  } else if (message.close) {
    await Promise.all(clients.map((client) => client.dispose()));
    process.exit(0);
  }
});
