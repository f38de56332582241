/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type ActorKind =
  /** A workflow or the inventory sync. */
  | 'SYSTEM'
  /** A person, through the API. */
  | 'USER';

export type CloneFilter = {
  configurationId?: string | null | undefined;
  /** CPU cores from min to max. */
  cpu?: IntRange | null | undefined;
  /** Created at or after this instant. */
  createdAfter?: string | null | undefined;
  /** Created before this instant. */
  createdBefore?: string | null | undefined;
  /** The User who created the clone. */
  createdById?: string | null | undefined;
  failover?: boolean | null | undefined;
  imageId?: string | null | undefined;
  /** Also list DELETED clones (default false). */
  includeDeleted?: boolean | null | undefined;
  /** Name contains this text, case-insensitive; `%` and `_` match only themselves. */
  name?: string | null | undefined;
  networkId?: string | null | undefined;
  /** The configuration's primary Machine. */
  primaryMachineId?: string | null | undefined;
  /** RAM in GB from min to max. */
  ramGb?: IntRange | null | undefined;
  /** Any of these statuses. */
  status?: Array<CloneStatus> | null | undefined;
};

export type CloneOrder = {
  direction?: OrderDirection | null | undefined;
  field: CloneOrderField;
};

/** The columns of the clone list. */
export type CloneOrderField =
  | 'CONFIGURATION'
  | 'CPU'
  | 'CREATED_AT'
  | 'CREATED_BY'
  | 'FAILOVER'
  | 'IMAGE'
  | 'NAME'
  | 'NETWORK'
  | 'PRIMARY_MACHINE'
  | 'RAM'
  | 'STATUS';

export type CloneStatus =
  | 'CRASHED'
  | 'DELETED'
  | 'DELETING'
  | 'FAILED'
  | 'PAUSED'
  | 'PROVISIONING'
  | 'RUNNING'
  | 'STARTING'
  | 'STOPPED';

export type CreateCloneInput = {
  /** A Configuration; its primary is the clone's primary. */
  configurationId: string;
  /** CPU cores, at least 1. */
  cpu: number;
  /** Optional; at most 128 characters after trimming; stored trimmed (empty when omitted). */
  description?: string | null | undefined;
  /** Makes a retried request return the first result; overrides the `Idempotency-Key` header. */
  idempotencyKey?: string | null | undefined;
  /** A VmImage. */
  imageId: string;
  /** 5–64 characters: ASCII letters, digits, space, hyphen (-), underscore (_) and dot (.), starting and ending with a letter or digit; unique. Leading and trailing spaces are trimmed. */
  name: string;
  /** A Network. */
  networkId: string;
  /** RAM in GB, at least 1. */
  ramGb: number;
};

/** What an image's guest customization sets up; a clone's credentials follow it. */
export type GuestOsFamily =
  | 'LINUX'
  | 'OTHER'
  | 'WINDOWS';

/** From min to max, both included (integers from 0 to 1,000,000, min ≤ max); either may be left out. */
export type IntRange = {
  max?: number | null | undefined;
  min?: number | null | undefined;
};

export type OrderDirection =
  | 'ASC'
  | 'DESC';

export type PowerState =
  | 'POWERED_OFF'
  | 'POWERED_ON'
  | 'SUSPENDED'
  | 'UNKNOWN';

/** How a client connects to the clone guest. */
export type RemoteProtocol =
  /** Remote Desktop (Windows images). */
  | 'RDP'
  /** Secure Shell (Linux images). */
  | 'SSH';

export type RestoreStatus =
  | 'CANCELLED'
  | 'DONE'
  | 'FAILED'
  | 'IN_PROGRESS';

export type RestoreTrigger =
  | 'AUTO'
  | 'FAILBACK'
  | 'MANUAL';

export type Role =
  /** Read-only; never sees credentials. */
  | 'DEVELOPER'
  /** Everything. */
  | 'GLOBAL_ADMIN'
  /** Operates clones (failover, snapshots, power) and sees everything. */
  | 'MACHINE_ADMIN';

export type SnapshotStatus =
  | 'CANCELLED'
  | 'DONE'
  | 'FAILED'
  | 'IN_PROGRESS';

export type SnapshotTrigger =
  | 'FAILBACK'
  | 'MANUAL'
  | 'SCHEDULED';

export type MeQueryVariables = Exact<{ [key: string]: never; }>;


