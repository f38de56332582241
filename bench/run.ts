// `npm run bench` (scripts/bench.mjs bootstraps, then runs this): starts what the benchmarks need
// (databases on the project's PostgreSQL, a Temporal dev server, vcsim), runs every benchmark of
// issue 16 with its baseline in the same run, and writes bench/RESULTS.md. `--quick` runs each
// one briefly (CI calls it so the benchmarks never rot); no figure ever fails the run.
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { decodeGlobalID } from '@pothos/plugin-relay';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import pg from 'pg';
import { WebSocket } from 'ws';
import { loadApiExposure } from '../infra/config.js';
import { notify } from '../infra/eventBus.js';
import { generatePassword } from '../infra/secrets.js';
import { openServices, cleanupStack } from '../infra/services.js';
import { seedDemo } from '../prisma/seed.js';
import { createDatabase, dropDatabase, migrateDeploy } from '../scripts/lib/db.mjs';
import { ensureTool } from '../scripts/lib/tools.mjs';
import { startApiServer } from '../server/app.js';
import { coalesceWrites } from '../server/yoga.js';
import type { AppServices } from '../server/context.js';
import type { CreatePrismaOptions } from '../prisma/client.js';
import { ensureSearchAttributes } from '../workflows/namespace.js';
import { connectToVcsim, startVcsim } from '../workflows/vsphere/testing/vcsim.js';
import { serveHello, serveRawFanOut, serveSqlPage, PAGE_SQL } from './baselines.js';
import { clearClones, insertClones, writeReferences, type References } from './data.js';
import { closeLoad, figures, interleaved, load, poster, type LoadOptions } from './load.js';
import { pageParts } from './parts.js';
import { PAGE_QUERY, ONE_ROW_QUERY, ME_QUERY, COUNT_QUERY, CREATE_CLONE, LOGIN } from './queries.js';
import { cpuWindow } from './cpu.js';
import { profiled, profiling } from './profile.js';
import { startProvisioningChildren } from './provisioning.js';
import { Report } from './report.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const quick = process.argv.includes('--quick');
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');
const runs = (name: string) => !only || only.includes(name);

/** How much of each benchmark to run: the full run stays within 15 minutes on 2 cores, --quick within 90 s. */
const PLAN = quick
  ? { sizes: [1000, 5000], page: { requests: 30, maxMs: 800 }, filter: { requests: 15, maxMs: 400 }, overhead: { requests: 100, maxMs: 700 }, parts: { blocks: 2, perBlock: 5 }, creates: 8, subscribers: [200], provision: 4, peer: { requests: 30, maxMs: 800 } }
  : { sizes: [1000, 10_000, 100_000], page: { requests: 400, maxMs: 8000 }, filter: { requests: 150, maxMs: 4000 }, overhead: { requests: 2000, maxMs: 6000 }, parts: { blocks: 8, perBlock: 25 }, creates: 60, subscribers: [1000, 10_000], provision: 50, peer: { requests: 400, maxMs: 8000 } };

// Narrowed runs for comparing one change (not what CI or RESULTS.md use): --sizes=1000,100000 --requests=100.
const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
if (arg('sizes')) PLAN.sizes = arg('sizes')!.split(',').map(Number);
if (arg('requests')) for (const o of [PLAN.page, PLAN.filter, PLAN.peer, PLAN.overhead]) o.requests = Number(arg('requests'));
if (arg('subscribers')) PLAN.subscribers = arg('subscribers')!.split(',').map(Number);

const POOL = 10;
const log = (line: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);
const at = (c: number, o: { requests: number; maxMs: number }): LoadOptions => ({ concurrency: c, requests: o.requests, maxMs: o.maxMs, warmup: 5 });

// A narrowed run writes beside the full run's results, never over them.
const narrowed = !!(only || arg('sizes') || arg('requests') || arg('subscribers'));
const RESULTS = join(ROOT, 'bench', quick ? 'RESULTS.quick.md' : narrowed ? 'RESULTS.narrowed.md' : 'RESULTS.md');

