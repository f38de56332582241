// The Prometheus metrics (prom-client) every process exposes at /metrics: one registry per
// process, the metric definitions in one place, and the collector that reads the operational
// state (clones by status, standby lag, last snapshot per configuration) from PostgreSQL at each
// scrape. Labels are bounded sets only (schema field names, error codes, workflow, activity and
// vSphere method names, configuration and clone names): never an ID a client chose, a user or
// anything secret.
import client from 'prom-client';
import type { PrismaClient } from '../prisma/client.js';
import { exceedsRpo } from '../domain/failoverReadiness.js';

export const registry = new client.Registry();
client.collectDefaultMetrics({ register: registry });

/** Seconds: from a fast query to a slow vSphere clone or a long-lived entity workflow. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const LONG_BUCKETS = [0.1, 0.5, 1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 14_400, 86_400, 604_800];

// --- API ---
export const graphqlOperations = new client.Counter({
  name: 'enclave_graphql_operations_total',
  help: 'GraphQL operations executed, by type, root field and outcome (OK or the first error code)',
  labelNames: ['operation_type', 'root_field', 'outcome'] as const,
  registers: [registry],
});
export const graphqlDuration = new client.Histogram({
  name: 'enclave_graphql_operation_duration_seconds',
  help: 'Time to execute a GraphQL query or mutation (for subscriptions: to set it up)',
  labelNames: ['operation_type', 'root_field'] as const,
  buckets: LATENCY_BUCKETS,
  registers: [registry],
});
export const graphqlErrors = new client.Counter({
  name: 'enclave_graphql_errors_total',
  help: 'GraphQL errors returned, by root field and code (requests refused before execution count under root_field="(invalid)")',
  labelNames: ['root_field', 'code'] as const,
  registers: [registry],
});
export const subscriptionsOpen = new client.Gauge({
  name: 'enclave_graphql_subscriptions_open',
  help: 'Subscriptions currently open on this API replica, by root field',
  labelNames: ['root_field'] as const,
  registers: [registry],
});
export const loginFailures = new client.Counter({
  name: 'enclave_login_failures_total',
  help: 'Logins refused for a wrong username or password',
  registers: [registry],
});
export const rateLimitRefusals = new client.Counter({
  name: 'enclave_rate_limit_refusals_total',
  help: 'Requests refused with RATE_LIMITED, by what was limited (login, subscriptions per connection)',
  labelNames: ['limit'] as const,
  registers: [registry],
});

// --- worker ---
export const workflowRuns = new client.Counter({
  name: 'enclave_workflow_runs_total',
  help: 'Workflow runs that ended, by type and outcome (completed, failed, cancelled, continued_as_new)',
  labelNames: ['workflow_type', 'outcome'] as const,
  registers: [registry],
});
export const workflowDuration = new client.Histogram({
  name: 'enclave_workflow_run_duration_seconds',
  help: 'Duration of a workflow run (a clone workflow runs as long as its clone, up to a continue-as-new)',
  labelNames: ['workflow_type', 'outcome'] as const,
  buckets: LONG_BUCKETS,
  registers: [registry],
});
export const activityExecutions = new client.Counter({
  name: 'enclave_activity_executions_total',
  help: 'Activity attempts that ended, by type and outcome (completed, failed, cancelled)',
  labelNames: ['activity_type', 'outcome'] as const,
  registers: [registry],
});
export const activityDuration = new client.Histogram({
  name: 'enclave_activity_duration_seconds',
  help: 'Duration of one activity attempt',
  labelNames: ['activity_type', 'outcome'] as const,
  buckets: LONG_BUCKETS,
  registers: [registry],
});
export const vsphereCallDuration = new client.Histogram({
  name: 'enclave_vsphere_call_duration_seconds',
  help: 'vim25 SOAP round trips, by method and outcome (ok, the vSphere fault type, transport, timeout)',
  labelNames: ['method', 'outcome'] as const,
  buckets: LATENCY_BUCKETS,
  registers: [registry],
});
export const vsphereTaskDuration = new client.Histogram({
  name: 'enclave_vsphere_task_duration_seconds',
  help: 'vSphere tasks from the call that started them until they ended, by method and outcome (ok, error, timeout, cancelled)',
  labelNames: ['method', 'outcome'] as const,
  buckets: LONG_BUCKETS,
  registers: [registry],
});

/** The vSphere client's metrics seam (workflows/vsphere stays free of prom-client). */
export const vsphereMetrics = {
  call: (method: string, outcome: string, seconds: number) => vsphereCallDuration.observe({ method, outcome }, seconds),
  task: (method: string, outcome: string, seconds: number) => vsphereTaskDuration.observe({ method, outcome }, seconds),
};

