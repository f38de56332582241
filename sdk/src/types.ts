// Friendly names for the generated types integrators meet most. Every generated type (each
// operation's result and variables) is also exported under the `Operations` namespace.
import type * as G from './generated/graphql.js';

export type Clone = G.CloneFieldsFragment;
export type Machine = G.MachineFieldsFragment;
export type Configuration = G.ConfigurationFieldsFragment;
export type Snapshot = G.SnapshotFieldsFragment;
export type Restore = G.RestoreFieldsFragment;
/** One request to a clone (failover, failback, snapshot, restore, power action, delete) as a record. */
export type Operation = G.OperationFieldsFragment;
/** The clone as a request's answer: with `currentOperation`, the Operation that request queued. */
export type CloneWithOperation = G.StartFailoverMutation['startFailover'];
/** A manual snapshot as `createSnapshot` answers it: with the Operation that takes it. */
export type SnapshotWithOperation = G.CreateSnapshotMutation['createSnapshot'];
export type FailoverReadiness = G.FailoverReadinessFieldsFragment;
export type OperationChange = G.OperationChangedSubscription['operationChanged'];
/** An audit event (the API's `Event`). */
export type EnclaveEvent = G.EventFieldsFragment;
export type User = G.UserFieldsFragment;
export type Application = G.ApplicationFieldsFragment;
export type VmImage = G.VmImageFieldsFragment;
export type Network = G.NetworkFieldsFragment;
export type PageInfo = G.PageInfoFieldsFragment;
/** A VM or template the inventory sync found in vSphere. */
export type DiscoveredVm = G.DiscoveredVmFieldsFragment;
/** A login (its token is never shown again). */
export type Session = G.SessionFieldsFragment;
export type ResourceSummary = NonNullable<G.ResourcesQuery['resources']>;
export type RdpCredentials = NonNullable<NonNullable<G.CloneRdpCredentialsQuery['clone']>['rdpCredentials']>;
export type LoginPayload = G.LoginMutation['login'];
export type CreateUserPayload = G.CreateUserMutation['createUser'];
export type ResetUserPasswordPayload = G.ResetUserPasswordMutation['resetUserPassword'];
export type CloneStatusChange = G.CloneStatusChangedSubscription['cloneStatusChanged'];
export type SnapshotStatusChange = G.SnapshotStatusChangedSubscription['snapshotStatusChanged'];
/** What `node`/`nodes` tell about a global ID. */
export type NodeRef = NonNullable<G.NodeQuery['node']>;

export type {
  ActorKind,
  CloneFilter,
  CloneOrder,
  CloneOrderField,
  CloneStatus,
  ConfigurationFilter,
  ConfigurationOrder,
  ConfigurationOrderField,
  CreateApplicationInput,
  CreateCloneInput,
  CreateConfigurationInput,
  CreateUserInput,
  DiscoveredVmFilter,
  DiscoveredVmOrder,
  DiscoveredVmOrderField,
  GuestOsFamily,
  RegisterImageInput,
  EventFilter,
  EventOrder,
  EventOrderField,
  MachineFilter,
  MachineKind,
  MachineOrder,
  MachineOrderField,
  NetworkKind,
  OperationStatus,
  OperationType,
  OrderDirection,
  PowerState,
  RestoreStatus,
  RestoreTrigger,
  Role,
  SnapshotFilter,
  SnapshotOrder,
  SnapshotOrderField,
  SnapshotStatus,
  SnapshotTrigger,
  UpdateConfigurationInput,
} from './generated/graphql.js';

export type CloneConnection = G.ClonesQuery['clones'];
export type MachineConnection = G.MachinesQuery['machines'];
export type ConfigurationConnection = G.ConfigurationsQuery['configurations'];
export type SnapshotConnection = G.SnapshotsQuery['snapshots'];
export type EventConnection = G.EventsQuery['events'];
export type UserConnection = G.UsersQuery['users'];
export type DiscoveredVmConnection = G.DiscoveredVmsQuery['discoveredVms'];
export type OperationConnection = NonNullable<NonNullable<G.CloneOperationsQuery['clone']>['operations']>;
export type RestoreConnection = NonNullable<NonNullable<G.CloneRestoresQuery['clone']>['restores']>;
