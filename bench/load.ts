// Load generation and latency figures for the benchmarks: a fixed number of requests (or a fixed
// time) at a given concurrency, timed with the monotonic clock; percentiles over every request.
import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';

export interface Figures {
  n: number;
  p50: number;
  p99: number;
  mean: number;
  /** Requests per second over the whole run. */
  rps: number;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export function figures(latencies: number[], elapsedMs: number): Figures {
  const sorted = [...latencies].sort((a, b) => a - b);
  const sum = sorted.reduce((a, b) => a + b, 0);
  return { n: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), mean: sum / sorted.length, rps: (sorted.length / elapsedMs) * 1000 };
}

export interface LoadOptions {
  concurrency: number;
  /** Stop after this many requests or this long, whichever first. */
  requests: number;
  maxMs: number;
  /** Requests sent (and thrown away) first, one at a time. */
  warmup: number;
}

/** Runs `send` under load; every call must resolve (a rejection aborts the benchmark). */
export async function load(send: () => Promise<void>, options: LoadOptions): Promise<Figures> {
  for (let i = 0; i < options.warmup; i++) await send();
  const { latencies, elapsedMs } = await timed(send, options);
  return figures(latencies, elapsedMs);
}

/** `options.requests` calls of `send` (or fewer, at `options.maxMs`) over `options.concurrency` lanes. */
async function timed(send: () => Promise<void>, options: LoadOptions): Promise<{ latencies: number[]; elapsedMs: number }> {
  const latencies: number[] = [];
  const started = performance.now();
  let issued = 0;
  const lane = async () => {
    while (issued < options.requests && performance.now() - started < options.maxMs) {
      issued++;
      const t0 = performance.now();
      await send();
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, lane));
  return { latencies, elapsedMs: performance.now() - started };
}

/**
 * Runs each of `sends` under the same load, in alternating rounds (a, b, c, a, b, c, ...), and
 * returns each one's figures over all its rounds. A baseline measured in one block and the
 * benchmark in the next meet different machines when the machine's speed drifts (on this shared
 * 2-core machine the SQL floor moved between 3 and 8 ms from run to run); alternating every
 * `requests / rounds` requests gives both the same drift. Fewer rounds when a round would give
 * each lane under 5 requests: a round's throughput counts its ramp-down, when lanes run out.
 */
export async function interleaved<K extends string>(sends: Record<K, () => Promise<void>>, options: LoadOptions, maxRounds = 4): Promise<Record<K, Figures>> {
  const names = Object.keys(sends) as K[];
  const rounds = Math.max(1, Math.min(maxRounds, Math.floor(options.requests / (options.concurrency * 5))));
  for (const name of names) for (let i = 0; i < options.warmup; i++) await sends[name]();
  const runs = new Map<K, Array<{ latencies: number[]; elapsedMs: number }>>(names.map((name) => [name, []]));
  const each = { ...options, warmup: 0, requests: Math.max(1, Math.ceil(options.requests / rounds)), maxMs: options.maxMs / rounds };
  for (let round = 0; round < rounds; round++) {
    for (const name of names) runs.get(name)!.push(await timed(sends[name], each));
  }
  return Object.fromEntries(
    names.map((name) => {
      const parts = runs.get(name)!;
      return [name, figures(parts.flatMap((part) => part.latencies), parts.reduce((sum, part) => sum + part.elapsedMs, 0))];
    }),
  ) as Record<K, Figures>;
}

const agent = new Agent({ connections: 64, pipelining: 1, keepAliveTimeout: 30_000 });

/** A client for one HTTP endpoint: POST JSON, expect 200 and JSON without `errors`. */
export function poster(url: string, headers: Record<string, string> = {}) {
  return async (body: unknown): Promise<any> => {
    const response = await request(url, {
      method: 'POST',
      dispatcher: agent,
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    const text = await response.body.text();
    if (response.statusCode !== 200) throw new Error(`${url}: HTTP ${response.statusCode}: ${text.slice(0, 300)}`);
    const json = JSON.parse(text);
    if (json?.errors) throw new Error(`${url}: ${JSON.stringify(json.errors).slice(0, 500)}`);
    return json;
  };
}

export async function closeLoad(): Promise<void> {
  await agent.close();
}