// --- operational state, read from PostgreSQL at each scrape ---
const clonesByStatus = new client.Gauge({
  name: 'enclave_clones',
  help: 'Clones by status (DELETED included: soft-deleted records)',
  labelNames: ['status'] as const,
  registers: [],
});
const cloneStandbyLag = new client.Gauge({
  name: 'enclave_clone_standby_lag_seconds',
  help: 'Seconds since the state a clone holds was captured (clones not in failover that received a snapshot)',
  labelNames: ['configuration', 'clone'] as const,
  registers: [],
});
const configurationWorstLag = new client.Gauge({
  name: 'enclave_configuration_standby_lag_worst_seconds',
  help: "The largest standby lag among the configuration's clones",
  labelNames: ['configuration'] as const,
  registers: [],
});
const configurationNeverRestored = new client.Gauge({
  name: 'enclave_configuration_clones_never_restored',
  help: "The configuration's live clones that have not received a snapshot yet",
  labelNames: ['configuration'] as const,
  registers: [],
});
const configurationRpoTarget = new client.Gauge({
  name: 'enclave_configuration_rpo_target_seconds',
  help: "The configuration's RPO target: the standby lag its clones must stay within to be ready for failover",
  labelNames: ['configuration'] as const,
  registers: [],
});
const configurationBehindRpo = new client.Gauge({
  name: 'enclave_configuration_clones_behind_rpo',
  help: "The configuration's standby clones whose standby lag exceeds its RPO target",
  labelNames: ['configuration'] as const,
  registers: [],
});
const lastSnapshotAge = new client.Gauge({
  name: 'enclave_configuration_last_snapshot_age_seconds',
  help: 'Seconds since the configuration\'s newest finished snapshot started, by its result (DONE or FAILED)',
  labelNames: ['configuration', 'result'] as const,
  registers: [],
});
const lastSnapshotSuccess = new client.Gauge({
  name: 'enclave_configuration_last_snapshot_success',
  help: "1 when the configuration's newest finished snapshot is DONE, 0 when it FAILED",
  labelNames: ['configuration'] as const,
  registers: [],
});
const lastGoodSnapshotAge = new client.Gauge({
  name: 'enclave_configuration_last_good_snapshot_age_seconds',
  help: "Seconds since the configuration's newest DONE snapshot started",
  labelNames: ['configuration'] as const,
  registers: [],
});
const stateCollectionSuccess = new client.Gauge({
  name: 'enclave_state_collection_success',
  help: '1 when the last scrape read the clone and snapshot state from PostgreSQL, 0 when it could not',
  registers: [],
});
const STATE_GAUGES = [
  clonesByStatus,
  cloneStandbyLag,
  configurationWorstLag,
  configurationNeverRestored,
  configurationRpoTarget,
  configurationBehindRpo,
  lastSnapshotAge,
  lastSnapshotSuccess,
  lastGoodSnapshotAge,
];

/** Clones whose standby lag means something: they exist, are not the active system and are not being removed. */
const LIVE_STANDBY = ['PROVISIONING', 'STARTING', 'RUNNING', 'STOPPED', 'PAUSED', 'CRASHED'] as const;

const secondsSince = (at: Date, now: number) => Math.max(0, (now - at.getTime()) / 1000);

