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
  return figures(latencies, performance.now() - started);
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
