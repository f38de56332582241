#!/usr/bin/env node
// `npm run sdk:check`: regenerates the SDK's generated code into a temporary directory and fails
// if it differs from the committed sdk/src/generated (run `npm run sdk:codegen` to update it).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const committed = join(root, 'sdk/src/generated');
const fresh = mkdtempSync(join(tmpdir(), 'enclave-sdk-codegen-'));
try {
  execFileSync('npx', ['graphql-codegen', '--config', 'codegen.ts', '--silent'], {
    cwd: root,
    env: { ...process.env, SDK_CODEGEN_OUT: fresh },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const names = new Set([...readdirSync(committed), ...readdirSync(fresh)]);
  const stale = [...names].filter((name) => {
    const read = (dir) => {
      try {
        return readFileSync(join(dir, name), 'utf8');
      } catch {
        return undefined;
      }
    };
    return read(committed) !== read(fresh);
  });
  if (stale.length) {
    console.error(`sdk/src/generated is stale (${stale.join(', ')}): run \`npm run sdk:codegen\` and commit the result.`);
    process.exit(1);
  }
  console.log('sdk/src/generated is current.');
} finally {
  rmSync(fresh, { recursive: true, force: true });
}
