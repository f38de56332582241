// The graphql-ws server's write coalescing on its own, with a stand-in for the TCP socket: the
// frames a connection is sent in one tick leave in one write, in order, and nothing waits longer
// than that tick. (The subscription tests run it for real.)
import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { coalesceWrites } from '../server/yoga.js';

function fakeSocket() {
  const log: string[] = [];
  let corks = 0;
  const tcp = {
    cork: () => void (corks++, log.push('cork')),
    uncork: () => void (corks--, log.push('uncork')),
  };
  const socket = { _socket: tcp, send: (data: string) => void log.push(`send ${data}${corks > 0 ? ' (corked)' : ''}`) };
  coalesceWrites(socket as unknown as WebSocket);
  return { socket: socket as unknown as WebSocket, log };
}

const tick = () => new Promise((resolve) => process.nextTick(resolve));

describe('graphql-ws write coalescing', () => {
  it('corks the socket at the first send of a tick and uncorks it on the next tick', async () => {
    const { socket, log } = fakeSocket();
    socket.send('a');
    socket.send('b');
    socket.send('c');
    expect(log).toEqual(['cork', 'send a (corked)', 'send b (corked)', 'send c (corked)']);
    await tick();
    expect(log.at(-1)).toBe('uncork');
    socket.send('d');
    await tick();
    expect(log.slice(5)).toEqual(['cork', 'send d (corked)', 'uncork']);
  });

  it('leaves a socket without a TCP socket alone', () => {
    const sent: string[] = [];
    const socket = { send: (data: string) => void sent.push(data) };
    const original = socket.send;
    coalesceWrites(socket as unknown as WebSocket);
    expect(socket.send).toBe(original);
  });
});
