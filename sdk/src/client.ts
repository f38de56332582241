// The client: one typed method per operation document in ./operations. Adding an operation is
// writing its document, running `npm run sdk:codegen`, declaring the method in EnclaveClient
// and adding its line to createClient.
import * as Docs from './generated/graphql.js';
import type * as G from './generated/graphql.js';
import { waitForClone, waitForCloneStatus, waitForOperation, type OperationWaitOptions, type WaitOptions } from './flows.js';
import { DEFAULT_PAGE_SIZE, paginate, type Connection, type PageOptions } from './pagination.js';
import { createSubscriptionTransport } from './subscriptions.js';
import { createHttpTransport, type HttpRequest, type RequestOptions, type TokenSource } from './transport.js';
import type * as T from './types.js';

interface ClientBaseOptions {
  /** The GraphQL endpoint, e.g. `http://127.0.0.1:4000/graphql`. */
  url: string;
  /** The WebSocket endpoint; by default `url` with http(s) replaced by ws(s). */
  wsUrl?: string;
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
  /**
   * A WebSocket constructor for subscriptions. Node 20 has no global WebSocket: pass the `ws`
   * package's default export there. Node 22+ and browsers need nothing.
   */
  webSocketImpl?: unknown;
  /** Extra headers for every HTTP request. */
  headers?: Record<string, string>;
  /** Reconnection attempts of the subscription socket before its iterators fail (default Infinity). */
  reconnectAttempts?: number;
  /** Upper bound of the backoff between reconnection attempts in ms (default 10 000). */
  maxReconnectDelayMs?: number;
}

export type ClientOptions = ClientBaseOptions &
  (
    | { /** A bearer token from `login`; omit for anonymous calls such as `login` itself. */ token?: string; getToken?: never }
    | { /** Called before each request and each (re)connection, so it can refresh the token. */ getToken: TokenSource; token?: never }
  );

/** A query or mutation: variables may be omitted when none are required. */
export type Method<V, R> = (...args: {} extends V ? [variables?: V, options?: RequestOptions] : [variables: V, options?: RequestOptions]) => Promise<R>;
/** A subscription, iterated with `for await`; leaving the loop unsubscribes. */
export type SubscriptionMethod<V, R> = (...args: {} extends V ? [variables?: V] : [variables: V]) => AsyncIterableIterator<R>;
/** Every node of a list, fetched page by page as the loop advances. */
export type ListIterator<V, N> = (
  ...args: {} extends ListVariables<V> ? [variables?: ListVariables<V>, options?: PageOptions] : [variables: ListVariables<V>, options?: PageOptions]
) => AsyncGenerator<N, void, undefined>;
/** A list's variables without the paging ones, which the iterators set. */
export type ListVariables<V> = Omit<V, 'first' | 'after' | 'last' | 'before'>;

export interface EnclaveClient {
  me: Method<G.MeQueryVariables, T.User | null>;
  clone: Method<G.CloneQueryVariables, T.Clone | null>;
  clones: Method<G.ClonesQueryVariables, T.CloneConnection>;
  /**
   * Reveals a clone's RDP login (GLOBAL_ADMIN, MACHINE_ADMIN); every reveal is an audit event.
   * `available: false` with `unavailableReason` when there is none to offer: a Linux or other
   * non-Windows image, or a guest customization that has not finished yet.
   */
  rdpCredentials: Method<G.CloneRdpCredentialsQueryVariables, T.RdpCredentials | null>;
  /** Null when the clone does not exist. */
  cloneRestores: Method<G.CloneRestoresQueryVariables, T.RestoreConnection | null>;
  /** A clone's operations, newest first; null when the clone does not exist. */
  cloneOperations: Method<G.CloneOperationsQueryVariables, T.OperationConnection | null>;
  /** One operation (null when unknown); follow it with `waitForOperation`. */
  operation: Method<G.OperationQueryVariables, T.Operation | null>;
  /** Whether the clone may fail over now, and why not; null when the clone does not exist. */
  failoverReadiness: Method<G.FailoverReadinessQueryVariables, T.FailoverReadiness | null>;
  machines: Method<G.MachinesQueryVariables, T.MachineConnection>;
  configurations: Method<G.ConfigurationsQueryVariables, T.ConfigurationConnection>;
  snapshots: Method<G.SnapshotsQueryVariables, T.SnapshotConnection>;
  events: Method<G.EventsQueryVariables, T.EventConnection>;
  users: Method<G.UsersQueryVariables, T.UserConnection>;
  /** Null until the inventory sync has read vSphere once. */
  resources: Method<G.ResourcesQueryVariables, T.ResourceSummary | null>;
  applications: Method<G.ApplicationsQueryVariables, T.Application[]>;
  networks: Method<G.NetworksQueryVariables, T.Network[]>;
  vmImages: Method<G.VmImagesQueryVariables, T.VmImage[]>;
  /** VMs and templates the inventory sync found in vSphere (onboarding: what can be registered). */
  discoveredVms: Method<G.DiscoveredVmsQueryVariables, T.DiscoveredVmConnection>;
  /** The caller's own sessions, or with `userId` another user's (GLOBAL_ADMIN only). */
  sessions: Method<G.SessionsQueryVariables, T.Session[]>;
  /** What kind of object a global ID names. */
  node: Method<G.NodeQueryVariables, T.NodeRef | null>;
  nodes: Method<G.NodesQueryVariables, Array<T.NodeRef | null>>;

