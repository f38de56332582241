// GraphQL clients for tests: plain HTTP (fetch) and a real graphql-ws WebSocket client.
import { createClient, type Client as WsClient } from 'graphql-ws';
import WebSocket from 'ws';

export interface GraphQLResponse<T = Record<string, unknown>> {
  data?: T | null;
  errors?: { message: string; path?: string[]; extensions?: { code?: string; field?: string; problems?: unknown } }[];
}

export async function gql<T = any>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
): Promise<GraphQLResponse<T>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as GraphQLResponse<T>;
}

export async function loginAs(url: string, username: string, password: string): Promise<string> {
  const result = await gql<{ login: { token: string } }>(
    url,
    'mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }',
    { u: username, p: password },
  );
  if (!result.data?.login) throw new Error(`login failed: ${JSON.stringify(result.errors)}`);
  return result.data.login.token;
}

/**
 * A new user of `role`, made by the admin of `adminToken` through the API (so changing one does
 * not touch the fixture's users), logged in: its ID and token.
 */
export async function newUser(url: string, adminToken: string, role: string): Promise<{ userId: string; token: string }> {
  const username = `u_${Math.random().toString(36).slice(2, 10)}`;
  const created = await gql<{ createUser: { password: string; user: { id: string } } }>(
    url,
    'mutation($u: String!, $r: Role!) { createUser(input: { username: $u, name: "Test User", role: $r }) { password user { id } } }',
    { u: username, r: role },
    adminToken,
  );
  if (!created.data?.createUser) throw new Error(`createUser failed: ${JSON.stringify(created.errors)}`);
  const token = await loginAs(url, username, created.data.createUser.password);
  const userId = Buffer.from(created.data.createUser.user.id, 'base64').toString().split(':')[1]!;
  return { userId, token };
}

const connections = new WeakMap<WsClient, Promise<void>>();

export function wsClient(wsUrl: string, token?: string): WsClient {
  let connected!: () => void;
  const ready = new Promise<void>((resolve) => (connected = resolve));
  const client = createClient({
    url: wsUrl,
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    lazy: false,
    retryAttempts: 0,
    on: { connected: () => connected() },
  });
  connections.set(client, ready);
  return client;
}

/**
 * Collects the messages of one subscription until `until` says stop or the timeout passes.
 * `ready` resolves once the client's connection is acknowledged.
 */
export function collect<T>(
  client: WsClient,
  query: string,
  variables: Record<string, unknown>,
  until: (items: T[]) => boolean,
  timeoutMs = 90_000,
): { ready: Promise<void>; done: Promise<T[]>; items: T[] } {
  const items: T[] = [];
  const ready = connections.get(client) ?? Promise.resolve();
  const done = new Promise<T[]>((resolve, reject) => {
    const timer = setTimeout(() => {
      dispose();
      reject(new Error(`subscription timed out with ${JSON.stringify(items)}`));
    }, timeoutMs);
    const dispose = client.subscribe<T>(
      { query, variables },
      {
        next: (message) => {
          if (message.errors) {
            clearTimeout(timer);
            dispose();
            reject(new Error(JSON.stringify(message.errors)));
            return;
          }
          items.push(message.data as T);
          if (until(items)) {
            clearTimeout(timer);
            dispose();
            resolve(items);
          }
        },
        error: (error) => {
          clearTimeout(timer);
          reject(error instanceof Error ? error : new Error(JSON.stringify(error)));
        },
        complete: () => {
          clearTimeout(timer);
          resolve(items);
        },
      },
    );
  });
  return { ready, done, items };
}
