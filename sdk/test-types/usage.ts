// Type-level test, the correct half: everything here must type-check against the built package
// (test/sdk-package.test.ts runs tsc on this directory). misuse.ts holds mistakes that must not.
import WebSocket from 'ws';
import { createClient, EnclaveError, type Clone, type CloneStatus, type EnclaveErrorCode } from '@enclave/sdk';

const expectType = <T>(value: T): T => value;

export async function usage(): Promise<void> {
  const anonymous = createClient({ url: 'http://127.0.0.1:4000/graphql' });
  const { token } = await anonymous.login({ username: 'admin', password: 'secret' });
  const client = createClient({ url: 'http://127.0.0.1:4000/graphql', token, webSocketImpl: WebSocket });
  createClient({ url: 'http://127.0.0.1:4000/graphql', getToken: async () => token });

  const clone = await client.clone({ id: 'Q2xvbmU6MQ==' });
  if (clone) {
    expectType<CloneStatus>(clone.status);
    expectType<number>(clone.cpu);
    expectType<string | null>(clone.machine?.guestIp ?? null);
  }
  const page = await client.clones({ filter: { status: ['RUNNING', 'STOPPED'], name: 'line' }, orderBy: { field: 'NAME', direction: 'DESC' }, first: 10 });
  expectType<number>(page.totalCount);
  expectType<Clone | undefined>(page.edges[0]?.node);
  await client.clones();
  await client.resources();
  await client.me({}, { signal: AbortSignal.timeout(1000) });

  const created = await client.createClone({
    input: { name: 'Line 1 standby', description: 'd', imageId: 'i', configurationId: 'c', networkId: 'n', cpu: 2, ramGb: 4 },
  });
  for await (const change of client.cloneStatusChanged({ cloneId: created.id })) {
    expectType<CloneStatus>(change.status);
    if (change.status === 'RUNNING') break;
  }
  for await (const c of client.all.clones({ filter: { failover: true } }, { pageSize: 20 })) expectType<string>(c.name);
  for await (const r of client.all.cloneRestores({ cloneId: created.id })) expectType<string>(r.status);
  expectType<Clone>(await client.waitForCloneStatus(created.id, 'RUNNING', { timeout: 60_000 }));
  expectType<Clone>(await client.waitForClone(created.id, (c) => c.failover));
  await client.deleteClone({ cloneId: created.id });

  try {
    await client.createUser({ input: { username: 'new_user', name: 'New User', role: 'DEVELOPER' } });
  } catch (error) {
    if (error instanceof EnclaveError) {
      expectType<EnclaveErrorCode>(error.code);
      expectType<string | undefined>(error.field);
    }
  }
  await client.close();
}