  /** Returns a bearer token: create a client with it (`token`) for further calls. */
  login: Method<G.LoginMutationVariables, T.LoginPayload>;
  logout: Method<G.LogoutMutationVariables, boolean>;
  /** The clone comes back PROVISIONING; follow it with `waitForCloneStatus` or `cloneStatusChanged`. */
  createClone: Method<G.CreateCloneMutationVariables, T.Clone>;
  /** Tears the clone VM down and keeps the record (DELETING, then DELETED). */
  deleteClone: Method<G.DeleteCloneMutationVariables, T.CloneWithOperation>;
  /**
   * A RUNNING, ready clone becomes the active system (`force` overrides readiness and is recorded;
   * `fencePrimary`, default true, powers the primary off first). Follow `currentOperation` with
   * `waitForOperation`.
   */
  startFailover: Method<G.StartFailoverMutationVariables, T.CloneWithOperation>;
  /** Back to the primary (powered on first), carrying the failover state over unless `discardFailoverState`. */
  endFailover: Method<G.EndFailoverMutationVariables, T.CloneWithOperation>;
  /** Point-in-time restore of a `restorable` snapshot of the clone's configuration onto the RUNNING clone. `currentOperation` follows it. */
  restoreClone: Method<G.RestoreCloneMutationVariables, T.CloneWithOperation>;
  /** Snapshot of the clone VM (IN_PROGRESS); during failover it also fails back. `operation` follows it. */
  createSnapshot: Method<G.CreateSnapshotMutationVariables, T.SnapshotWithOperation>;
  /** Takes a FAILED snapshot again; returns the new snapshot. */
  retrySnapshot: Method<G.RetrySnapshotMutationVariables, T.Snapshot>;
  /** Stops an IN_PROGRESS snapshot (it ends CANCELLED). */
  cancelSnapshot: Method<G.CancelSnapshotMutationVariables, T.Snapshot>;
  /** Power actions: accepted at once, the status follows (STARTING → RUNNING, STOPPED, PAUSED). */
  startClone: Method<G.StartCloneMutationVariables, T.CloneWithOperation>;
  stopClone: Method<G.StopCloneMutationVariables, T.CloneWithOperation>;
  suspendClone: Method<G.SuspendCloneMutationVariables, T.CloneWithOperation>;
  resumeClone: Method<G.ResumeCloneMutationVariables, T.CloneWithOperation>;
  rebootClone: Method<G.RebootCloneMutationVariables, T.CloneWithOperation>;
  /** GLOBAL_ADMIN only; the generated password is returned once. */
  createUser: Method<G.CreateUserMutationVariables, T.CreateUserPayload>;
  /** GLOBAL_ADMIN only. */
  createApplication: Method<G.CreateApplicationMutationVariables, T.Application>;
  /** GLOBAL_ADMIN only. */
  createConfiguration: Method<G.CreateConfigurationMutationVariables, T.Configuration>;
  /** GLOBAL_ADMIN only. */
  updateConfiguration: Method<G.UpdateConfigurationMutationVariables, T.Configuration>;
  /** GLOBAL_ADMIN only: runs the inventory sync now and waits for it (discovery, machines, networks, capacity). */
  syncInventory: Method<G.SyncInventoryMutationVariables, boolean>;
  /** GLOBAL_ADMIN only: a discovered VM (not a template) becomes a PRIMARY machine. */
  registerPrimaryMachine: Method<G.RegisterPrimaryMachineMutationVariables, T.Machine>;
  /** GLOBAL_ADMIN only: a discovered template becomes an application's image. */
  registerImage: Method<G.RegisterImageMutationVariables, T.VmImage>;
  /** GLOBAL_ADMIN only; refused while a configuration uses the machine. */
  retirePrimaryMachine: Method<G.RetirePrimaryMachineMutationVariables, T.Machine>;
  /** GLOBAL_ADMIN only; refused while a live clone uses the image. */
  retireImage: Method<G.RetireImageMutationVariables, T.VmImage>;
  /** GLOBAL_ADMIN only; refused when it would leave no enabled GLOBAL_ADMIN. */
  setUserRole: Method<G.SetUserRoleMutationVariables, T.User>;
  /** GLOBAL_ADMIN only; the user's sessions end. Refused for the last enabled GLOBAL_ADMIN. */
  disableUser: Method<G.DisableUserMutationVariables, T.User>;
  /** GLOBAL_ADMIN only. */
  enableUser: Method<G.EnableUserMutationVariables, T.User>;
  /** GLOBAL_ADMIN only: a new generated password, returned once; the user's sessions end. */
  resetUserPassword: Method<G.ResetUserPasswordMutationVariables, T.ResetUserPasswordPayload>;
  /** The caller's own password (the old one required); their other sessions end. */
  changePassword: Method<G.ChangePasswordMutationVariables, boolean>;
  /** Ends one of the caller's sessions (any user's for a GLOBAL_ADMIN). */
  endSession: Method<G.EndSessionMutationVariables, boolean>;