export type MeQuery = { me: { id: string, username: string, name: string, role: Role } | null };

export type LoginMutationVariables = Exact<{
  username: string;
  password: string;
}>;


export type LoginMutation = { login: { token: string, expiresAt: string, user: { id: string, username: string, name: string, role: Role } } };

export type LogoutMutationVariables = Exact<{ [key: string]: never; }>;


export type LogoutMutation = { logout: boolean };

export type CloneRowFragment = { id: string, name: string, status: CloneStatus, statusReason: string | null, failover: boolean, progressPhase: string | null, progressPercent: number, cpu: number, ramGb: number, createdAt: string, lastRestoredAt: string | null, standbyLagSeconds: number | null, createdBy: { id: string, username: string, name: string }, primaryMachine: { id: string, name: string }, configuration: { id: string, name: string }, image: { id: string, name: string }, machine: { id: string, name: string, guestIp: string | null, powerState: PowerState } | null };

export type ClonesQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
  last?: number | null | undefined;
  before?: string | null | undefined;
  filter?: CloneFilter | null | undefined;
  orderBy?: CloneOrder | null | undefined;
}>;


export type ClonesQuery = { clones: { totalCount: number, pageInfo: { hasNextPage: boolean, hasPreviousPage: boolean, startCursor: string | null, endCursor: string | null }, edges: Array<{ cursor: string, node: { id: string, name: string, status: CloneStatus, statusReason: string | null, failover: boolean, progressPhase: string | null, progressPercent: number, cpu: number, ramGb: number, createdAt: string, lastRestoredAt: string | null, standbyLagSeconds: number | null, createdBy: { id: string, username: string, name: string }, primaryMachine: { id: string, name: string }, configuration: { id: string, name: string }, image: { id: string, name: string }, machine: { id: string, name: string, guestIp: string | null, powerState: PowerState } | null } }> } };

export type CloneChoicesQueryVariables = Exact<{ [key: string]: never; }>;


export type CloneChoicesQuery = { configurations: { edges: Array<{ node: { id: string, name: string, primaryMachine: { id: string, name: string } } }> }, vmImages: Array<{ id: string, name: string, defaultCpu: number, defaultRamGb: number, removedAt: string | null, guestOsFamily: GuestOsFamily, application: { id: string, name: string } }>, networks: Array<{ id: string, name: string, removedAt: string | null }> };

export type PrimaryChoicesQueryVariables = Exact<{ [key: string]: never; }>;


export type PrimaryChoicesQuery = { machines: { edges: Array<{ node: { id: string, name: string } }> } };

export type UserChoicesQueryVariables = Exact<{ [key: string]: never; }>;


export type UserChoicesQuery = { users: { edges: Array<{ node: { id: string, username: string, name: string } }> } };

export type ResourcesQueryVariables = Exact<{ [key: string]: never; }>;


export type ResourcesQuery = { resources: { sampledAt: string, cpuCores: { total: number, used: number, available: number }, ramGb: { total: number, used: number, available: number }, clones: { cpuCores: number, ramGb: number } } | null };

export type CloneStatusChangesSubscriptionVariables = Exact<{
  cloneId?: string | null | undefined;
}>;


export type CloneStatusChangesSubscription = { cloneStatusChanged: { status: CloneStatus, failover: boolean, at: string, clone: { id: string, status: CloneStatus, statusReason: string | null, failover: boolean, progressPhase: string | null, progressPercent: number, updatedAt: string, lastRestoredAt: string | null, standbyLagSeconds: number | null, machine: { id: string, name: string, guestIp: string | null, powerState: PowerState } | null } | null } };

export type CloneEventFeedSubscriptionVariables = Exact<{
  cloneId: string;
}>;


export type CloneEventFeedSubscription = { cloneEvents: { id: string, type: string, createdAt: string, clone: { id: string, status: CloneStatus, statusReason: string | null, failover: boolean, progressPhase: string | null, progressPercent: number, machine: { id: string, name: string, guestIp: string | null, powerState: PowerState } | null } | null } | null };

export type CreateCloneMutationVariables = Exact<{
  input: CreateCloneInput;
}>;


