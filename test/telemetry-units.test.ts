// The pure parts of observability: the logger's redaction and context fields, the operation
// description metrics are labelled with, and the dev stack's banner naming where metrics are.
import { Writable } from 'node:stream';
import { parse } from 'graphql';
import { describe, expect, it, vi } from 'vitest';
import { configureLogger, createLogger, loadLoggerSettings, logger as processLogger, withLogContext } from '../infra/logger.js';
import { devStackBanner } from '../scripts/lib/banner.js';
import { describeOperation } from '../server/observability.js';
import { yogaLogger } from '../server/yoga.js';

function capture(level = 'debug') {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, stream, logger: createLogger('unit', { level, format: 'json' }, stream) };
}

describe('logger', () => {
  it('writes JSON lines with the service, level name and the request or workflow context', () => {
    const { lines, logger } = capture();
    withLogContext({ requestId: 'req-1' }, () => logger.info({ cloneId: 'c1' }, 'hello'));
    withLogContext({ workflowId: 'clone-1', activityType: 'powerOnCloneVm' }, () => logger.warn('inside an activity'));
    const [first, second] = lines.map((line) => JSON.parse(line));
    expect(first).toMatchObject({ level: 'info', service: 'unit', requestId: 'req-1', cloneId: 'c1', msg: 'hello' });
    expect(second).toMatchObject({ level: 'warn', workflowId: 'clone-1', activityType: 'powerOnCloneVm' });
  });

  it('redacts secret fields at the top level and nested', () => {
    const { lines, logger } = capture();
    logger.info(
      { password: 'p4ss-top', user: { password: 'p4ss-nested', token: 't0ken' }, request: { headers: { authorization: 'Bearer abc' } }, rdpPassword: 'rdp-secret' },
      'login',
    );
    const text = lines.join('');
    for (const secret of ['p4ss-top', 'p4ss-nested', 't0ken', 'Bearer abc', 'rdp-secret']) expect(text).not.toContain(secret);
    expect(text).toContain('[redacted]');
  });

  it('refuses an unknown format or level', () => {
    expect(() => loadLoggerSettings({ LOG_FORMAT: 'xml' })).toThrow(/LOG_FORMAT must be json or pretty/);
    expect(() => loadLoggerSettings({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL must be one of/);
    expect(loadLoggerSettings({})).toEqual({ level: 'info', format: 'json' });
  });
});

describe("yoga's log lines", () => {
  it('go through the process logger as component graphql; a line below its level is dropped at once, and one child logger serves every line', () => {
    // This file's process logger (each test file runs in its own process).
    const quiet = capture('info');
    configureLogger('unit', { level: 'info', format: 'json' }, quiet.stream);
    const child = vi.spyOn(processLogger, 'child');
    const yoga = yogaLogger();
    yoga.debug('Processing GraphQL Parameters');
    yoga.debug('Processing GraphQL Parameters done.');
    expect(quiet.lines).toEqual([]);
    expect(child).not.toHaveBeenCalled();
    yoga.warn('first');
    yoga.error(new Error('second'));
    expect(child).toHaveBeenCalledTimes(1);
    expect(quiet.lines.map((line) => JSON.parse(line))).toMatchObject([
      { level: 'warn', service: 'unit', component: 'graphql', msg: 'first' },
      { level: 'error', service: 'unit', component: 'graphql', msg: 'second' },
    ]);

    // A logger configured afterwards is the one written to, at its own level.
    const verbose = capture('debug');
    configureLogger('unit-2', { level: 'debug', format: 'json' }, verbose.stream);
    yoga.debug('after');
    expect(verbose.lines.map((line) => JSON.parse(line))).toMatchObject([{ level: 'debug', service: 'unit-2', component: 'graphql', msg: 'after' }]);
    expect(quiet.lines).toHaveLength(2);
  });
});

describe('operation labels', () => {
  it('name the operation type and first root field, never the client-chosen operation name', () => {
    expect(describeOperation(parse('mutation AnyNameAtAll { createClone(input: {}) { id } }'))).toEqual({ type: 'mutation', rootField: 'createClone' });
    expect(describeOperation(parse('query A { me { id } } query B { clones { totalCount } }'), 'B')).toEqual({ type: 'query', rootField: 'clones' });
    expect(describeOperation(parse('query A { me { id } } query B { clones { totalCount } }'))).toEqual({ type: 'unknown', rootField: '(none)' });
  });
});

describe('the dev stack banner', () => {
  it('says where the metrics, health and traces of the API and the worker are', () => {
    const banner = devStackBanner({ ports: { api: 4000, temporalUi: 8233, worker: 4001 }, vcsimUrl: 'https://127.0.0.1:8989/sdk', users: [], env: {} });
    expect(banner).toContain('http://127.0.0.1:4000/metrics');
    expect(banner).toContain('http://127.0.0.1:4001/metrics');
    expect(banner).toContain('http://127.0.0.1:4000/readyz');
    expect(banner).toContain('traces                  off');
    const traced = devStackBanner({ ports: { api: 1, temporalUi: 2, worker: 3 }, vcsimUrl: '', users: [], env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' } });
    expect(traced).toContain('exported over OTLP to http://collector:4318');
  });
});

describe('the Grafana dashboard', () => {
  it('queries only metrics Enclave exports', async () => {
    const { readFileSync } = await import('node:fs');
    const dashboard = JSON.parse(readFileSync(new URL('../ops/grafana/enclave.json', import.meta.url), 'utf8')) as { panels: Array<{ targets?: Array<{ expr: string }> }> };
    const defined = new Set([...readFileSync(new URL('../infra/metrics.ts', import.meta.url), 'utf8').matchAll(/name: '(enclave_\w+)'/g)].map((m) => m[1]));
    const used = dashboard.panels.flatMap((panel) => panel.targets ?? []).flatMap((target) => [...target.expr.matchAll(/\benclave_\w+/g)].map((m) => m[0]));
    expect(used.length).toBeGreaterThan(20);
    const base = (name: string) => name.replace(/_(bucket|count|sum)$/, '');
    expect(used.map(base).filter((name) => !defined.has(name))).toEqual([]);
  });
});
