// bench/RESULTS.md: the machine, the date, every figure and each ratio to the baseline measured in
// the same run, against the targets of issue 16. Reports; never fails on numbers.
import { cpus, totalmem } from 'node:os';
import { figures, type Figures } from './load.js';
import type { PageParts, Part } from './parts.js';

const ms = (v: number) => (Number.isFinite(v) ? (v < 10 ? v.toFixed(2) : v.toFixed(1)) : '–');
const x = (v: number) => (Number.isFinite(v) ? `${v.toFixed(2)}×` : '–');
const ok = (pass: boolean) => (pass ? 'met' : '**not met**');

export class Report {
  private sections = new Map<string, string[]>();
  private notes: string[] = [];
  constructor(private quick: boolean) {}

  private add(section: string, header: string, row: string) {
    if (!this.sections.has(section)) this.sections.set(section, [header, header.replace(/[^|]+/g, '---')]);
    this.sections.get(section)!.push(row);
  }

  note(text: string) {
    this.notes.push(text);
  }

  page(size: number, state: string, c: number, mine: Figures, base: Figures, queries?: number) {
    const ratio = mine.p50 / base.p50;
    this.add(
      '1. Clones page (50 rows, every column and relation, CREATED_AT DESC)',
      '| clones | statistics | connections | Enclave p50 / p99 (ms) | Enclave req/s | SQL baseline p50 / p99 (ms) | baseline req/s | p50 ratio | target ≤ 1.5× | SQL queries per request |',
      `| ${size.toLocaleString('en')} | ${state} | ${c} | ${ms(mine.p50)} / ${ms(mine.p99)} | ${mine.rps.toFixed(0)} | ${ms(base.p50)} / ${ms(base.p99)} | ${base.rps.toFixed(0)} | ${x(ratio)} | ${ok(ratio <= 1.5)} | ${queries ?? ''} |`,
    );
  }

  pageParts(size: number, parts: PageParts) {
    const cell = (part: Part) => `${ms(part.cpuMs)} / ${ms(part.wallMs)}`;
    this.add(
      "1b. Where the Clones page's time goes (current statistics; in the bench process without HTTP, blocks of requests alternating; CPU of the process / wall time per request, ms)",
      "| clones | the SQL floor's query and its JSON | the page's Prisma calls and their JSON, without GraphQL | the whole page through Yoga | Prisma alone / floor, wall | page / floor, wall |",
      `| ${size.toLocaleString('en')} | ${cell(parts.floor)} | ${cell(parts.prisma)} (${parts.calls.join(', ')}) | ${cell(parts.page)} | ${x(parts.prisma.wallMs / parts.floor.wallMs)} | ${x(parts.page.wallMs / parts.floor.wallMs)} |`,
    );
  }

  filter(name: string, size: number, f: Figures, rows: number, small: { p50: number; rows: number }, smallSize: number) {
    const ratio = f.p50 / small.p50;
    this.add(
      '2. The page with each filter (current statistics, one connection)',
      `| filter | p50 at ${smallSize.toLocaleString('en')} (ms) | p50 / p99 at ${size.toLocaleString('en')} (ms) | rows on the page at ${smallSize.toLocaleString('en')} / ${size.toLocaleString('en')} | ratio | target ≤ 2× |`,
      `| ${name} | ${ms(small.p50)} | ${ms(f.p50)} / ${ms(f.p99)} | ${small.rows} / ${rows} | ${x(ratio)} | ${ok(ratio <= 2)} |`,
    );
  }

  count(size: number, f: Figures, sqlMs: number) {
    this.add(
      '3. totalCount',
      '| clones | `clones(first: 0) { totalCount }` p50 / p99 (ms) | the count in SQL alone (mean, ms) | target p50 ≤ 5 ms |',
      `| ${size.toLocaleString('en')} | ${ms(f.p50)} / ${ms(f.p99)} | ${ms(sqlMs)} | ${ok(f.p50 <= 5)} |`,
    );
  }