  /** Status transitions of one clone, or of all clones without `cloneId`. */
  cloneStatusChanged: SubscriptionMethod<G.CloneStatusChangedSubscriptionVariables, T.CloneStatusChange>;
  /** Each new audit event of one clone. */
  cloneEvents: SubscriptionMethod<G.CloneEventsSubscriptionVariables, T.EnclaveEvent | null>;
  /** Snapshot status changes of one configuration, or of all without `configurationId`. */
  snapshotStatusChanged: SubscriptionMethod<G.SnapshotStatusChangedSubscriptionVariables, T.SnapshotStatusChange>;
  /** Changes of one operation, of one clone's operations, or of all. */
  operationChanged: SubscriptionMethod<G.OperationChangedSubscriptionVariables, T.OperationChange>;

  /** Iterators over every item of each list, e.g. `for await (const c of client.all.clones({ filter }))`. */
  all: {
    clones: ListIterator<G.ClonesQueryVariables, T.Clone>;
    machines: ListIterator<G.MachinesQueryVariables, T.Machine>;
    configurations: ListIterator<G.ConfigurationsQueryVariables, T.Configuration>;
    snapshots: ListIterator<G.SnapshotsQueryVariables, T.Snapshot>;
    events: ListIterator<G.EventsQueryVariables, T.EnclaveEvent>;
    users: ListIterator<G.UsersQueryVariables, T.User>;
    discoveredVms: ListIterator<G.DiscoveredVmsQueryVariables, T.DiscoveredVm>;
    cloneRestores: ListIterator<G.CloneRestoresQueryVariables, T.Restore>;
    cloneOperations: ListIterator<G.CloneOperationsQueryVariables, T.Operation>;
  };

