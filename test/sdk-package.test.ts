// The SDK as a package, without a stack: its generated code is current, it builds with one
// command, the build imports in a plain Node script, and its types reject misuse (tsc on
// sdk/test-types: usage.ts must pass, misuse.ts must fail on exactly its marked lines).
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = new URL('..', import.meta.url).pathname;

async function exec(command: string, args: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(command, args, { cwd: root, timeout: 120_000 });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : 1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

// Every later check works on the build.
beforeAll(async () => {
  const build = await exec('npm', ['run', '--silent', 'sdk:build']);
  expect(build.output).not.toMatch(/error TS/);
  expect(build.code).toBe(0);
});

describe('@enclave/sdk package', () => {
  it('has generated code that matches schema.graphql and the operation documents', async () => {
    const check = await exec('npm', ['run', '--silent', 'sdk:check']);
    expect(check.output).toContain('sdk/src/generated is current');
    expect(check.code).toBe(0);
  });

  it('imports from a plain Node script and reports an unreachable server as a network error', async () => {
    const script = `
      import { createClient, EnclaveError, EnclaveNetworkError } from '@enclave/sdk';
      const client = createClient({ url: 'http://127.0.0.1:1/graphql' });
      try { await client.me(); } catch (error) {
        console.log(error instanceof EnclaveNetworkError, error instanceof EnclaveError, typeof client.all.clones);
      }`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: root });
    expect(stdout.trim()).toBe('true false function');
  });

  // One tsc run over both files, the package's .d.ts checked too: misuse.ts must have an error
  // on exactly each line marked as a misuse, and no other file (usage.ts, the .d.ts) any error.
  it('accepts correct usage of its types and rejects each misuse', async () => {
    const result = await exec('npx', ['tsc', '-p', 'sdk/test-types/tsconfig.json']);
    const errors = [...result.output.matchAll(/^(\S+)\((\d+),\d+\): error TS/gm)].map((m) => ({ file: m[1], line: Number(m[2]) }));
    const marked = readFileSync(new URL('../sdk/test-types/misuse.ts', import.meta.url), 'utf8')
      .split('\n')
      .flatMap((line, index) => (line.includes('// misuse:') ? [index + 1] : []));

    expect(result.code).not.toBe(0);
    expect(errors.filter((e) => e.file !== 'sdk/test-types/misuse.ts')).toEqual([]);
    expect(marked.length).toBeGreaterThan(10);
    expect([...new Set(errors.map((e) => e.line))]).toEqual(marked);
  });
});