export type CreateCloneMutation = { createClone: { id: string, name: string, status: CloneStatus, statusReason: string | null, failover: boolean, progressPhase: string | null, progressPercent: number, cpu: number, ramGb: number, createdAt: string, lastRestoredAt: string | null, standbyLagSeconds: number | null, createdBy: { id: string, username: string, name: string }, primaryMachine: { id: string, name: string }, configuration: { id: string, name: string }, image: { id: string, name: string }, machine: { id: string, name: string, guestIp: string | null, powerState: PowerState } | null } };

export type RdpCredentialsQueryVariables = Exact<{
  id: string;
}>;


export type RdpCredentialsQuery = { clone: { id: string, rdpCredentials: { available: boolean, unavailableReason: string | null, protocol: RemoteProtocol | null, host: string | null, port: number | null, username: string | null, password: string | null } | null } | null };

export type CloneStateFragment = { id: string, status: CloneStatus, statusReason: string | null, failover: boolean, progressPhase: string | null, progressPercent: number, updatedAt: string };

export type StartFailoverMutationVariables = Exact<{
  cloneId: string;
}>;


export type StartFailoverMutation = { startFailover: { id: string, status: CloneStatus, statusReason: string | null, failover: boolean, progressPhase: string | null, progressPercent: number, updatedAt: string } };

export type EndFailoverMutationVariables = Exact<{
  cloneId: string;
  discard?: boolean | null | undefined;
}>;


export type EndFailoverMutation = { endFailover: { id: string, status: CloneStatus, statusReason: string | null, failover: boolean, progressPhase: string | null, progressPercent: number, updatedAt: string } };

export type CreateSnapshotMutationVariables = Exact<{
  cloneId: string;
}>;


export type CreateSnapshotMutation = { createSnapshot: { id: string, name: string, status: SnapshotStatus, trigger: SnapshotTrigger, startedAt: string, clone: { id: string, status: CloneStatus, statusReason: string | null, failover: boolean, progressPhase: string | null, progressPercent: number, updatedAt: string } | null } };

export type StartCloneMutationVariables = Exact<{
  cloneId: string;
}>;


export type StartCloneMutation = { startClone: { id: string, status: CloneStatus, statusReason: string | null, failover: boolean, progressPhase: string | null, progressPercent: number, updatedAt: string } };

export type StopCloneMutationVariables = Exact<{
  cloneId: string;
}>;


export type StopCloneMutation = { stopClone: { id: string, status: CloneStatus, statusReason: string | null, failover: boolean, progressPhase: string | null, progressPercent: number, updatedAt: string } };

export type SuspendCloneMutationVariables = Exact<{
  cloneId: string;
}>;


export type SuspendCloneMutation = { suspendClone: { id: string, status: CloneStatus, statusReason: string | null, failover: boolean, progressPhase: string | null, progressPercent: number, updatedAt: string } };

export type ResumeCloneMutationVariables = Exact<{
  cloneId: string;
}>;


export type ResumeCloneMutation = { resumeClone: { id: string, status: CloneStatus, statusReason: string | null, failover: boolean, progressPhase: string | null, progressPercent: number, updatedAt: string } };

export type RebootCloneMutationVariables = Exact<{
  cloneId: string;
}>;


export type RebootCloneMutation = { rebootClone: { id: string, status: CloneStatus, statusReason: string | null, failover: boolean, progressPhase: string | null, progressPercent: number, updatedAt: string } };

export type DeleteCloneMutationVariables = Exact<{
  cloneId: string;
}>;


export type DeleteCloneMutation = { deleteClone: { id: string, status: CloneStatus, statusReason: string | null, failover: boolean, progressPhase: string | null, progressPercent: number, updatedAt: string } };

export type CloneDetailsQueryVariables = Exact<{
  id: string;
}>;


export type CloneDetailsQuery = { clone: { description: string, deletedAt: string | null, updatedAt: string, id: string, name: string, status: CloneStatus, statusReason: string | null, failover: boolean, progressPhase: string | null, progressPercent: number, cpu: number, ramGb: number, createdAt: string, lastRestoredAt: string | null, standbyLagSeconds: number | null, network: { id: string, name: string }, machine: { id: string, name: string, guestIp: string | null, powerState: PowerState, online: boolean, cpu: number, ramGb: number, lastOnlineAt: string | null } | null, createdBy: { id: string, username: string, name: string }, primaryMachine: { id: string, name: string }, configuration: { id: string, name: string }, image: { id: string, name: string } } | null };