/** Runs one benchmark; a failure is reported in RESULTS.md (with what was measured so far) instead of ending the run. */
async function stage(report: Report, name: string, body: () => Promise<void>): Promise<void> {
  if (!runs(name)) return;
  try {
    await body();
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
    log(`${name} failed: ${message}`);
    report.note(`**${name} did not complete:** ${message.slice(0, 300)}`);
  }
  writeFileSync(RESULTS, report.render());
}

async function main() {
  const cleanups = cleanupStack();
  const report = new Report(quick);
  const logDir = join(ROOT, '.enclave', 'bench-logs', new Date().toISOString().replaceAll(':', '-'));
  mkdirSync(logDir, { recursive: true });
  try {
    // ---- the stack: a database for the list benchmarks, one for operations, Temporal, vcsim ----
    const server = new URL(process.env.DATABASE_URL!);
    const dbUrl = (name: string) => Object.assign(new URL(server), { pathname: `/${name}` }).toString();
    const tag = `${process.pid}_${randomBytes(2).toString('hex')}`;
    const listUrl = dbUrl(`enclave_bench_list_${tag}`);
    const opsUrl = dbUrl(`enclave_bench_ops_${tag}`);
    // The filters' small table: its own database and API, so the small and the large figure of
    // each filter are measured in alternating rounds (like the page and its baseline).
    const smallUrl = dbUrl(`enclave_bench_small_${tag}`);
    for (const url of [listUrl, opsUrl, ...(runs('filters') ? [smallUrl] : [])]) {
      await createDatabase(url);
      cleanups.push(() => dropDatabase(url));
      await migrateDeploy(url);
    }
    log('databases migrated');
    const temporalEnv = await TestWorkflowEnvironment.createLocal({
      server: { executable: { type: 'existing-path', path: ensureTool('temporal') }, ip: '127.0.0.1', log: { level: 'error', format: 'pretty' } },
    });
    cleanups.push(() => temporalEnv.teardown());
    await ensureSearchAttributes(temporalEnv.connection, 'default');
    const temporal = { address: temporalEnv.address, namespace: 'default', taskQueue: `bench-${tag}` };
    const secretKey = randomBytes(32).toString('base64');
    const settings = { databaseUrl: listUrl, temporal, secretKey, exposure: loadApiExposure({ NODE_ENV: 'production' }) };
    log(`Temporal dev server at ${temporal.address}`);

    /** A list database's API: its references written, the API started on it, an admin logged in. */
    const listApi = async (databaseUrl: string, prisma?: CreatePrismaOptions) => {
      const services = await openServices({ ...settings, databaseUrl }, { bus: true, temporalClient: true, ...(prisma ? { prisma } : {}) });
      cleanups.push(() => services.close());
      const password = generatePassword();
      const refs = await writeReferences(services.prisma, password);
      const app: AppServices = { prisma: services.prisma, temporal: services.temporal, bus: services.bus, settings };
      const api = await startApiServer(app, { host: '127.0.0.1', port: 0 });
      // Closed once its benchmarks are done, or by the cleanup when one failed (not twice).
      let closed: Promise<void> | undefined;
      const close = () => (closed ??= api.close());
      cleanups.push(close);
      const token = (await poster(api.url)({ query: LOGIN, variables: { username: 'admin', password } })).data.login.token as string;
      return { app, api, refs, token, gql: poster(api.url, { authorization: `Bearer ${token}` }), close };
    };

    // ---- list database: references, the API on it (its Prisma client counts queries) ----
    let queries = 0;
    const { app: listApp, api, refs, token, gql, close: closeApi } = await listApi(listUrl, { onQuery: () => void queries++ });
    const admin = new pg.Client({ connectionString: listUrl });
    await admin.connect();
    cleanups.push(() => admin.end());
    report.database = String((await admin.query('SELECT version()')).rows[0].version).split(' on ')[0]!;
    // The statistics states are the benchmark's to choose: no autovacuum analyzes behind its back.
    await admin.query(`ALTER TABLE "Clone" SET (autovacuum_enabled = false); ALTER TABLE "Machine" SET (autovacuum_enabled = false)`);
    const sqlPage = await serveSqlPage(listUrl, POOL);
    cleanups.push(() => sqlPage.close());
    const sql = poster(sqlPage.url);
    const hello = await serveHello();
    cleanups.push(() => hello.close());

    // The small table for the filters: the same references and clones as the list database at
    // the smallest size, with current statistics, served by an API of its own.
    let small: Awaited<ReturnType<typeof listApi>> | undefined;
    if (runs('filters')) {
      small = await listApi(smallUrl);
      const db = new pg.Client({ connectionString: smallUrl });
      await db.connect();
      try {
        await insertClones(db, small.refs, 1, PLAN.sizes[0]!);
        await db.query('ANALYZE');
      } finally {
        await db.end();
      }
    }

    const perRequest = async (send: () => Promise<void>) => {
      const before = queries;
      for (let i = 0; i < 10; i++) await send();
      return (queries - before) / 10;
    };

    // ---- 1. the Clones page at each size, stale statistics and current ----
    const pageVars = { first: 50, orderBy: { field: 'CREATED_AT', direction: 'DESC' } };
    const enclavePage = async () => void (await gql({ query: PAGE_QUERY, variables: pageVars }));
    const sqlPageSend = async () => void (await sql({ first: 50 }));
    const largest = PLAN.sizes[PLAN.sizes.length - 1]!;
    if (runs('page') || runs('filters') || runs('count') || runs('peer')) {
      for (const size of PLAN.sizes) {
        await clearClones(admin);
        await insertClones(admin, refs, 1, 5);
        await admin.query('ANALYZE "Clone"; ANALYZE "Machine"');
        await insertClones(admin, refs, 6, size);
        log(`${size} clones inserted (statistics from 5 rows)`);
        for (const state of ['stale', 'current'] as const) {
          if (state === 'current') await admin.query('ANALYZE');
          if (!runs('page')) continue;
          const plan = await explainTop(admin, PAGE_SQL.replace('$1', '50'));
          for (const c of [1, 10]) {
            // With --profile the profile holds the baseline's rounds too (its own code paths).
            const { base, mine } = await profiled(logDir, `page-${size}-${state}-c${c}`, () => interleaved({ base: sqlPageSend, mine: enclavePage }, at(c, PLAN.page)));
            report.page(size, state, c, mine, base, c === 1 ? await perRequest(enclavePage) : undefined);
            log(`page ${size} ${state} c=${c}: enclave p50 ${mine.p50.toFixed(1)} ms, sql p50 ${base.p50.toFixed(1)} ms`);
          }
          report.note(`Baseline SQL plan at ${size} (${state} statistics): ${plan}`);
          if (state === 'current') report.pageParts(size, await pageParts(listApp, sqlPage.pool, token, PLAN.parts));
        }
        // ---- 2. each filter at the largest size, alternating with the small table (current statistics) ----
        if (small && size === largest) {
          const smallSize = PLAN.sizes[0]!;
          const smallFilters = new Map(filters(small.refs, smallSize));
          const pageOf = (post: typeof gql, filter: Record<string, unknown> | undefined) => () => post({ query: PAGE_QUERY, variables: { ...pageVars, filter } });
          // The rows each page holds: a filter that matches fewer than 50 rows at the small size
          // returns a shorter page there, which is cheaper for that reason alone.
          const rowsOf = async (page: () => Promise<any>): Promise<number> => (await page()).data?.clones.edges.length ?? 0;
          for (const [name, filter] of [...filters(refs, size), ['(none)', undefined] as const]) {
            const smallPage = pageOf(small.gql, smallFilters.get(name));
            const largePage = pageOf(gql, filter);
            const f = await interleaved({ small: async () => void (await smallPage()), large: async () => void (await largePage()) }, at(1, PLAN.filter));
            report.filter(name, size, f.large, await rowsOf(largePage), { p50: f.small.p50, rows: await rowsOf(smallPage) }, smallSize);
            log(`filter ${name}: p50 ${f.small.p50.toFixed(1)} ms at ${smallSize}, ${f.large.p50.toFixed(1)} ms at ${size}`);
          }
          report.note(`The filters' ${smallSize.toLocaleString('en')}-clone figures come from a second database and API in the same process, measured in alternating rounds with the ${size.toLocaleString('en')}-clone ones.`);
        }
      }
      // ---- 3. totalCount at the largest size ----
      await stage(report, 'count', async () => {
        const count = await load(async () => void (await gql({ query: COUNT_QUERY })), at(1, PLAN.filter));
        const started = performance.now();
        for (let i = 0; i < 20; i++) await admin.query(`SELECT count(*) FROM "Clone" WHERE "deletedAt" IS NULL`);
        report.count(largest, count, (performance.now() - started) / 20);
      });
      // ---- 8. the peer: PostGraphile 5 over the same database ----
      await stage(report, 'peer', () => runPeer(report, listUrl, enclavePage, largest));
    }

    // ---- 4. per-request overhead: a one-row list and `me`, against yoga's hello ----
    await stage(report, 'overhead', async () => {
      const helloPost = poster(hello.url);
      for (const c of [1, 10]) {
        const { base, oneRow, me } = await profiled(logDir, `overhead-c${c}`, () =>
          interleaved(
            {
              base: async () => void (await helloPost({ query: '{ hello }' })),
              oneRow: async () => void (await gql({ query: ONE_ROW_QUERY })),
              me: async () => void (await gql({ query: ME_QUERY })),
            },
            at(c, PLAN.overhead),
          ),
        );
        report.overhead(c, base, oneRow, me);
        log(`overhead c=${c}: hello ${base.p50.toFixed(2)}, one row ${oneRow.p50.toFixed(2)}, me ${me.p50.toFixed(2)} ms`);
      }
      report.note(`SQL queries per request: one-row list ${await perRequest(async () => void (await gql({ query: ONE_ROW_QUERY })))}, me ${await perRequest(async () => void (await gql({ query: ME_QUERY })))}.`);
    });

    // ---- 6. subscription fan-out on the list API ----
    await stage(report, 'subscriptions', async () => {
      // Run alone (--only=subscriptions) the list database has no clone yet to change the status of.
      if ((await admin.query('SELECT 1 FROM "Clone" LIMIT 1')).rowCount === 0) await insertClones(admin, refs, 1, 1);
      for (const count of PLAN.subscribers) await fanOut(report, api, token, listApp, count, logDir);
    });
    await closeApi();

    // ---- 5 and 7: createClone and provisioning, on the ops database with vcsim and a worker ----
    if (runs('create') || runs('provision')) {
      try {
        await runOperations(report, { ...settings, databaseUrl: opsUrl }, logDir);
      } catch (error) {
        report.note(`**create/provision did not complete:** ${(error instanceof Error ? error.message.split('\n')[0]! : String(error)).slice(0, 300)}`);
      }
    }
  } finally {
    await closeLoad();
    await cleanups.close();
  }
  writeFileSync(RESULTS, report.render());
  log(`wrote ${RESULTS}`);
}