  overhead(c: number, hello: Figures, oneRow: Figures, me: Figures) {
    this.add(
      '4. Per-request overhead',
      '| connections | yoga "hello" p50 (ms), req/s | one-row list p50 (ms), req/s | ratio | `me` p50 (ms), req/s | ratio | target ≤ 3× |',
      `| ${c} | ${ms(hello.p50)}, ${hello.rps.toFixed(0)} | ${ms(oneRow.p50)}, ${oneRow.rps.toFixed(0)} | ${x(oneRow.p50 / hello.p50)} | ${ms(me.p50)}, ${me.rps.toFixed(0)} | ${x(me.p50 / hello.p50)} | ${ok(oneRow.p50 / hello.p50 <= 3 && me.p50 / hello.p50 <= 3)} |`,
    );
  }

  createClone(f: Figures) {
    this.add(
      '5. createClone round trip (validation, capacity check, row, event, workflow start)',
      '| requests | p50 (ms) | p99 (ms) | target p50 ≤ 100 ms |',
      `| ${f.n} | ${ms(f.p50)} | ${ms(f.p99)} | ${ok(f.p50 <= 100)} |`,
    );
  }

  fanOut(count: number, registered: number, enclave: FanOutRounds, floor: FanOutRounds, commit: Figures, memory: { heapPerSubscriber: number; rssPerSubscriber: number }) {
    const { delays } = enclave;
    this.add(
      '6. Subscription fan-out (one status change, 3 rounds; subscribers in a separate process, 20 per graphql-ws connection)',
      '| subscribers | registered | received (least of 3 rounds) | errors | the transaction up to its COMMIT p50 (ms) | delivery after the commit p50 / p99 / max (ms) | the API\'s last frame written after the commit, p50 (ms) | floor: raw frames to the same subscribers, after the first is written, p50 / p99 (ms) | p99 / floor | target: all, p99 ≤ 100 ms | API heap / RSS per subscriber |',
      `| ${count.toLocaleString('en')} | ${registered} | ${enclave.received} | ${enclave.errors} | ${ms(commit.p50)} | ${ms(delays.p50)} / ${ms(delays.p99)} / ${ms(enclave.max)} | ${ms(enclave.written.p50)} | ${ms(floor.delays.p50)} / ${ms(floor.delays.p99)} | ${x(delays.p99 / floor.delays.p99)} | ${ok(enclave.received === count && delays.p99 <= 100)} | ${(memory.heapPerSubscriber / 1024).toFixed(1)} KiB / ${(memory.rssPerSubscriber / 1024).toFixed(1)} KiB |`,
    );
  }

  provisioning(n: number, statuses: Record<string, number>, total: Figures, inVSphere: Figures, vsphereAndGuest: Figures, overhead: Figures, capacity: unknown) {
    const allRunning = statuses.RUNNING === n;
    this.add(
      '7. Provisioning on vcsim (clones created at once, after one of warm-up; the worker and the lab guest simulator each in its own process)',
      '| clones | outcome | request → RUNNING p50 / p99 (s) | inside vSphere calls p50 (s) | vSphere calls and guest waits p50 (s) | orchestration overhead p50 / p99 (s) | target: all RUNNING, overhead p50 ≤ 1 s |',
      `| ${n} | ${Object.entries(statuses).map(([s, k]) => `${k} ${s}`).join(', ')} | ${(total.p50 / 1000).toFixed(2)} / ${(total.p99 / 1000).toFixed(2)} | ${(inVSphere.p50 / 1000).toFixed(2)} | ${(vsphereAndGuest.p50 / 1000).toFixed(2)} | ${(overhead.p50 / 1000).toFixed(2)} / ${(overhead.p99 / 1000).toFixed(2)} | ${ok(allRunning && overhead.p50 <= 1000)} |`,
    );
    this.note(
      'Provisioning overhead is the time from the request to RUNNING outside vSphere calls and outside the guest waits (from the first to the last vSphere call of `waitForCloneGuest` and `waitForCustomization`: the guest booting and customizing, with the polls between); what is left is Temporal scheduling, database writes and the API.',
    );
    this.note(`vcsim inventory for provisioning: ${JSON.stringify(capacity)}`);
  }