/** Reads the state gauges from the database; one read per scrape, a few indexed queries. */
export async function collectState(prisma: PrismaClient): Promise<void> {
  const now = Date.now();
  const [byStatus, clones, configurations, snapshots] = await Promise.all([
    prisma.clone.groupBy({ by: ['status'], _count: { _all: true } }),
    prisma.clone.findMany({
      where: { status: { in: [...LIVE_STANDBY] }, failover: false },
      select: { name: true, lastRestoredAt: true, configuration: { select: { name: true } } },
    }),
    prisma.configuration.findMany({ select: { id: true, name: true, rpoTargetSeconds: true } }),
    prisma.$queryRaw<Array<{ configurationId: string; status: 'DONE' | 'FAILED'; startedAt: Date; lastDone: Date | null }>>`
      SELECT DISTINCT ON (s."configurationId") s."configurationId", s.status::text AS status, s."startedAt",
        (SELECT max(d."startedAt") FROM "Snapshot" d WHERE d."configurationId" = s."configurationId" AND d.status = 'DONE') AS "lastDone"
      FROM "Snapshot" s
      WHERE s.status IN ('DONE', 'FAILED')
      ORDER BY s."configurationId", s."startedAt" DESC`,
  ]);
  for (const gauge of STATE_GAUGES) gauge.reset();
  for (const row of byStatus) clonesByStatus.set({ status: row.status }, row._count._all);

  const worst = new Map<string, number>();
  const never = new Map<string, number>();
  const behind = new Map<string, number>();
  const targets = new Map(configurations.map((c) => [c.name, c.rpoTargetSeconds]));
  for (const { name, rpoTargetSeconds } of configurations) {
    never.set(name, 0);
    behind.set(name, 0);
    configurationRpoTarget.set({ configuration: name }, rpoTargetSeconds);
  }
  const increment = (counts: Map<string, number>, key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
  for (const clone of clones) {
    const configuration = clone.configuration.name;
    if (!clone.lastRestoredAt) {
      increment(never, configuration);
      continue;
    }
    const lag = secondsSince(clone.lastRestoredAt, now);
    cloneStandbyLag.set({ configuration, clone: clone.name }, lag);
    worst.set(configuration, Math.max(worst.get(configuration) ?? 0, lag));
    if (exceedsRpo(Math.floor(lag), targets.get(configuration)!)) increment(behind, configuration);
  }
  for (const [configuration, lag] of worst) configurationWorstLag.set({ configuration }, lag);
  for (const [configuration, count] of never) configurationNeverRestored.set({ configuration }, count);
  for (const [configuration, count] of behind) configurationBehindRpo.set({ configuration }, count);

  const names = new Map(configurations.map((c) => [c.id, c.name]));
  for (const row of snapshots) {
    const configuration = names.get(row.configurationId);
    if (!configuration) continue;
    lastSnapshotAge.set({ configuration, result: row.status }, secondsSince(row.startedAt, now));
    lastSnapshotSuccess.set({ configuration }, row.status === 'DONE' ? 1 : 0);
    if (row.lastDone) lastGoodSnapshotAge.set({ configuration }, secondsSince(row.lastDone, now));
  }
}

/**
 * The exposition of `registry`, with the state gauges read from `prisma` when given (the API
 * serves them; the worker leaves them out so a scrape of both does not count clones twice).
 */
export async function renderMetrics(prisma?: PrismaClient): Promise<string> {
  if (!prisma) return registry.metrics();
  // A database outage must not take the process's own metrics with it: the state is left out
  // and enclave_state_collection_success says so.
  try {
    await collectState(prisma);
    stateCollectionSuccess.set(1);
  } catch {
    for (const gauge of STATE_GAUGES) gauge.reset();
    stateCollectionSuccess.set(0);
  }
  const state = client.Registry.merge([registry, stateRegistry()]);
  return state.metrics();
}

let state: client.Registry | undefined;
function stateRegistry(): client.Registry {
  if (!state) {
    state = new client.Registry();
    for (const gauge of [...STATE_GAUGES, stateCollectionSuccess]) state.registerMetric(gauge);
  }
  return state;
}

export const METRICS_CONTENT_TYPE = registry.contentType;