  /** Resolves once the clone has `status` (or one of them); see WaitOptions. */
  waitForCloneStatus(cloneId: string, status: T.CloneStatus | T.CloneStatus[], options?: WaitOptions): Promise<T.Clone>;
  /** Resolves once `until(clone)` holds, e.g. `(c) => c.failover`. */
  waitForClone(cloneId: string, until: (clone: T.Clone) => boolean, options?: WaitOptions): Promise<T.Clone>;
  /**
   * Resolves with the operation once it SUCCEEDED; rejects with `EnclaveOperationError` (carrying
   * the operation and its `error`) when it ends FAILED or CANCELLED, unless `rejectOnFailure: false`.
   */
  waitForOperation(operationId: string, options?: OperationWaitOptions): Promise<T.Operation>;
  /** Closes the subscription socket, if open; HTTP calls keep working. */
  close(): Promise<void>;
}

export function createClient(options: ClientOptions): EnclaveClient {
  const getToken: TokenSource = options.getToken ?? (() => options.token);
  const request = createHttpTransport({
    url: options.url,
    getToken,
    fetch: options.fetch ?? globalThis.fetch,
    headers: options.headers ?? {},
  });
  const socket = createSubscriptionTransport({
    wsUrl: options.wsUrl ?? options.url.replace(/^http/, 'ws'),
    getToken,
    webSocketImpl: options.webSocketImpl,
    reconnectAttempts: options.reconnectAttempts ?? Infinity,
    maxReconnectDelayMs: options.maxReconnectDelayMs ?? 10_000,
  });
  const op = <R, V, T>(document: G.TypedDocumentString<R, V>, pick: (data: R) => T) => operation(request, document, pick);
  const sub =
    <R, V, T>(document: G.TypedDocumentString<R, V>, pick: (data: R) => T) =>
    (variables?: V): AsyncIterableIterator<T> =>
      socket.subscribe(document, variables, pick);

  const methods = {
    me: op(Docs.MeDocument, (d) => d.me),
    clone: op(Docs.CloneDocument, (d) => d.clone),
    clones: op(Docs.ClonesDocument, (d) => d.clones),
    rdpCredentials: op(Docs.CloneRdpCredentialsDocument, (d) => d.clone?.rdpCredentials ?? null),
    cloneRestores: op(Docs.CloneRestoresDocument, (d) => d.clone?.restores ?? null),
    cloneOperations: op(Docs.CloneOperationsDocument, (d) => d.clone?.operations ?? null),
    operation: op(Docs.OperationDocument, (d) => d.operation),
    failoverReadiness: op(Docs.FailoverReadinessDocument, (d) => d.clone?.failoverReadiness ?? null),
    machines: op(Docs.MachinesDocument, (d) => d.machines),
    configurations: op(Docs.ConfigurationsDocument, (d) => d.configurations),
    snapshots: op(Docs.SnapshotsDocument, (d) => d.snapshots),
    events: op(Docs.EventsDocument, (d) => d.events),
    users: op(Docs.UsersDocument, (d) => d.users),
    resources: op(Docs.ResourcesDocument, (d) => d.resources),
    applications: op(Docs.ApplicationsDocument, (d) => d.applications),
    networks: op(Docs.NetworksDocument, (d) => d.networks),
    vmImages: op(Docs.VmImagesDocument, (d) => d.vmImages),
    discoveredVms: op(Docs.DiscoveredVmsDocument, (d) => d.discoveredVms),
    sessions: op(Docs.SessionsDocument, (d) => d.sessions),
    node: op(Docs.NodeDocument, (d) => d.node),
    nodes: op(Docs.NodesDocument, (d) => d.nodes),

    login: op(Docs.LoginDocument, (d) => d.login),
    logout: op(Docs.LogoutDocument, (d) => d.logout),
    createClone: op(Docs.CreateCloneDocument, (d) => d.createClone),
    deleteClone: op(Docs.DeleteCloneDocument, (d) => d.deleteClone),
    startFailover: op(Docs.StartFailoverDocument, (d) => d.startFailover),
    endFailover: op(Docs.EndFailoverDocument, (d) => d.endFailover),
    restoreClone: op(Docs.RestoreCloneDocument, (d) => d.restoreClone),
    createSnapshot: op(Docs.CreateSnapshotDocument, (d) => d.createSnapshot),
    retrySnapshot: op(Docs.RetrySnapshotDocument, (d) => d.retrySnapshot),
    cancelSnapshot: op(Docs.CancelSnapshotDocument, (d) => d.cancelSnapshot),
    startClone: op(Docs.StartCloneDocument, (d) => d.startClone),
    stopClone: op(Docs.StopCloneDocument, (d) => d.stopClone),
    suspendClone: op(Docs.SuspendCloneDocument, (d) => d.suspendClone),
    resumeClone: op(Docs.ResumeCloneDocument, (d) => d.resumeClone),
    rebootClone: op(Docs.RebootCloneDocument, (d) => d.rebootClone),
    createUser: op(Docs.CreateUserDocument, (d) => d.createUser),
    createApplication: op(Docs.CreateApplicationDocument, (d) => d.createApplication),
    createConfiguration: op(Docs.CreateConfigurationDocument, (d) => d.createConfiguration),
    updateConfiguration: op(Docs.UpdateConfigurationDocument, (d) => d.updateConfiguration),
    syncInventory: op(Docs.SyncInventoryDocument, (d) => d.syncInventory),
    registerPrimaryMachine: op(Docs.RegisterPrimaryMachineDocument, (d) => d.registerPrimaryMachine),
    registerImage: op(Docs.RegisterImageDocument, (d) => d.registerImage),
    retirePrimaryMachine: op(Docs.RetirePrimaryMachineDocument, (d) => d.retirePrimaryMachine),
    retireImage: op(Docs.RetireImageDocument, (d) => d.retireImage),
    setUserRole: op(Docs.SetUserRoleDocument, (d) => d.setUserRole),
    disableUser: op(Docs.DisableUserDocument, (d) => d.disableUser),
    enableUser: op(Docs.EnableUserDocument, (d) => d.enableUser),
    resetUserPassword: op(Docs.ResetUserPasswordDocument, (d) => d.resetUserPassword),
    changePassword: op(Docs.ChangePasswordDocument, (d) => d.changePassword),
    endSession: op(Docs.EndSessionDocument, (d) => d.endSession),

    cloneStatusChanged: sub(Docs.CloneStatusChangedDocument, (d) => d.cloneStatusChanged),
    cloneEvents: sub(Docs.CloneEventsDocument, (d) => d.cloneEvents),
    snapshotStatusChanged: sub(Docs.SnapshotStatusChangedDocument, (d) => d.snapshotStatusChanged),
    operationChanged: sub(Docs.OperationChangedDocument, (d) => d.operationChanged),
  } satisfies Omit<EnclaveClient, 'all' | 'waitForCloneStatus' | 'waitForClone' | 'waitForOperation' | 'close'>;

  const watcher = { clone: methods.clone, cloneStatusChanged: methods.cloneStatusChanged, onConnected: socket.onConnected };

  return {
    ...methods,
    all: {
      clones: list(methods.clones),
      machines: list(methods.machines),
      configurations: list(methods.configurations),
      snapshots: list(methods.snapshots),
      events: list(methods.events),
      users: list(methods.users),
      discoveredVms: list(methods.discoveredVms),
      cloneRestores: list(methods.cloneRestores),
      cloneOperations: list(methods.cloneOperations),
    },
    waitForCloneStatus: (cloneId, status, waitOptions) => waitForCloneStatus(watcher, cloneId, status, waitOptions),
    waitForClone: (cloneId, until, waitOptions) => waitForClone(watcher, cloneId, until, waitOptions),
    waitForOperation: (operationId, waitOptions) =>
      waitForOperation(
        { operation: methods.operation, operationChanged: methods.operationChanged, onConnected: socket.onConnected },
        operationId,
        waitOptions,
      ),
    close: () => socket.dispose(),
  };
}

function operation<R, V, T>(request: HttpRequest, document: G.TypedDocumentString<R, V>, pick: (data: R) => T) {
  return (variables?: V, options?: RequestOptions): Promise<T> => request(document, variables, options).then(pick);
}

// The variables' types are checked where the iterator is declared (EnclaveClient's `all`, a
// ListIterator of the method's own variables); here they are only passed through with the
// paging ones added.
function list<N>(method: (variables: never) => Promise<Connection<N> | null>) {
  return (variables: object = {}, { pageSize = DEFAULT_PAGE_SIZE }: PageOptions = {}): AsyncGenerator<N, void, undefined> =>
    paginate((after) => method({ ...variables, first: pageSize, after } as never));
}
