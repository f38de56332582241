// Where the Clones page's time goes, measured apart in the bench process without HTTP: the SQL
// floor's one query and its JSON; the page's own Prisma calls and their JSON, replayed without
// GraphQL; and the whole page through Yoga in the process. Blocks of requests alternate between
// the three, so drift falls on all of them. The page's Prisma calls are recorded from one page
// request through a Prisma client extension, then replayed with the same arguments.
import type pg from 'pg';
import type { AppServices } from '../server/context.js';
import { createGraphQLHandler } from '../server/yoga.js';
import { PAGE_SQL } from './baselines.js';
import { PAGE_QUERY } from './queries.js';

export interface Part {
  /** CPU of the whole process per request, median of the blocks (ms). */
  cpuMs: number;
  /** Wall time per request, median of the blocks (ms). */
  wallMs: number;
}

export interface PageParts {
  floor: Part;
  prisma: Part;
  page: Part;
  /** The Prisma calls the page made (model.operation), in order. */
  calls: string[];
}

interface Call {
  model: string;
  operation: string;
  args: unknown;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export async function pageParts(app: AppServices, pool: pg.Pool, token: string, plan: { blocks: number; perBlock: number }): Promise<PageParts> {
  let recording: Call[] | null = null;
  const recorded = app.prisma.$extends({
    query: {
      $allModels: {
        $allOperations({ model, operation, args, query }) {
          recording?.push({ model, operation, args: structuredClone(args) });
          return query(args);
        },
      },
    },
  }) as unknown as AppServices['prisma'];
  const yoga = createGraphQLHandler({ ...app, prisma: recorded });
  const body = JSON.stringify({ query: PAGE_QUERY, variables: { first: 50, orderBy: { field: 'CREATED_AT', direction: 'DESC' } } });
  const page = async () => {
    const response = await yoga.fetch('http://bench/graphql', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body });
    const text = await response.text();
    if (!text.includes('"edges"')) throw new Error(`the page failed: ${text.slice(0, 300)}`);
  };
  await page(); // the session in the cache, the document in Yoga's caches
  recording = [];
  await page();
  const calls: Call[] = recording.filter((call) => call.model === 'Clone');
  recording = null;
  if (calls.length === 0) throw new Error('the page made no Prisma call on Clone');

  const delegate = (model: string) => (app.prisma as unknown as Record<string, Record<string, (args: unknown) => Promise<unknown>>>)[model[0]!.toLowerCase() + model.slice(1)]!;
  const sends = {
    floor: async () => void JSON.stringify((await pool.query(PAGE_SQL, [50])).rows),
    prisma: async () => {
      let rows: unknown;
      for (const call of calls) rows = await delegate(call.model)[call.operation]!(call.args);
      JSON.stringify(rows);
    },
    page,
  };
  const samples: Record<keyof typeof sends, { cpu: number[]; wall: number[] }> = { floor: { cpu: [], wall: [] }, prisma: { cpu: [], wall: [] }, page: { cpu: [], wall: [] } };
  const names = Object.keys(sends) as Array<keyof typeof sends>;
  for (const name of names) for (let i = 0; i < 5; i++) await sends[name](); // warm-up
  for (let block = 0; block < plan.blocks; block++) {
    for (const name of block % 2 ? names : [...names].reverse()) {
      const cpu = process.cpuUsage();
      const started = performance.now();
      for (let i = 0; i < plan.perBlock; i++) await sends[name]();
      const used = process.cpuUsage(cpu);
      samples[name].cpu.push((used.user + used.system) / 1000 / plan.perBlock);
      samples[name].wall.push((performance.now() - started) / plan.perBlock);
    }
  }
  const part = (name: keyof typeof sends): Part => ({ cpuMs: median(samples[name].cpu), wallMs: median(samples[name].wall) });
  return { floor: part('floor'), prisma: part('prisma'), page: part('page'), calls: calls.map((call) => `${call.model}.${call.operation}`) };
}