export type CloneSnapshotsQueryVariables = Exact<{
  id: string;
}>;


export type CloneSnapshotsQuery = { clone: { id: string, snapshots: { totalCount: number, edges: Array<{ node: { id: string, name: string, trigger: SnapshotTrigger, status: SnapshotStatus, startedAt: string, finishedAt: string | null, durationMs: number | null, sizeBytes: number | null, error: string | null, prunedAt: string | null, sourceMachine: { id: string, name: string } } }> } } | null };

export type CloneRestoresQueryVariables = Exact<{
  id: string;
}>;


export type CloneRestoresQuery = { clone: { id: string, restores: { totalCount: number, edges: Array<{ node: { id: string, trigger: RestoreTrigger, status: RestoreStatus, startedAt: string, finishedAt: string | null, error: string | null, snapshot: { id: string, name: string }, targetMachine: { id: string, name: string } } }> } } | null };

export type CloneHistoryQueryVariables = Exact<{
  id: string;
}>;


export type CloneHistoryQuery = { clone: { id: string, events: { totalCount: number, edges: Array<{ node: { id: string, type: string, createdAt: string, actorKind: ActorKind, data: unknown, actor: { id: string, username: string } | null } }> } } | null };

export const CloneRowFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"CloneRow"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Clone"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"statusReason"}},{"kind":"Field","name":{"kind":"Name","value":"failover"}},{"kind":"Field","name":{"kind":"Name","value":"progressPhase"}},{"kind":"Field","name":{"kind":"Name","value":"progressPercent"}},{"kind":"Field","name":{"kind":"Name","value":"cpu"}},{"kind":"Field","name":{"kind":"Name","value":"ramGb"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastRestoredAt"}},{"kind":"Field","name":{"kind":"Name","value":"standbyLagSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"createdBy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"username"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"primaryMachine"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"configuration"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"image"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"machine"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"guestIp"}},{"kind":"Field","name":{"kind":"Name","value":"powerState"}}]}}]}}]} as unknown as DocumentNode<CloneRowFragment, unknown>;
export const CloneStateFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"CloneState"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Clone"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"statusReason"}},{"kind":"Field","name":{"kind":"Name","value":"failover"}},{"kind":"Field","name":{"kind":"Name","value":"progressPhase"}},{"kind":"Field","name":{"kind":"Name","value":"progressPercent"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}}]}}]} as unknown as DocumentNode<CloneStateFragment, unknown>;
export const MeDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"username"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"role"}}]}}]}}]} as unknown as DocumentNode<MeQuery, MeQueryVariables>;
export const LoginDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"Login"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"username"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"password"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"login"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"username"},"value":{"kind":"Variable","name":{"kind":"Name","value":"username"}}},{"kind":"Argument","name":{"kind":"Name","value":"password"},"value":{"kind":"Variable","name":{"kind":"Name","value":"password"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"token"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"user"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"username"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"role"}}]}}]}}]}}]} as unknown as DocumentNode<LoginMutation, LoginMutationVariables>;
export const LogoutDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"Logout"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"logout"}}]}}]} as unknown as DocumentNode<LogoutMutation, LogoutMutationVariables>;
export const ClonesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Clones"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"last"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"before"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"CloneFilter"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"orderBy"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"CloneOrder"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"clones"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}},{"kind":"Argument","name":{"kind":"Name","value":"last"},"value":{"kind":"Variable","name":{"kind":"Name","value":"last"}}},{"kind":"Argument","name":{"kind":"Name","value":"before"},"value":{"kind":"Variable","name":{"kind":"Name","value":"before"}}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}},{"kind":"Argument","name":{"kind":"Name","value":"orderBy"},"value":{"kind":"Variable","name":{"kind":"Name","value":"orderBy"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"hasPreviousPage"}},{"kind":"Field","name":{"kind":"Name","value":"startCursor"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"CloneRow"}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"CloneRow"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Clone"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"statusReason"}},{"kind":"Field","name":{"kind":"Name","value":"failover"}},{"kind":"Field","name":{"kind":"Name","value":"progressPhase"}},{"kind":"Field","name":{"kind":"Name","value":"progressPercent"}},{"kind":"Field","name":{"kind":"Name","value":"cpu"}},{"kind":"Field","name":{"kind":"Name","value":"ramGb"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastRestoredAt"}},{"kind":"Field","name":{"kind":"Name","value":"standbyLagSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"createdBy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"username"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"primaryMachine"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"configuration"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"image"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"machine"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"guestIp"}},{"kind":"Field","name":{"kind":"Name","value":"powerState"}}]}}]}}]} as unknown as DocumentNode<ClonesQuery, ClonesQueryVariables>;
export const CloneChoicesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"CloneChoices"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"configurations"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"100"}},{"kind":"Argument","name":{"kind":"Name","value":"orderBy"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"field"},"value":{"kind":"EnumValue","value":"NAME"}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"primaryMachine"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"vmImages"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"defaultCpu"}},{"kind":"Field","name":{"kind":"Name","value":"defaultRamGb"}},{"kind":"Field","name":{"kind":"Name","value":"removedAt"}},{"kind":"Field","name":{"kind":"Name","value":"guestOsFamily"}},{"kind":"Field","name":{"kind":"Name","value":"application"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"networks"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"removedAt"}}]}}]}}]} as unknown as DocumentNode<CloneChoicesQuery, CloneChoicesQueryVariables>;
export const PrimaryChoicesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PrimaryChoices"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"machines"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"100"}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"kind"},"value":{"kind":"EnumValue","value":"PRIMARY"}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]}}]} as unknown as DocumentNode<PrimaryChoicesQuery, PrimaryChoicesQueryVariables>;
export const UserChoicesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"UserChoices"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"users"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"100"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"username"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]}}]} as unknown as DocumentNode<UserChoicesQuery, UserChoicesQueryVariables>;
export const ResourcesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Resources"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"resources"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"sampledAt"}},{"kind":"Field","name":{"kind":"Name","value":"cpuCores"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"total"}},{"kind":"Field","name":{"kind":"Name","value":"used"}},{"kind":"Field","name":{"kind":"Name","value":"available"}}]}},{"kind":"Field","name":{"kind":"Name","value":"ramGb"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"total"}},{"kind":"Field","name":{"kind":"Name","value":"used"}},{"kind":"Field","name":{"kind":"Name","value":"available"}}]}},{"kind":"Field","name":{"kind":"Name","value":"clones"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cpuCores"}},{"kind":"Field","name":{"kind":"Name","value":"ramGb"}}]}}]}}]}}]} as unknown as DocumentNode<ResourcesQuery, ResourcesQueryVariables>;
export const CloneStatusChangesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"CloneStatusChanges"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"cloneId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cloneStatusChanged"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"cloneId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"cloneId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"failover"}},{"kind":"Field","name":{"kind":"Name","value":"at"}},{"kind":"Field","name":{"kind":"Name","value":"clone"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"statusReason"}},{"kind":"Field","name":{"kind":"Name","value":"failover"}},{"kind":"Field","name":{"kind":"Name","value":"progressPhase"}},{"kind":"Field","name":{"kind":"Name","value":"progressPercent"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastRestoredAt"}},{"kind":"Field","name":{"kind":"Name","value":"standbyLagSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"machine"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"guestIp"}},{"kind":"Field","name":{"kind":"Name","value":"powerState"}}]}}]}}]}}]}}]} as unknown as DocumentNode<CloneStatusChangesSubscription, CloneStatusChangesSubscriptionVariables>;
export const CloneEventFeedDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"CloneEventFeed"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"cloneId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cloneEvents"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"cloneId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"cloneId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"clone"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"statusReason"}},{"kind":"Field","name":{"kind":"Name","value":"failover"}},{"kind":"Field","name":{"kind":"Name","value":"progressPhase"}},{"kind":"Field","name":{"kind":"Name","value":"progressPercent"}},{"kind":"Field","name":{"kind":"Name","value":"machine"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"guestIp"}},{"kind":"Field","name":{"kind":"Name","value":"powerState"}}]}}]}}]}}]}}]} as unknown as DocumentNode<CloneEventFeedSubscription, CloneEventFeedSubscriptionVariables>;
export const CreateCloneDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateClone"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateCloneInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createClone"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"CloneRow"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"CloneRow"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Clone"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"statusReason"}},{"kind":"Field","name":{"kind":"Name","value":"failover"}},{"kind":"Field","name":{"kind":"Name","value":"progressPhase"}},{"kind":"Field","name":{"kind":"Name","value":"progressPercent"}},{"kind":"Field","name":{"kind":"Name","value":"cpu"}},{"kind":"Field","name":{"kind":"Name","value":"ramGb"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastRestoredAt"}},{"kind":"Field","name":{"kind":"Name","value":"standbyLagSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"createdBy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"username"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"primaryMachine"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"configuration"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"image"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"machine"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"guestIp"}},{"kind":"Field","name":{"kind":"Name","value":"powerState"}}]}}]}}]} as unknown as DocumentNode<CreateCloneMutation, CreateCloneMutationVariables>;
export const RdpCredentialsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"RdpCredentials"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"clone"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"rdpCredentials"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"available"}},{"kind":"Field","name":{"kind":"Name","value":"unavailableReason"}},{"kind":"Field","name":{"kind":"Name","value":"protocol"}},{"kind":"Field","name":{"kind":"Name","value":"host"}},{"kind":"Field","name":{"kind":"Name","value":"port"}},{"kind":"Field","name":{"kind":"Name","value":"username"}},{"kind":"Field","name":{"kind":"Name","value":"password"}}]}}]}}]}}]} as unknown as DocumentNode<RdpCredentialsQuery, RdpCredentialsQueryVariables>;
export const StartFailoverDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"StartFailover"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"cloneId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"startFailover"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"cloneId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"cloneId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"CloneState"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"CloneState"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Clone"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"statusReason"}},{"kind":"Field","name":{"kind":"Name","value":"failover"}},{"kind":"Field","name":{"kind":"Name","value":"progressPhase"}},{"kind":"Field","name":{"kind":"Name","value":"progressPercent"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}}]}}]} as unknown as DocumentNode<StartFailoverMutation, StartFailoverMutationVariables>;
export const EndFailoverDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"EndFailover"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"cloneId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"discard"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Boolean"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"endFailover"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"cloneId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"cloneId"}}},{"kind":"Argument","name":{"kind":"Name","value":"discardFailoverState"},"value":{"kind":"Variable","name":{"kind":"Name","value":"discard"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"CloneState"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"CloneState"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Clone"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"statusReason"}},{"kind":"Field","name":{"kind":"Name","value":"failover"}},{"kind":"Field","name":{"kind":"Name","value":"progressPhase"}},{"kind":"Field","name":{"kind":"Name","value":"progressPercent"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}}]}}]} as unknown as DocumentNode<EndFailoverMutation, EndFailoverMutationVariables>;
export const CreateSnapshotDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateSnapshot"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"cloneId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createSnapshot"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"cloneId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"cloneId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"trigger"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"clone"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"CloneState"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"CloneState"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Clone"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"statusReason"}},{"kind":"Field","name":{"kind":"Name","value":"failover"}},{"kind":"Field","name":{"kind":"Name","value":"progressPhase"}},{"kind":"Field","name":{"kind":"Name","value":"progressPercent"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}}]}}]} as unknown as DocumentNode<CreateSnapshotMutation, CreateSnapshotMutationVariables>;
export const StartCloneDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"StartClone"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"cloneId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"startClone"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"cloneId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"cloneId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"CloneState"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"CloneState"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Clone"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"statusReason"}},{"kind":"Field","name":{"kind":"Name","value":"failover"}},{"kind":"Field","name":{"kind":"Name","value":"progressPhase"}},{"kind":"Field","name":{"kind":"Name","value":"progressPercent"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}}]}}]} as unknown as DocumentNode<StartCloneMutation, StartCloneMutationVariables>;
export const StopCloneDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"StopClone"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"cloneId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"stopClone"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"cloneId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"cloneId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"CloneState"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"CloneState"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Clone"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"statusReason"}},{"kind":"Field","name":{"kind":"Name","value":"failover"}},{"kind":"Field","name":{"kind":"Name","value":"progressPhase"}},{"kind":"Field","name":{"kind":"Name","value":"progressPercent"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}}]}}]} as unknown as DocumentNode<StopCloneMutation, StopCloneMutationVariables>;
export const SuspendCloneDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SuspendClone"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"cloneId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"suspendClone"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"cloneId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"cloneId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"CloneState"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"CloneState"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Clone"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"statusReason"}},{"kind":"Field","name":{"kind":"Name","value":"failover"}},{"kind":"Field","name":{"kind":"Name","value":"progressPhase"}},{"kind":"Field","name":{"kind":"Name","value":"progressPercent"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}}]}}]} as unknown as DocumentNode<SuspendCloneMutation, SuspendCloneMutationVariables>;
export const ResumeCloneDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ResumeClone"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"cloneId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"resumeClone"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"cloneId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"cloneId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"CloneState"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"CloneState"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Clone"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"statusReason"}},{"kind":"Field","name":{"kind":"Name","value":"failover"}},{"kind":"Field","name":{"kind":"Name","value":"progressPhase"}},{"kind":"Field","name":{"kind":"Name","value":"progressPercent"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}}]}}]} as unknown as DocumentNode<ResumeCloneMutation, ResumeCloneMutationVariables>;
export const RebootCloneDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RebootClone"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"cloneId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"rebootClone"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"cloneId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"cloneId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"CloneState"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"CloneState"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Clone"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"statusReason"}},{"kind":"Field","name":{"kind":"Name","value":"failover"}},{"kind":"Field","name":{"kind":"Name","value":"progressPhase"}},{"kind":"Field","name":{"kind":"Name","value":"progressPercent"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}}]}}]} as unknown as DocumentNode<RebootCloneMutation, RebootCloneMutationVariables>;
export const DeleteCloneDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"DeleteClone"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"cloneId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deleteClone"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"cloneId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"cloneId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"CloneState"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"CloneState"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Clone"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"statusReason"}},{"kind":"Field","name":{"kind":"Name","value":"failover"}},{"kind":"Field","name":{"kind":"Name","value":"progressPhase"}},{"kind":"Field","name":{"kind":"Name","value":"progressPercent"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}}]}}]} as unknown as DocumentNode<DeleteCloneMutation, DeleteCloneMutationVariables>;
export const CloneDetailsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"CloneDetails"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"clone"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"CloneRow"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"deletedAt"}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}},{"kind":"Field","name":{"kind":"Name","value":"network"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"machine"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"guestIp"}},{"kind":"Field","name":{"kind":"Name","value":"powerState"}},{"kind":"Field","name":{"kind":"Name","value":"online"}},{"kind":"Field","name":{"kind":"Name","value":"cpu"}},{"kind":"Field","name":{"kind":"Name","value":"ramGb"}},{"kind":"Field","name":{"kind":"Name","value":"lastOnlineAt"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"CloneRow"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Clone"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"statusReason"}},{"kind":"Field","name":{"kind":"Name","value":"failover"}},{"kind":"Field","name":{"kind":"Name","value":"progressPhase"}},{"kind":"Field","name":{"kind":"Name","value":"progressPercent"}},{"kind":"Field","name":{"kind":"Name","value":"cpu"}},{"kind":"Field","name":{"kind":"Name","value":"ramGb"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastRestoredAt"}},{"kind":"Field","name":{"kind":"Name","value":"standbyLagSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"createdBy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"username"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"primaryMachine"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"configuration"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"image"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"machine"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"guestIp"}},{"kind":"Field","name":{"kind":"Name","value":"powerState"}}]}}]}}]} as unknown as DocumentNode<CloneDetailsQuery, CloneDetailsQueryVariables>;
export const CloneSnapshotsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"CloneSnapshots"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"clone"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"snapshots"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"20"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"trigger"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"finishedAt"}},{"kind":"Field","name":{"kind":"Name","value":"durationMs"}},{"kind":"Field","name":{"kind":"Name","value":"sizeBytes"}},{"kind":"Field","name":{"kind":"Name","value":"error"}},{"kind":"Field","name":{"kind":"Name","value":"prunedAt"}},{"kind":"Field","name":{"kind":"Name","value":"sourceMachine"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<CloneSnapshotsQuery, CloneSnapshotsQueryVariables>;
export const CloneRestoresDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"CloneRestores"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"clone"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"restores"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"20"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"trigger"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"finishedAt"}},{"kind":"Field","name":{"kind":"Name","value":"error"}},{"kind":"Field","name":{"kind":"Name","value":"snapshot"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"targetMachine"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<CloneRestoresQuery, CloneRestoresQueryVariables>;
export const CloneHistoryDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"CloneHistory"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"clone"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"events"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"20"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"actorKind"}},{"kind":"Field","name":{"kind":"Name","value":"data"}},{"kind":"Field","name":{"kind":"Name","value":"actor"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"username"}}]}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<CloneHistoryQuery, CloneHistoryQueryVariables>;