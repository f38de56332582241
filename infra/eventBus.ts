// The cross-process event bus: PostgreSQL LISTEN/NOTIFY. Writers call `notify` inside the same
// transaction as the state change, so a message is delivered if and only if the change
// committed; every API replica holds one LISTEN connection and fans messages out to its
// subscriptions. Messages carry identifiers and the new state only (NOTIFY payloads are capped
// at 8000 bytes); subscribers read anything else from the database.
import pg from 'pg';

export const BUS_CHANNEL = 'enclave_events';

export type BusMessage =
  | { topic: 'clone.status'; cloneId: string; status: string; failover: boolean; at: string }
  | { topic: 'clone.event'; cloneId: string; eventId: string; type: string; at: string }
  | { topic: 'snapshot.status'; snapshotId: string; configurationId: string; status: string; at: string }
  /** An Operation was queued, or its status, phase or error changed. */
  | { topic: 'operation.changed'; operationId: string; cloneId: string; status: string; at: string }
  /** A session was logged out: its subscriptions end, on every replica. */
  | { topic: 'session.ended'; sessionId: string; userId: string }
  /** A user was disabled or given another role: their subscriptions are re-authorized. */
  | { topic: 'user.changed'; userId: string };

/**
 * Messages one subscription may hold that its consumer has not taken yet. A consumer that falls
 * this far behind is dropped (`SlowConsumerError`) rather than let the queue grow without bound.
 */
export const SUBSCRIPTION_QUEUE_LIMIT = 256;

/** Ends a subscription whose consumer did not keep up with its messages. */
export class SlowConsumerError extends Error {
  constructor(limit: number) {
    super(`the subscriber fell ${limit} messages behind and was dropped; subscribe again`);
    this.name = 'SlowConsumerError';
  }
}

export interface SubscribeOptions {
  /** The queue bound (default SUBSCRIPTION_QUEUE_LIMIT). */
  maxQueued?: number;
  /** Called once when the bound is passed, e.g. to close the consumer's connection. */
  onOverflow?: (error: SlowConsumerError) => void;
}

/** Anything that can run a parameterised statement: a Prisma client or transaction. */
export interface RawExecutor {
  $executeRaw(query: TemplateStringsArray, ...values: unknown[]): PromiseLike<number>;
}

export async function notify(db: RawExecutor, message: BusMessage): Promise<void> {
  await db.$executeRaw`SELECT pg_notify(${BUS_CHANNEL}, ${JSON.stringify(message)})`;
}

type Listener = (message: BusMessage) => void;

export interface BusLogger {
  warn(message: string): void;
}

export class PgEventBus {
  private client: pg.Client | undefined;
  private readonly listeners = new Set<Listener>();
  /** Ends each open iterator, so close() releases consumers waiting in next(). */
  private readonly finishers = new Set<() => void>();
  private closed = false;
  private reconnectDelayMs = 250;
  private connections = 0;

  constructor(
    private readonly connectionString: string,
    private readonly logger: BusLogger = console,
  ) {}

  /** True while the LISTEN connection is up (readiness: subscriptions get their messages). */
  get listening(): boolean {
    return this.client !== undefined && !this.closed;
  }

  /**
   * Which LISTEN connection is up: it changes at every reconnect. Anything kept because "the bus
   * would have said if it changed" is good only for the epoch it was kept in, since messages sent
   * while the connection was down are lost.
   */
  get epoch(): number {
    return this.connections;
  }

  /** Calls `listener` with every message, in order, until the returned function is called. */
  onMessage(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async start(): Promise<void> {
    const client = new pg.Client({ connectionString: this.connectionString });
    client.on('notification', (n) => {
      if (n.channel !== BUS_CHANNEL || !n.payload) return;
      let message: BusMessage;
      try {
        message = JSON.parse(n.payload) as BusMessage;
      } catch {
        this.logger.warn('event bus: ignored a malformed payload');
        return;
      }
      for (const listener of this.listeners) listener(message);
    });
    // A dropped LISTEN connection is re-opened; messages sent while it was down are lost, which
    // subscribers tolerate because every message only says "re-read this object".
    client.on('error', (error) => this.logger.warn(`event bus connection error: ${error.message}`));
    client.on('end', () => {
      if (this.client === client) this.client = undefined;
      if (!this.closed) this.scheduleReconnect();
    });
    await client.connect();
    await client.query(`LISTEN ${BUS_CHANNEL}`);
    this.connections++;
    this.client = client;
    this.reconnectDelayMs = 250;
  }

  private scheduleReconnect(): void {
    const delay = this.reconnectDelayMs;
    this.reconnectDelayMs = Math.min(delay * 2, 10_000);
    setTimeout(() => {
      if (this.closed) return;
      this.start().catch((error: Error) => {
        this.logger.warn(`event bus reconnect failed: ${error.message}`);
        this.scheduleReconnect();
      });
    }, delay).unref();
  }

  /**
   * Messages matching `filter`, as an async iterator that ends when the consumer stops
   * (`return()`, e.g. a closed subscription) or the bus closes.
   */
  subscribe<T extends BusMessage>(filter: (message: BusMessage) => message is T, options?: SubscribeOptions): AsyncIterableIterator<T>;
  subscribe(filter: (message: BusMessage) => boolean, options?: SubscribeOptions): AsyncIterableIterator<BusMessage>;
  subscribe(filter: (message: BusMessage) => boolean, options: SubscribeOptions = {}): AsyncIterableIterator<BusMessage> {
    const maxQueued = options.maxQueued ?? SUBSCRIPTION_QUEUE_LIMIT;
    const queue: BusMessage[] = [];
    let wake: ((result: IteratorResult<BusMessage>) => void) | undefined;
    let done = false;
    let overflow: SlowConsumerError | undefined;
    const listener: Listener = (message) => {
      if (!filter(message)) return;
      if (wake) {
        const resolve = wake;
        wake = undefined;
        resolve({ value: message, done: false });
      } else if (queue.length < maxQueued) {
        queue.push(message);
      } else {
        // Too far behind: stop listening and drop what is queued; the next read reports it.
        overflow = new SlowConsumerError(maxQueued);
        this.listeners.delete(listener);
        queue.length = 0;
        options.onOverflow?.(overflow);
      }
    };
    this.listeners.add(listener);
    const finish = (): Promise<IteratorResult<BusMessage>> => {
      done = true;
      this.listeners.delete(listener);
      this.finishers.delete(finish);
      queue.length = 0;
      wake?.({ value: undefined, done: true });
      wake = undefined;
      return Promise.resolve({ value: undefined, done: true });
    };
    this.finishers.add(finish);
    return {
      next: () => {
        if (overflow && !done) {
          const error = overflow;
          void finish();
          return Promise.reject(error);
        }
        if (queue.length > 0) return Promise.resolve({ value: queue.shift()!, done: false });
        if (done || this.closed) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => (wake = resolve));
      },
      return: finish,
      throw: (error: unknown) => finish().then(() => Promise.reject(error)),
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const finish of [...this.finishers]) finish();
    const client = this.client;
    this.client = undefined;
    await client?.end();
  }
}
