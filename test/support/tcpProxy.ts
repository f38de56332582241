// A TCP proxy a fault test puts between a process and a server (vcsim, PostgreSQL): it passes
// bytes through untouched (TLS stays end to end) until the test cuts it: `cut()` resets every
// open connection and every new one until `restore()`; `delayMs` makes each chunk late.
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  /** The proxy's port on 127.0.0.1. */
  port: number;
  /** Resets open connections and refuses (accepts, then resets) new ones: the server is unreachable. */
  cut(): void;
  restore(): void;
  /** Delay added to every chunk in both directions (0: none). */
  delayMs: number;
  /** Connections accepted, and refused while cut, so far. */
  readonly stats: { accepted: number; refused: number };
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const open = new Set<Socket>();
  let isCut = false;
  const stats = { accepted: 0, refused: 0 };
  const proxy: Partial<TcpProxy> = { delayMs: 0 };

  const pipe = (from: Socket, to: Socket) => {
    from.on('data', (chunk) => {
      const send = () => {
        if (!to.destroyed) to.write(chunk);
      };
      if (proxy.delayMs) {
        from.pause();
        setTimeout(() => {
          send();
          from.resume();
        }, proxy.delayMs);
      } else send();
    });
    from.on('end', () => to.end());
    from.on('close', () => to.destroy());
    from.on('error', () => to.destroy());
  };

  const server: Server = createServer((client) => {
    if (isCut) {
      stats.refused++;
      client.resetAndDestroy();
      return;
    }
    stats.accepted++;
    const upstream = createConnection(target);
    open.add(client).add(upstream);
    client.on('close', () => open.delete(client));
    upstream.on('close', () => open.delete(upstream));
    pipe(client, upstream);
    pipe(upstream, client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });

  return Object.assign(proxy, {
    port: (server.address() as { port: number }).port,
    stats,
    cut() {
      isCut = true;
      for (const socket of open) socket.resetAndDestroy();
      open.clear();
    },
    restore() {
      isCut = false;
    },
    close() {
      for (const socket of open) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  }) as TcpProxy;
}
