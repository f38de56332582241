// Type-level test, the wrong half: every line marked `misuse` must be a type error and nothing
// else may be (test/sdk-package.test.ts runs tsc on this directory and compares the error lines).
import { createClient, EnclaveError } from '@enclave/sdk';

export async function misuse(): Promise<void> {
  const client = createClient({ url: 'http://127.0.0.1:4000/graphql', token: 't' });
  createClient({ url: 'http://127.0.0.1:4000/graphql', token: 't', getToken: () => 't' }); // misuse: token and getToken
  await client.clone(); // misuse: required variables omitted
  await client.clone({ cloneId: 'x' }); // misuse: wrong variable name
  await client.createClone({ input: { name: 'Line 1 standby', cpu: 1 } }); // misuse: required input fields missing
  await client.createClone({ input: { name: 'n', description: 'd', imageId: 'i', configurationId: 'c', networkId: 'n', cpu: '2', ramGb: 1 } }); // misuse: string for Int
  await client.clones({ filter: { status: ['RUNNNING'] } }); // misuse: no such status
  const clone = await client.clone({ id: 'x' });
  const cpu: string = clone!.cpu; // misuse: cpu is a number
  clone?.colour; // misuse: no such field
  if (clone?.status === 'BOOTING') return; // misuse: no such status
  client.clone({ id: 'x' }).status; // misuse: a promise, not a clone
  await client.startTeleport({ cloneId: 'x' }); // misuse: no such method
  await client.waitForCloneStatus('x', 'READY'); // misuse: no such status
  for await (const change of client.cloneStatusChanged({ cloneId: 1 })) void change; // misuse: ID is a string
  for await (const c of client.all.clones({ first: 5 })) void c; // misuse: the iterator does the paging
  try {
    await client.logout();
  } catch (error) {
    if (error instanceof EnclaveError && error.code === 'TEAPOT') return; // misuse: no such code
  }
  void cpu;
}