/** The filters of the Clones page at `size` clones, each as the page's `filter` argument. */
function filters(refs: References, size: number): Array<[string, Record<string, unknown>]> {
  return [
    ['name contains "77"', { name: '77' }],
    ['name contains one clone\'s number', { name: 'clone-000777' }],
    ['status in {RUNNING, STOPPED}', { status: ['RUNNING', 'STOPPED'] }],
    // Clone i was created i seconds after the epoch (bench/data.ts): the newest 10% of this size.
    ['created in the newest 10%', { createdAfter: new Date(Date.UTC(2026, 0, 1) + 0.9 * size * 1000).toISOString() }],
    ['created by one user', { createdById: gidOf('User', refs.users[1]!.id) }],
    ['primary machine', { primaryMachineId: gidOf('Machine', refs.primaryIds[2]!) }],
    ['configuration', { configurationId: gidOf('Configuration', refs.configurationIds[1]!) }],
    ['cpu 4–6', { cpu: { min: 4, max: 6 } }],
    ['ramGb ≥ 24', { ramGb: { min: 24 } }],
  ];
}

function gidOf(type: string, id: string) {
  return Buffer.from(`${type}:${id}`).toString('base64');
}

/** The top of a query's plan, on one line (what the planner chose). */
async function explainTop(db: pg.Client, query: string): Promise<string> {
  const { rows } = await db.query(`EXPLAIN ${query}`);
  return rows
    .slice(0, 4)
    .map((r) => String(r['QUERY PLAN']).trim().replace(/\s+\(cost=.*$/, ''))
    .join(' / ');
}

const now = () => performance.timeOrigin + performance.now();

async function fanOut(report: Report, api: { wsUrl: string }, token: string, app: AppServices, count: number, logDir: string) {
  let opened = 0;
  const subscribe = app.bus.subscribe.bind(app.bus);
  app.bus.subscribe = ((...args: Parameters<typeof subscribe>) => {
    opened++;
    return subscribe(...args);
  }) as typeof subscribe;
  // When the API wrote its last frame of a round (the rest of the delivery is the subscribers'
  // process reading): every socket's send, bound when its connection opens, goes through this.
  const send = WebSocket.prototype.send;
  let lastSend = 0;
  WebSocket.prototype.send = function (this: WebSocket, ...args: Parameters<typeof send>) {
    lastSend = now();
    return send.apply(this, args);
  } as typeof send;
  globalThis.gc?.();
  const before = process.memoryUsage();
  const child = fork(fileURLToPath(new URL('./subscribers.ts', import.meta.url)), [], { execArgv: [], stdio: 'inherit' });
  const reply = (want: string | null) =>
    new Promise<any>((resolve) => {
      const on = (m: any) => {
        if (want === null ? typeof m === 'object' : m === want) {
          child.off('message', on);
          resolve(m);
        }
      };
      child.on('message', on);
    });
  /**
   * Three rounds of one event to every subscriber: the delays of their receipts after the time
   * `publish` returns (when the event was committed, or began to be written).
   */
  const rounds = async (publish: (round: number) => Promise<number> | number) => {
    const delays: number[] = [];
    const written: number[] = [];
    let received = Infinity;
    let errors = 0;
    for (let round = 0; round < 3; round++) {
      child.send({ reset: true });
      await reply('reset');
      const t0 = await publish(round);
      child.send({ expect: count });
      const result = await reply(null);
      received = Math.min(received, result.receipts.length);
      errors += result.errors;
      delays.push(...result.receipts.map((t: number) => t - t0));
      written.push(lastSend - t0);
    }
    return { delays: figures(delays, 1), max: Math.max(...delays), written: figures(written, 1), received, errors };
  };
  const floor = await serveRawFanOut(coalesceWrites);
  try {
    const started = Date.now();
    child.send({ open: { url: api.wsUrl, token, count, perConnection: 20 } });
    await reply('opened');
    while (opened < count && Date.now() - started < 120_000) await new Promise((resolve) => setTimeout(resolve, 25));
    log(`${opened} of ${count} subscribers registered in ${Date.now() - started} ms`);
    globalThis.gc?.();
    const after = process.memoryUsage();
    const clone = await app.prisma.clone.findFirstOrThrow({ select: { id: true } });
    const commits: number[] = [];
    const enclave = await profiled(logDir, `fan-out-${count}`, () =>
      rounds(async (round) => {
        const status = round % 2 ? 'RUNNING' : 'STOPPED';
        const started = now();
        let committing = 0;
        await app.prisma.$transaction(async (tx) => {
          await tx.clone.update({ where: { id: clone.id }, data: { status } });
          await notify(tx, { topic: 'clone.status', cloneId: clone.id, status, failover: false, at: new Date().toISOString() });
          committing = now();
        });
        commits.push(committing - started);
        // The COMMIT is sent as the callback returns (PostgreSQL sends the NOTIFY at the commit).
        // The transaction's own return is no measure: the fan-out it set off may run before it.
        return committing;
      }),
    );
    // The floor, to the same subscriber process once its Enclave subscriptions are closed.
    child.send({ drop: true });
    await reply('dropped');
    child.send({ open: { url: floor.wsUrl, token, count, perConnection: 20 } });
    await reply('opened');
    while (floor.registered() < count) await new Promise((resolve) => setTimeout(resolve, 25));
    const raw = await rounds((round) => {
      const started = now();
      floor.publish(JSON.stringify({ data: { cloneStatusChanged: { status: round % 2 ? 'RUNNING' : 'STOPPED', failover: false, at: new Date().toISOString() } } }));
      return started;
    });
    report.fanOut(count, opened, enclave, raw, figures(commits, 1), {
      heapPerSubscriber: (after.heapUsed - before.heapUsed) / count,
      rssPerSubscriber: (after.rss - before.rss) / count,
    });
    log(`fan-out ${count}: least received ${enclave.received}, p99 ${enclave.delays.p99.toFixed(1)} ms (floor ${raw.delays.p99.toFixed(1)} ms)`);
  } finally {
    app.bus.subscribe = subscribe;
    WebSocket.prototype.send = send;
    child.send({ close: true });
    await new Promise((resolve) => child.once('exit', resolve));
    await floor.close();
  }
}

async function runOperations(report: Report, settings: { databaseUrl: string; temporal: { address: string; namespace: string; taskQueue: string }; secretKey: string; exposure: ReturnType<typeof loadApiExposure> }, logDir: string) {
  const cleanups = cleanupStack();
  try {
    // Enough hosts that the inventory has the capacity for every clone the benchmarks make.
    const hosts = Math.ceil((PLAN.provision + PLAN.creates) / 2) + 4; // vcsim hosts have 2 cores each
    const vcsim = await startVcsim({ binary: ensureTool('vcsim'), args: ['-host', String(hosts)] });
    cleanups.push(() => vcsim.stop());
    const vsphereClient = connectToVcsim(vcsim);
    const ops = await openServices(settings, { bus: true, temporalClient: true, vsphere: vsphereClient });
    cleanups.push(() => ops.close());
    const users = [{ username: 'admin', name: 'Bench Admin', role: 'GLOBAL_ADMIN' as const, password: generatePassword() }];
    const seed = await seedDemo(ops.prisma, vsphereClient, { users });
    const capacity = await vsphereClient.capacity();
    const app: AppServices = { prisma: ops.prisma, temporal: ops.temporal, bus: ops.bus, settings };
    const api = await startApiServer(app, { host: '127.0.0.1', port: 0 });
    cleanups.push(() => api.close());
    const token = (await poster(api.url)({ query: LOGIN, variables: { username: 'admin', password: users[0]!.password } })).data.login.token;
    const gql = poster(api.url, { authorization: `Bearer ${token}` });
    const input = (name: string) => ({
      name,
      description: 'bench',
      imageId: gidOf('VmImage', seed.imageIds[0]!),
      configurationId: gidOf('Configuration', seed.configurationIds[0]!),
      networkId: gidOf('Network', seed.networkIds[0]!),
      cpu: 1,
      ramGb: 1,
    });

    // ---- 7. provisioning: N clones at once, a worker and the lab guest simulator ----
    await stage(report, 'provision', async () => {
      // The worker and the lab guest simulator each in its own process, as `npm run dev` runs them.
      const children = await startProvisioningChildren({ ...settings, vcsim: { url: vcsim.url, username: vcsim.username, password: vcsim.password, thumbprintSha256: vcsim.thumbprintSha256 } }, { profileDir: profiling ? logDir : undefined });
      cleanups.push(() => children.stop());
      try {
        // One clone first, not measured: a worker that has just started loads its workflow code and
        // warms up on its first tasks, which a running worker has long done.
        const warmup = await gql({ query: CREATE_CLONE, variables: { input: input('prov-warmup') } });
        await settled(ops.prisma, [decodeGlobalID(warmup.data.createClone.id).id], Date.now() + 60_000);
        const cpu = cpuWindow(() => ({ 'bench (API)': process.pid, ...children.pids }));
        const started = now();
        const startedWall = Date.now();
        const answered: number[] = [];
        const created = await profiled(logDir, 'provision-create', () => Promise.all(
          Array.from({ length: PLAN.provision }, async (_, i) => {
            const answer = await gql({ query: CREATE_CLONE, variables: { input: input(`prov-${String(i).padStart(3, '0')}`) } });
            answered.push(now() - started);
            return answer;
          }),
        ));
        const ids: string[] = created.map((r) => decodeGlobalID(r.data.createClone.id).id);
        const doneAt = await settled(ops.prisma, ids, Date.now() + (quick ? 60_000 : 300_000));
        const used = cpu.end();
        const rows = await ops.prisma.clone.findMany({ where: { id: { in: ids } }, select: { id: true, status: true } });
        const statuses: Record<string, number> = {};
        for (const row of rows) statuses[row.status] = (statuses[row.status] ?? 0) + 1;
        const totals = ids.map((id) => (doneAt.get(id) ?? NaN) - started);
        const { calls, guestWaits } = await children.spans();
        const vsphereMs = new Map(calls);
        const waitsOf = (workflowId: string) => guestWaits.filter((w) => w.workflowId === workflowId).map((w) => w.span);
        const inVSphere = ids.map((id) => union(vsphereMs.get(`clone-${id}`) ?? []));
        const outside = ids.map((id) => union([...(vsphereMs.get(`clone-${id}`) ?? []), ...waitsOf(`clone-${id}`)]));
        const overhead = ids.map((_, i) => totals[i]! - outside[i]!);
        report.provisioning(
          PLAN.provision,
          statuses,
          figures(totals.filter(Number.isFinite), 1),
          figures(inVSphere, 1),
          figures(outside, 1),
          figures(overhead.filter(Number.isFinite), 1),
          capacity,
        );
        const phases = await Promise.all(ids.map(async (id) => historyPhases(ops.temporal, `clone-${id}`, startedWall)));
        report.provisioningPhases(figures(answered, 1), phases);
        report.provisioningCpu(PLAN.provision, used);
        // Where one clone's time went: its workflow history, event by event, in the bench's log directory.
        const median = `clone-${ids[Math.floor(ids.length / 2)]!}`;
        writeFileSync(join(logDir, 'provision-timeline.txt'), await timeline(ops.temporal, median));
        log(`the history of ${median}, with times: ${join(logDir, 'provision-timeline.txt')}`);
        log(`provisioning ${PLAN.provision}: ${JSON.stringify(statuses)}, overhead p50 ${figures(overhead.filter(Number.isFinite), 1).p50.toFixed(0)} ms`);
      } finally {
        const simulatorErrors = await children.stop();
        if (Object.keys(simulatorErrors).length) report.note(`The lab guest simulator's errors during provisioning: ${JSON.stringify(simulatorErrors)}`);
      }
    });

    // ---- 5. createClone round trip (no worker: the workflow is started, not run) ----
    await stage(report, 'create', async () => {
      let n = 0;
      const send = async () => void (await gql({ query: CREATE_CLONE, variables: { input: input(`create-${String(n++).padStart(4, '0')}`) } }));
      const f = await load(send, { concurrency: 1, requests: PLAN.creates, maxMs: 60_000, warmup: 3 });
      report.createClone(f);
      log(`createClone p50 ${f.p50.toFixed(1)} ms p99 ${f.p99.toFixed(1)} ms`);
      // The started workflows have no worker: end them.
      for (const row of await ops.prisma.clone.findMany({ where: { name: { startsWith: 'create-' } }, select: { id: true } })) {
        await ops.temporal.workflow.getHandle(`clone-${row.id}`).terminate('bench done').catch(() => undefined);
      }
    });
  } finally {
    await cleanups.close();
  }
}

/**
 * Waits until each clone is RUNNING or FAILED, or the deadline passes; returns when each was
 * first seen so (`now()`, polled every 100 ms).
 */
async function settled(prisma: AppServices['prisma'], ids: string[], deadline: number): Promise<Map<string, number>> {
  const doneAt = new Map<string, number>();
  while (doneAt.size < ids.length && Date.now() < deadline) {
    const rows = await prisma.clone.findMany({ where: { id: { in: ids }, status: { in: ['RUNNING', 'FAILED'] } }, select: { id: true } });
    for (const row of rows) if (!doneAt.has(row.id)) doneAt.set(row.id, now());
    if (doneAt.size < ids.length) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return doneAt;
}

/** A workflow's history events, each with its server time (ms) and kind (`<kind>EventAttributes`). */
async function historyOf(temporal: Client, workflowId: string) {
  const events = (await temporal.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
  return events.map((event) => ({
    event,
    at: Number(event.eventTime?.seconds ?? 0) * 1000 + (event.eventTime?.nanos ?? 0) / 1e6,
    kind: Object.keys(event).find((key) => key.endsWith('EventAttributes')) ?? '',
  }));
}

/** A workflow's history as lines of "ms since it started, event, activity or marker". */
async function timeline(temporal: Client, workflowId: string): Promise<string> {
  const events = await historyOf(temporal, workflowId);
  const start = events[0]?.at ?? 0;
  return events
    .map(({ event, at, kind }) => {
      const what = event.activityTaskScheduledEventAttributes?.activityType?.name ?? event.markerRecordedEventAttributes?.markerName ?? '';
      return `${(at - start).toFixed(0).padStart(7)} ${kind.replace('EventAttributes', '')} ${what}\n`;
    })
    .join('');
}

/**
 * Where a provisioning workflow's time went, from its history (server times): from the request
 * to the workflow's start, inside workflow tasks (the workflow code and its local activities),
 * and waiting between tasks (an activity or workflow task scheduled and not yet started, or a
 * completion not yet answered by the next workflow task).
 */
async function historyPhases(temporal: Client, workflowId: string, requestedAt: number) {
  const events = await historyOf(temporal, workflowId);
  let inWorkflowTasks = 0;
  let queued = 0;
  let last: { kind: string; at: number } | null = null;
  for (const { kind: k, at } of events) {
    if (k === 'workflowTaskCompletedEventAttributes' && last?.kind === 'workflowTaskStartedEventAttributes') inWorkflowTasks += at - last.at;
    if (k === 'workflowTaskStartedEventAttributes' || k === 'activityTaskStartedEventAttributes') {
      if (last && (last.kind.endsWith('ScheduledEventAttributes') || last.kind === 'activityTaskCompletedEventAttributes')) queued += at - last.at;
    }
    if (k === 'workflowTaskScheduledEventAttributes' && last?.kind === 'activityTaskCompletedEventAttributes') queued += at - last.at;
    last = { kind: k, at };
  }
  return { toStart: events[0] ? events[0].at - requestedAt : NaN, inWorkflowTasks, queued };
}

/** The total length of the union of time intervals. */
function union(spans: Array<[number, number]>): number {
  const sorted = [...spans].sort((a, b) => a[0] - b[0]);
  let total = 0;
  let end = -Infinity;
  for (const [s, e] of sorted) {
    if (e <= end) continue;
    total += e - Math.max(s, end);
    end = e;
  }
  return total;
}

async function runPeer(report: Report, databaseUrl: string, enclavePage: () => Promise<void>, size: number) {
  let peer: { url: string; close(): Promise<void> } | null = null;
  try {
    process.env.GRAPHILE_ENV ??= 'production';
    const started = performance.now();
    const { servePostGraphile } = await import('./peer.js');
    peer = await servePostGraphile(databaseUrl, POOL);
    log(`PostGraphile ready in ${(performance.now() - started).toFixed(0)} ms`);
  } catch (error) {
    report.peerUnavailable(error instanceof Error ? error.message.split('\n')[0]! : String(error));
    return;
  }
  try {
    const { PEER_PAGE_QUERY } = await import('./peer.js');
    const post = poster(peer.url);
    for (const c of [1, 10]) {
      const { theirs, mine } = await interleaved({ theirs: async () => void (await post({ query: PEER_PAGE_QUERY })), mine: enclavePage }, at(c, PLAN.peer));
      report.peer(size, c, mine, theirs);
      log(`peer c=${c}: enclave ${mine.rps.toFixed(0)} req/s, postgraphile ${theirs.rps.toFixed(0)} req/s`);
    }
  } finally {
    await peer.close();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);

