// A clone's life through the SDK: log in, create a clone, wait until it is RUNNING, check that it
// is ready for failover, fail over to it (the primary is fenced), fail back (the failover state is
// carried to the primary, which is powered on again), then delete it and wait until it is DELETED.
// Each request answers with its Operation, which the example follows to its end
// (`waitForOperation`: a FAILED operation throws with its reason).
//
// Against the local stack (`npm run dev` in the repository):
//   npx tsx sdk/examples/failover-roundtrip.ts
// It logs in as ENCLAVE_USERNAME (default admin) with ENCLAVE_PASSWORD, or with the password the
// dev stack keeps in .enclave/dev-state.json; ENCLAVE_URL defaults to http://127.0.0.1:4000/graphql.
// A clone is ready once it received a snapshot of the primary (the configuration's schedule takes
// one every hour in the dev stack); ENCLAVE_FORCE_FAILOVER=1 fails over before that, recorded as forced.
//
// In the repository the SDK is imported from its source; in your project import '@enclave/sdk'.
import { readFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import WebSocket from 'ws';
import { createClient, EnclaveError, type Clone } from '../src/index.js';

export interface RoundtripOptions {
  url: string;
  username: string;
  password: string;
  /** Milliseconds to wait for each state (default 20 minutes: real vSphere provisioning takes 10–15). */
  timeout?: number;
  log?: (line: string) => void;
  /** Fail over although the clone is not ready (default false); the operation is recorded as forced. */
  force?: boolean;
}

/** Runs the round trip and returns the clone as it ended (DELETED). */
export async function main(options: RoundtripOptions): Promise<Clone> {
  const log = options.log ?? console.log;
  const timeout = options.timeout ?? 20 * 60_000;

  const { token, user } = await createClient({ url: options.url }).login({ username: options.username, password: options.password });
  log(`logged in as ${user.username} (${user.role})`);
  // Node 20 has no global WebSocket, so subscriptions get the `ws` package's.
  const client = createClient({ url: options.url, token, webSocketImpl: WebSocket });
  try {
    const [images, networks, configurations, resources] = await Promise.all([
      client.vmImages(),
      client.networks(),
      client.configurations({ first: 1 }),
      client.resources(),
    ]);
    const image = images[0];
    const network = networks.find((n) => n.name === 'VM Network') ?? networks[0];
    const configuration = configurations.edges[0]?.node;
    if (!image || !network || !configuration) throw new Error('the stack has no image, network or configuration yet');
    log(`free capacity: ${resources?.cpuCores.available ?? '?'} cores, ${resources?.ramGb.available ?? '?'} GB`);

    const created = await client.createClone({
      input: {
        name: `SDK roundtrip ${randomBytes(3).toString('hex')}`,
        description: `standby of ${configuration.primaryMachine.name}, made by the SDK example`,
        imageId: image.id,
        configurationId: configuration.id,
        networkId: network.id,
        cpu: 1,
        ramGb: 1,
      },
    });
    log(`created ${created.name} (${created.id}): ${created.status}`);

    try {
      const running = await client.waitForCloneStatus(created.id, 'RUNNING', { timeout });
      log(`${running.name} is RUNNING on ${running.machine?.name} at ${running.machine?.guestIp ?? 'no IP yet'}`);

      const readiness = await client.failoverReadiness({ cloneId: created.id });
      if (!readiness?.ready) {
        const why = readiness?.reasons.join('; ') ?? 'the clone is gone';
        if (!options.force || !readiness?.overridable) throw new Error(`${running.name} is not ready for failover: ${why}`);
        log(`not ready (${why}); forcing the failover`);
      } else {
        log(`ready for failover: standby lag ${readiness.standbyLagSeconds} s within the RPO target of ${readiness.rpoTargetSeconds} s`);
      }

      const failover = await client.startFailover({ cloneId: created.id, force: options.force ?? false });
      const started = await client.waitForOperation(failover.currentOperation!.id, { timeout });
      log(`failed over: ${running.name} is the active system (${started.type} ${started.status}, primary fenced)`);
      const failback = await client.endFailover({ cloneId: created.id });
      const ended = await client.waitForOperation(failback.currentOperation!.id, { timeout });
      log(`failed back to ${running.primaryMachine.name}: the failover state was restored onto it and it runs (${ended.type} ${ended.status})`);
    } finally {
      // Delete even when provisioning failed, so the example leaves nothing behind.
      const deleting = await client.deleteClone({ cloneId: created.id });
      log(`deleting ${created.name}`);
      if (deleting.currentOperation) await client.waitForOperation(deleting.currentOperation.id, { timeout });
    }
    const deleted = await client.waitForCloneStatus(created.id, 'DELETED', { timeout });
    log(`${deleted.name} is DELETED`);
    return deleted;
  } finally {
    await client.close();
  }
}

async function passwordFromDevStack(username: string): Promise<string> {
  const path = new URL('../../.enclave/dev-state.json', import.meta.url);
  const state = JSON.parse(await readFile(path, 'utf8')) as { users: Array<{ username: string; password: string }> };
  const user = state.users.find((u) => u.username === username);
  if (!user) throw new Error(`no ${username} in ${path.pathname}`);
  return user.password;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const username = process.env.ENCLAVE_USERNAME ?? 'admin';
  main({
    url: process.env.ENCLAVE_URL ?? 'http://127.0.0.1:4000/graphql',
    username,
    password: process.env.ENCLAVE_PASSWORD ?? (await passwordFromDevStack(username)),
    force: process.env.ENCLAVE_FORCE_FAILOVER === '1',
  }).catch((error: unknown) => {
    console.error(error instanceof EnclaveError ? `${error.code}${error.field ? ` (${error.field})` : ''}: ${error.message}` : error);
    process.exitCode = 1;
  });
}