  provisioningPhases(answered: Figures, phases: Array<{ toStart: number; inWorkflowTasks: number; queued: number }>) {
    const p50 = (values: number[]) => (figures(values.filter(Number.isFinite), 1).p50 / 1000).toFixed(2);
    this.add(
      '7. Provisioning: where each clone\'s time went outside vSphere (p50 over the clones, s; Temporal\'s event times)',
      '| clones | createClone answered p50 / p99 | request → workflow started | inside workflow tasks (workflow code and local activities) | tasks waiting in Temporal (scheduled → started, result → next workflow task) |',
      `| ${phases.length} | ${(answered.p50 / 1000).toFixed(2)} / ${(answered.p99 / 1000).toFixed(2)} | ${p50(phases.map((p) => p.toStart))} | ${p50(phases.map((p) => p.inWorkflowTasks))} | ${p50(phases.map((p) => p.queued))} |`,
    );
  }

  provisioningCpu(n: number, { wallSeconds, seconds }: { wallSeconds: number; seconds: Record<string, number> }) {
    const total = Object.values(seconds).reduce((a, b) => a + b, 0);
    const parts = Object.entries(seconds).sort((a, b) => b[1] - a[1]);
    this.add(
      '7. Provisioning: the CPU each process used, from the first request to the last clone RUNNING (/proc)',
      `| clones | wall (s) | cores busy | ${parts.map(([name]) => name).join(' | ')} | CPU per clone (s) |`,
      `| ${n} | ${wallSeconds.toFixed(1)} | ${(total / wallSeconds).toFixed(2)} of ${cpus().length} | ${parts.map(([, s]) => s.toFixed(1)).join(' | ')} | ${(total / n).toFixed(2)} |`,
    );
  }

  peer(size: number, c: number, mine: Figures, theirs: Figures) {
    this.add(
      '8. Peer: PostGraphile 5 over the same database, the same page',
      '| clones | connections | Enclave req/s (p50 ms) | PostGraphile req/s (p50 ms) | Enclave / peer throughput | target ≥ 1 |',
      `| ${size.toLocaleString('en')} | ${c} | ${mine.rps.toFixed(0)} (${ms(mine.p50)}) | ${theirs.rps.toFixed(0)} (${ms(theirs.p50)}) | ${x(mine.rps / theirs.rps)} | ${ok(mine.rps >= theirs.rps)} |`,
    );
  }

  peerUnavailable(reason: string) {
    this.add('8. Peer: PostGraphile 5', '| result |', `| not run: ${reason} |`);
  }

  render(): string {
    const cpu = cpus();
    const lines = [
      `# Benchmark results${this.quick ? ' (--quick: brief runs, figures indicative only)' : ''}`,
      '',
      `- Date: ${new Date().toISOString()}`,
      `- Machine: ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}, ${process.platform}/${process.arch}`,
      `- Database: ${this.database}`,
      '- Written by `npm run bench`' + (this.quick ? ' -- --quick' : '') + '; every ratio is to a baseline measured in this same run. Latencies are per request, measured by the bench process (which also serves the API and the baselines).',
      '',
    ];
    for (const [title, rows] of [...this.sections].sort(([a], [b]) => parseInt(a) - parseInt(b))) lines.push(`## ${title}`, '', ...rows, '');
    if (this.notes.length) lines.push('## Notes', '', ...this.notes.map((n) => `- ${n}`), '');
    return lines.join('\n');
  }

  database = '';
}

/** Three rounds of one event to every subscriber (bench/run.ts fanOut). */
export interface FanOutRounds {
  delays: Figures;
  max: number;
  /** When the server wrote its last frame of each round, after its reference time. */
  written: Figures;
  received: number;
  errors: number;
}
