/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query Me {\n    me { id username name role }\n  }\n": typeof types.MeDocument,
    "\n  mutation Login($username: String!, $password: String!) {\n    login(username: $username, password: $password) {\n      token\n      expiresAt\n      user { id username name role }\n    }\n  }\n": typeof types.LoginDocument,
    "\n  mutation Logout { logout }\n": typeof types.LogoutDocument,
    "\n  fragment CloneRow on Clone {\n    id\n    name\n    status\n    statusReason\n    failover\n    progressPhase\n    progressPercent\n    cpu\n    ramGb\n    createdAt\n    lastRestoredAt\n    standbyLagSeconds\n    createdBy { id username name }\n    primaryMachine { id name }\n    configuration { id name }\n    image { id name }\n    machine { id name guestIp powerState }\n  }\n": typeof types.CloneRowFragmentDoc,
    "\n  query Clones($first: Int, $after: String, $last: Int, $before: String, $filter: CloneFilter, $orderBy: CloneOrder) {\n    clones(first: $first, after: $after, last: $last, before: $before, filter: $filter, orderBy: $orderBy) {\n      totalCount\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n      edges { cursor node { ...CloneRow } }\n    }\n  }\n": typeof types.ClonesDocument,
    "\n  query CloneChoices {\n    configurations(first: 100, orderBy: { field: NAME }) {\n      edges { node { id name primaryMachine { id name } } }\n    }\n    vmImages { id name defaultCpu defaultRamGb removedAt guestOsFamily application { id name } }\n    networks { id name removedAt }\n  }\n": typeof types.CloneChoicesDocument,
    "\n  query PrimaryChoices {\n    machines(first: 100, filter: { kind: PRIMARY }) { edges { node { id name } } }\n  }\n": typeof types.PrimaryChoicesDocument,
    "\n  query UserChoices {\n    users(first: 100) { edges { node { id username name } } }\n  }\n": typeof types.UserChoicesDocument,
    "\n  query Resources {\n    resources {\n      sampledAt\n      cpuCores { total used available }\n      ramGb { total used available }\n      clones { cpuCores ramGb }\n    }\n  }\n": typeof types.ResourcesDocument,
    "\n  subscription CloneStatusChanges($cloneId: ID) {\n    cloneStatusChanged(cloneId: $cloneId) {\n      status\n      failover\n      at\n      clone {\n        id status statusReason failover progressPhase progressPercent updatedAt lastRestoredAt standbyLagSeconds\n        machine { id name guestIp powerState }\n      }\n    }\n  }\n": typeof types.CloneStatusChangesDocument,
    "\n  subscription CloneEventFeed($cloneId: ID!) {\n    cloneEvents(cloneId: $cloneId) {\n      id\n      type\n      createdAt\n      clone { id status statusReason failover progressPhase progressPercent machine { id name guestIp powerState } }\n    }\n  }\n": typeof types.CloneEventFeedDocument,
    "\n  mutation CreateClone($input: CreateCloneInput!) {\n    createClone(input: $input) { ...CloneRow }\n  }\n": typeof types.CreateCloneDocument,
    "\n  query RdpCredentials($id: ID!) {\n    clone(id: $id) { id rdpCredentials { available unavailableReason protocol host port username password } }\n  }\n": typeof types.RdpCredentialsDocument,
    "\n  fragment CloneState on Clone { id status statusReason failover progressPhase progressPercent updatedAt }\n": typeof types.CloneStateFragmentDoc,
    "\n  fragment OperationFields on Operation {\n    id type status phase error forced requestedAt startedAt finishedAt\n    requestedBy { id username }\n  }\n": typeof types.OperationFieldsFragmentDoc,
    "\n  fragment CloneAndOperation on Clone { ...CloneState currentOperation { ...OperationFields } }\n": typeof types.CloneAndOperationFragmentDoc,
    "\n  mutation StartFailover($cloneId: ID!, $force: Boolean, $fencePrimary: Boolean) {\n    startFailover(cloneId: $cloneId, force: $force, fencePrimary: $fencePrimary) { ...CloneAndOperation }\n  }\n": typeof types.StartFailoverDocument,
    "\n  mutation EndFailover($cloneId: ID!, $discard: Boolean) {\n    endFailover(cloneId: $cloneId, discardFailoverState: $discard) { ...CloneAndOperation }\n  }\n": typeof types.EndFailoverDocument,
    "\n  mutation CreateSnapshot($cloneId: ID!) {\n    createSnapshot(cloneId: $cloneId) { id name status trigger startedAt clone { ...CloneState } operation { ...OperationFields } }\n  }\n": typeof types.CreateSnapshotDocument,
    "\n  mutation RestoreClone($cloneId: ID!, $snapshotId: ID!) {\n    restoreClone(cloneId: $cloneId, snapshotId: $snapshotId) { ...CloneAndOperation }\n  }\n": typeof types.RestoreCloneDocument,
    "\n  mutation StartClone($cloneId: ID!) { startClone(cloneId: $cloneId) { ...CloneAndOperation } }\n": typeof types.StartCloneDocument,
    "\n  mutation StopClone($cloneId: ID!) { stopClone(cloneId: $cloneId) { ...CloneAndOperation } }\n": typeof types.StopCloneDocument,
    "\n  mutation SuspendClone($cloneId: ID!) { suspendClone(cloneId: $cloneId) { ...CloneAndOperation } }\n": typeof types.SuspendCloneDocument,
    "\n  mutation ResumeClone($cloneId: ID!) { resumeClone(cloneId: $cloneId) { ...CloneAndOperation } }\n": typeof types.ResumeCloneDocument,
    "\n  mutation RebootClone($cloneId: ID!) { rebootClone(cloneId: $cloneId) { ...CloneAndOperation } }\n": typeof types.RebootCloneDocument,
    "\n  mutation DeleteClone($cloneId: ID!) { deleteClone(cloneId: $cloneId) { ...CloneAndOperation } }\n": typeof types.DeleteCloneDocument,
    "\n  query Operation($id: ID!) { operation(id: $id) { ...OperationFields } }\n": typeof types.OperationDocument,
    "\n  subscription OperationChanged($cloneId: ID, $operationId: ID) {\n    operationChanged(cloneId: $cloneId, operationId: $operationId) {\n      at\n      operation { ...OperationFields clone { id } }\n    }\n  }\n": typeof types.OperationChangedDocument,
    "\n  query FailoverReadiness($id: ID!) {\n    clone(id: $id) {\n      id\n      failoverReadiness {\n        ready overridable reasons status standbyLagSeconds rpoTargetSeconds\n        lastRestore { status finishedAt error }\n      }\n    }\n  }\n": typeof types.FailoverReadinessDocument,
    "\n  query CloneDetails($id: ID!) {\n    clone(id: $id) {\n      ...CloneRow\n      description\n      deletedAt\n      updatedAt\n      network { id name }\n      machine { id name guestIp powerState online cpu ramGb lastOnlineAt }\n    }\n  }\n": typeof types.CloneDetailsDocument,
    "\n  query CloneSnapshots($id: ID!) {\n    clone(id: $id) {\n      id\n      snapshots(first: 20) {\n        totalCount\n        edges {\n          node { id name trigger status restorable startedAt finishedAt durationMs sizeBytes error prunedAt sourceMachine { id name } }\n        }\n      }\n    }\n  }\n": typeof types.CloneSnapshotsDocument,
    "\n  query CloneRestores($id: ID!) {\n    clone(id: $id) {\n      id\n      restores(first: 20) {\n        totalCount\n        edges {\n          node { id trigger status startedAt finishedAt error snapshot { id name } targetMachine { id name } }\n        }\n      }\n    }\n  }\n": typeof types.CloneRestoresDocument,
    "\n  query CloneHistory($id: ID!) {\n    clone(id: $id) {\n      id\n      events(first: 20) {\n        totalCount\n        edges { node { id type createdAt actorKind data actor { id username } } }\n      }\n    }\n  }\n": typeof types.CloneHistoryDocument,
    "\n  query CloneOperations($id: ID!) {\n    clone(id: $id) {\n      id\n      operations(first: 20) {\n        totalCount\n        edges { node { ...OperationFields } }\n      }\n    }\n  }\n": typeof types.CloneOperationsDocument,
};
const documents: Documents = {
    "\n  query Me {\n    me { id username name role }\n  }\n": types.MeDocument,
    "\n  mutation Login($username: String!, $password: String!) {\n    login(username: $username, password: $password) {\n      token\n      expiresAt\n      user { id username name role }\n    }\n  }\n": types.LoginDocument,
    "\n  mutation Logout { logout }\n": types.LogoutDocument,
    "\n  fragment CloneRow on Clone {\n    id\n    name\n    status\n    statusReason\n    failover\n    progressPhase\n    progressPercent\n    cpu\n    ramGb\n    createdAt\n    lastRestoredAt\n    standbyLagSeconds\n    createdBy { id username name }\n    primaryMachine { id name }\n    configuration { id name }\n    image { id name }\n    machine { id name guestIp powerState }\n  }\n": types.CloneRowFragmentDoc,
    "\n  query Clones($first: Int, $after: String, $last: Int, $before: String, $filter: CloneFilter, $orderBy: CloneOrder) {\n    clones(first: $first, after: $after, last: $last, before: $before, filter: $filter, orderBy: $orderBy) {\n      totalCount\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n      edges { cursor node { ...CloneRow } }\n    }\n  }\n": types.ClonesDocument,
    "\n  query CloneChoices {\n    configurations(first: 100, orderBy: { field: NAME }) {\n      edges { node { id name primaryMachine { id name } } }\n    }\n    vmImages { id name defaultCpu defaultRamGb removedAt guestOsFamily application { id name } }\n    networks { id name removedAt }\n  }\n": types.CloneChoicesDocument,
    "\n  query PrimaryChoices {\n    machines(first: 100, filter: { kind: PRIMARY }) { edges { node { id name } } }\n  }\n": types.PrimaryChoicesDocument,
    "\n  query UserChoices {\n    users(first: 100) { edges { node { id username name } } }\n  }\n": types.UserChoicesDocument,
    "\n  query Resources {\n    resources {\n      sampledAt\n      cpuCores { total used available }\n      ramGb { total used available }\n      clones { cpuCores ramGb }\n    }\n  }\n": types.ResourcesDocument,
    "\n  subscription CloneStatusChanges($cloneId: ID) {\n    cloneStatusChanged(cloneId: $cloneId) {\n      status\n      failover\n      at\n      clone {\n        id status statusReason failover progressPhase progressPercent updatedAt lastRestoredAt standbyLagSeconds\n        machine { id name guestIp powerState }\n      }\n    }\n  }\n": types.CloneStatusChangesDocument,
    "\n  subscription CloneEventFeed($cloneId: ID!) {\n    cloneEvents(cloneId: $cloneId) {\n      id\n      type\n      createdAt\n      clone { id status statusReason failover progressPhase progressPercent machine { id name guestIp powerState } }\n    }\n  }\n": types.CloneEventFeedDocument,
    "\n  mutation CreateClone($input: CreateCloneInput!) {\n    createClone(input: $input) { ...CloneRow }\n  }\n": types.CreateCloneDocument,
    "\n  query RdpCredentials($id: ID!) {\n    clone(id: $id) { id rdpCredentials { available unavailableReason protocol host port username password } }\n  }\n": types.RdpCredentialsDocument,
    "\n  fragment CloneState on Clone { id status statusReason failover progressPhase progressPercent updatedAt }\n": types.CloneStateFragmentDoc,
    "\n  fragment OperationFields on Operation {\n    id type status phase error forced requestedAt startedAt finishedAt\n    requestedBy { id username }\n  }\n": types.OperationFieldsFragmentDoc,
    "\n  fragment CloneAndOperation on Clone { ...CloneState currentOperation { ...OperationFields } }\n": types.CloneAndOperationFragmentDoc,
    "\n  mutation StartFailover($cloneId: ID!, $force: Boolean, $fencePrimary: Boolean) {\n    startFailover(cloneId: $cloneId, force: $force, fencePrimary: $fencePrimary) { ...CloneAndOperation }\n  }\n": types.StartFailoverDocument,
    "\n  mutation EndFailover($cloneId: ID!, $discard: Boolean) {\n    endFailover(cloneId: $cloneId, discardFailoverState: $discard) { ...CloneAndOperation }\n  }\n": types.EndFailoverDocument,
    "\n  mutation CreateSnapshot($cloneId: ID!) {\n    createSnapshot(cloneId: $cloneId) { id name status trigger startedAt clone { ...CloneState } operation { ...OperationFields } }\n  }\n": types.CreateSnapshotDocument,
    "\n  mutation RestoreClone($cloneId: ID!, $snapshotId: ID!) {\n    restoreClone(cloneId: $cloneId, snapshotId: $snapshotId) { ...CloneAndOperation }\n  }\n": types.RestoreCloneDocument,
    "\n  mutation StartClone($cloneId: ID!) { startClone(cloneId: $cloneId) { ...CloneAndOperation } }\n": types.StartCloneDocument,
    "\n  mutation StopClone($cloneId: ID!) { stopClone(cloneId: $cloneId) { ...CloneAndOperation } }\n": types.StopCloneDocument,
    "\n  mutation SuspendClone($cloneId: ID!) { suspendClone(cloneId: $cloneId) { ...CloneAndOperation } }\n": types.SuspendCloneDocument,
    "\n  mutation ResumeClone($cloneId: ID!) { resumeClone(cloneId: $cloneId) { ...CloneAndOperation } }\n": types.ResumeCloneDocument,
    "\n  mutation RebootClone($cloneId: ID!) { rebootClone(cloneId: $cloneId) { ...CloneAndOperation } }\n": types.RebootCloneDocument,
    "\n  mutation DeleteClone($cloneId: ID!) { deleteClone(cloneId: $cloneId) { ...CloneAndOperation } }\n": types.DeleteCloneDocument,
    "\n  query Operation($id: ID!) { operation(id: $id) { ...OperationFields } }\n": types.OperationDocument,
    "\n  subscription OperationChanged($cloneId: ID, $operationId: ID) {\n    operationChanged(cloneId: $cloneId, operationId: $operationId) {\n      at\n      operation { ...OperationFields clone { id } }\n    }\n  }\n": types.OperationChangedDocument,
    "\n  query FailoverReadiness($id: ID!) {\n    clone(id: $id) {\n      id\n      failoverReadiness {\n        ready overridable reasons status standbyLagSeconds rpoTargetSeconds\n        lastRestore { status finishedAt error }\n      }\n    }\n  }\n": types.FailoverReadinessDocument,
    "\n  query CloneDetails($id: ID!) {\n    clone(id: $id) {\n      ...CloneRow\n      description\n      deletedAt\n      updatedAt\n      network { id name }\n      machine { id name guestIp powerState online cpu ramGb lastOnlineAt }\n    }\n  }\n": types.CloneDetailsDocument,
    "\n  query CloneSnapshots($id: ID!) {\n    clone(id: $id) {\n      id\n      snapshots(first: 20) {\n        totalCount\n        edges {\n          node { id name trigger status restorable startedAt finishedAt durationMs sizeBytes error prunedAt sourceMachine { id name } }\n        }\n      }\n    }\n  }\n": types.CloneSnapshotsDocument,
    "\n  query CloneRestores($id: ID!) {\n    clone(id: $id) {\n      id\n      restores(first: 20) {\n        totalCount\n        edges {\n          node { id trigger status startedAt finishedAt error snapshot { id name } targetMachine { id name } }\n        }\n      }\n    }\n  }\n": types.CloneRestoresDocument,
    "\n  query CloneHistory($id: ID!) {\n    clone(id: $id) {\n      id\n      events(first: 20) {\n        totalCount\n        edges { node { id type createdAt actorKind data actor { id username } } }\n      }\n    }\n  }\n": types.CloneHistoryDocument,
    "\n  query CloneOperations($id: ID!) {\n    clone(id: $id) {\n      id\n      operations(first: 20) {\n        totalCount\n        edges { node { ...OperationFields } }\n      }\n    }\n  }\n": types.CloneOperationsDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Me {\n    me { id username name role }\n  }\n"): (typeof documents)["\n  query Me {\n    me { id username name role }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Login($username: String!, $password: String!) {\n    login(username: $username, password: $password) {\n      token\n      expiresAt\n      user { id username name role }\n    }\n  }\n"): (typeof documents)["\n  mutation Login($username: String!, $password: String!) {\n    login(username: $username, password: $password) {\n      token\n      expiresAt\n      user { id username name role }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Logout { logout }\n"): (typeof documents)["\n  mutation Logout { logout }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment CloneRow on Clone {\n    id\n    name\n    status\n    statusReason\n    failover\n    progressPhase\n    progressPercent\n    cpu\n    ramGb\n    createdAt\n    lastRestoredAt\n    standbyLagSeconds\n    createdBy { id username name }\n    primaryMachine { id name }\n    configuration { id name }\n    image { id name }\n    machine { id name guestIp powerState }\n  }\n"): (typeof documents)["\n  fragment CloneRow on Clone {\n    id\n    name\n    status\n    statusReason\n    failover\n    progressPhase\n    progressPercent\n    cpu\n    ramGb\n    createdAt\n    lastRestoredAt\n    standbyLagSeconds\n    createdBy { id username name }\n    primaryMachine { id name }\n    configuration { id name }\n    image { id name }\n    machine { id name guestIp powerState }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Clones($first: Int, $after: String, $last: Int, $before: String, $filter: CloneFilter, $orderBy: CloneOrder) {\n    clones(first: $first, after: $after, last: $last, before: $before, filter: $filter, orderBy: $orderBy) {\n      totalCount\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n      edges { cursor node { ...CloneRow } }\n    }\n  }\n"): (typeof documents)["\n  query Clones($first: Int, $after: String, $last: Int, $before: String, $filter: CloneFilter, $orderBy: CloneOrder) {\n    clones(first: $first, after: $after, last: $last, before: $before, filter: $filter, orderBy: $orderBy) {\n      totalCount\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n      edges { cursor node { ...CloneRow } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CloneChoices {\n    configurations(first: 100, orderBy: { field: NAME }) {\n      edges { node { id name primaryMachine { id name } } }\n    }\n    vmImages { id name defaultCpu defaultRamGb removedAt guestOsFamily application { id name } }\n    networks { id name removedAt }\n  }\n"): (typeof documents)["\n  query CloneChoices {\n    configurations(first: 100, orderBy: { field: NAME }) {\n      edges { node { id name primaryMachine { id name } } }\n    }\n    vmImages { id name defaultCpu defaultRamGb removedAt guestOsFamily application { id name } }\n    networks { id name removedAt }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PrimaryChoices {\n    machines(first: 100, filter: { kind: PRIMARY }) { edges { node { id name } } }\n  }\n"): (typeof documents)["\n  query PrimaryChoices {\n    machines(first: 100, filter: { kind: PRIMARY }) { edges { node { id name } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query UserChoices {\n    users(first: 100) { edges { node { id username name } } }\n  }\n"): (typeof documents)["\n  query UserChoices {\n    users(first: 100) { edges { node { id username name } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Resources {\n    resources {\n      sampledAt\n      cpuCores { total used available }\n      ramGb { total used available }\n      clones { cpuCores ramGb }\n    }\n  }\n"): (typeof documents)["\n  query Resources {\n    resources {\n      sampledAt\n      cpuCores { total used available }\n      ramGb { total used available }\n      clones { cpuCores ramGb }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription CloneStatusChanges($cloneId: ID) {\n    cloneStatusChanged(cloneId: $cloneId) {\n      status\n      failover\n      at\n      clone {\n        id status statusReason failover progressPhase progressPercent updatedAt lastRestoredAt standbyLagSeconds\n        machine { id name guestIp powerState }\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription CloneStatusChanges($cloneId: ID) {\n    cloneStatusChanged(cloneId: $cloneId) {\n      status\n      failover\n      at\n      clone {\n        id status statusReason failover progressPhase progressPercent updatedAt lastRestoredAt standbyLagSeconds\n        machine { id name guestIp powerState }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription CloneEventFeed($cloneId: ID!) {\n    cloneEvents(cloneId: $cloneId) {\n      id\n      type\n      createdAt\n      clone { id status statusReason failover progressPhase progressPercent machine { id name guestIp powerState } }\n    }\n  }\n"): (typeof documents)["\n  subscription CloneEventFeed($cloneId: ID!) {\n    cloneEvents(cloneId: $cloneId) {\n      id\n      type\n      createdAt\n      clone { id status statusReason failover progressPhase progressPercent machine { id name guestIp powerState } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateClone($input: CreateCloneInput!) {\n    createClone(input: $input) { ...CloneRow }\n  }\n"): (typeof documents)["\n  mutation CreateClone($input: CreateCloneInput!) {\n    createClone(input: $input) { ...CloneRow }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query RdpCredentials($id: ID!) {\n    clone(id: $id) { id rdpCredentials { available unavailableReason protocol host port username password } }\n  }\n"): (typeof documents)["\n  query RdpCredentials($id: ID!) {\n    clone(id: $id) { id rdpCredentials { available unavailableReason protocol host port username password } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment CloneState on Clone { id status statusReason failover progressPhase progressPercent updatedAt }\n"): (typeof documents)["\n  fragment CloneState on Clone { id status statusReason failover progressPhase progressPercent updatedAt }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment OperationFields on Operation {\n    id type status phase error forced requestedAt startedAt finishedAt\n    requestedBy { id username }\n  }\n"): (typeof documents)["\n  fragment OperationFields on Operation {\n    id type status phase error forced requestedAt startedAt finishedAt\n    requestedBy { id username }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment CloneAndOperation on Clone { ...CloneState currentOperation { ...OperationFields } }\n"): (typeof documents)["\n  fragment CloneAndOperation on Clone { ...CloneState currentOperation { ...OperationFields } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StartFailover($cloneId: ID!, $force: Boolean, $fencePrimary: Boolean) {\n    startFailover(cloneId: $cloneId, force: $force, fencePrimary: $fencePrimary) { ...CloneAndOperation }\n  }\n"): (typeof documents)["\n  mutation StartFailover($cloneId: ID!, $force: Boolean, $fencePrimary: Boolean) {\n    startFailover(cloneId: $cloneId, force: $force, fencePrimary: $fencePrimary) { ...CloneAndOperation }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation EndFailover($cloneId: ID!, $discard: Boolean) {\n    endFailover(cloneId: $cloneId, discardFailoverState: $discard) { ...CloneAndOperation }\n  }\n"): (typeof documents)["\n  mutation EndFailover($cloneId: ID!, $discard: Boolean) {\n    endFailover(cloneId: $cloneId, discardFailoverState: $discard) { ...CloneAndOperation }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateSnapshot($cloneId: ID!) {\n    createSnapshot(cloneId: $cloneId) { id name status trigger startedAt clone { ...CloneState } operation { ...OperationFields } }\n  }\n"): (typeof documents)["\n  mutation CreateSnapshot($cloneId: ID!) {\n    createSnapshot(cloneId: $cloneId) { id name status trigger startedAt clone { ...CloneState } operation { ...OperationFields } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RestoreClone($cloneId: ID!, $snapshotId: ID!) {\n    restoreClone(cloneId: $cloneId, snapshotId: $snapshotId) { ...CloneAndOperation }\n  }\n"): (typeof documents)["\n  mutation RestoreClone($cloneId: ID!, $snapshotId: ID!) {\n    restoreClone(cloneId: $cloneId, snapshotId: $snapshotId) { ...CloneAndOperation }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StartClone($cloneId: ID!) { startClone(cloneId: $cloneId) { ...CloneAndOperation } }\n"): (typeof documents)["\n  mutation StartClone($cloneId: ID!) { startClone(cloneId: $cloneId) { ...CloneAndOperation } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StopClone($cloneId: ID!) { stopClone(cloneId: $cloneId) { ...CloneAndOperation } }\n"): (typeof documents)["\n  mutation StopClone($cloneId: ID!) { stopClone(cloneId: $cloneId) { ...CloneAndOperation } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SuspendClone($cloneId: ID!) { suspendClone(cloneId: $cloneId) { ...CloneAndOperation } }\n"): (typeof documents)["\n  mutation SuspendClone($cloneId: ID!) { suspendClone(cloneId: $cloneId) { ...CloneAndOperation } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ResumeClone($cloneId: ID!) { resumeClone(cloneId: $cloneId) { ...CloneAndOperation } }\n"): (typeof documents)["\n  mutation ResumeClone($cloneId: ID!) { resumeClone(cloneId: $cloneId) { ...CloneAndOperation } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RebootClone($cloneId: ID!) { rebootClone(cloneId: $cloneId) { ...CloneAndOperation } }\n"): (typeof documents)["\n  mutation RebootClone($cloneId: ID!) { rebootClone(cloneId: $cloneId) { ...CloneAndOperation } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteClone($cloneId: ID!) { deleteClone(cloneId: $cloneId) { ...CloneAndOperation } }\n"): (typeof documents)["\n  mutation DeleteClone($cloneId: ID!) { deleteClone(cloneId: $cloneId) { ...CloneAndOperation } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Operation($id: ID!) { operation(id: $id) { ...OperationFields } }\n"): (typeof documents)["\n  query Operation($id: ID!) { operation(id: $id) { ...OperationFields } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription OperationChanged($cloneId: ID, $operationId: ID) {\n    operationChanged(cloneId: $cloneId, operationId: $operationId) {\n      at\n      operation { ...OperationFields clone { id } }\n    }\n  }\n"): (typeof documents)["\n  subscription OperationChanged($cloneId: ID, $operationId: ID) {\n    operationChanged(cloneId: $cloneId, operationId: $operationId) {\n      at\n      operation { ...OperationFields clone { id } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query FailoverReadiness($id: ID!) {\n    clone(id: $id) {\n      id\n      failoverReadiness {\n        ready overridable reasons status standbyLagSeconds rpoTargetSeconds\n        lastRestore { status finishedAt error }\n      }\n    }\n  }\n"): (typeof documents)["\n  query FailoverReadiness($id: ID!) {\n    clone(id: $id) {\n      id\n      failoverReadiness {\n        ready overridable reasons status standbyLagSeconds rpoTargetSeconds\n        lastRestore { status finishedAt error }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CloneDetails($id: ID!) {\n    clone(id: $id) {\n      ...CloneRow\n      description\n      deletedAt\n      updatedAt\n      network { id name }\n      machine { id name guestIp powerState online cpu ramGb lastOnlineAt }\n    }\n  }\n"): (typeof documents)["\n  query CloneDetails($id: ID!) {\n    clone(id: $id) {\n      ...CloneRow\n      description\n      deletedAt\n      updatedAt\n      network { id name }\n      machine { id name guestIp powerState online cpu ramGb lastOnlineAt }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CloneSnapshots($id: ID!) {\n    clone(id: $id) {\n      id\n      snapshots(first: 20) {\n        totalCount\n        edges {\n          node { id name trigger status restorable startedAt finishedAt durationMs sizeBytes error prunedAt sourceMachine { id name } }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query CloneSnapshots($id: ID!) {\n    clone(id: $id) {\n      id\n      snapshots(first: 20) {\n        totalCount\n        edges {\n          node { id name trigger status restorable startedAt finishedAt durationMs sizeBytes error prunedAt sourceMachine { id name } }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CloneRestores($id: ID!) {\n    clone(id: $id) {\n      id\n      restores(first: 20) {\n        totalCount\n        edges {\n          node { id trigger status startedAt finishedAt error snapshot { id name } targetMachine { id name } }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query CloneRestores($id: ID!) {\n    clone(id: $id) {\n      id\n      restores(first: 20) {\n        totalCount\n        edges {\n          node { id trigger status startedAt finishedAt error snapshot { id name } targetMachine { id name } }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CloneHistory($id: ID!) {\n    clone(id: $id) {\n      id\n      events(first: 20) {\n        totalCount\n        edges { node { id type createdAt actorKind data actor { id username } } }\n      }\n    }\n  }\n"): (typeof documents)["\n  query CloneHistory($id: ID!) {\n    clone(id: $id) {\n      id\n      events(first: 20) {\n        totalCount\n        edges { node { id type createdAt actorKind data actor { id username } } }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CloneOperations($id: ID!) {\n    clone(id: $id) {\n      id\n      operations(first: 20) {\n        totalCount\n        edges { node { ...OperationFields } }\n      }\n    }\n  }\n"): (typeof documents)["\n  query CloneOperations($id: ID!) {\n    clone(id: $id) {\n      id\n      operations(first: 20) {\n        totalCount\n        edges { node { ...OperationFields } }\n      }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;