// Every GraphQL operation the web app sends; graphql-codegen's client preset types them from
// schema.graphql (`npm run web:codegen` → src/gql).
import { graphql } from './gql';

export const MeQuery = graphql(`
  query Me {
    me { id username name role }
  }
`);

export const LoginMutation = graphql(`
  mutation Login($username: String!, $password: String!) {
    login(username: $username, password: $password) {
      token
      expiresAt
      user { id username name role }
    }
  }
`);

export const LogoutMutation = graphql(`
  mutation Logout { logout }
`);

export const CloneRowFields = graphql(`
  fragment CloneRow on Clone {
    id
    name
    status
    statusReason
    failover
    progressPhase
    progressPercent
    cpu
    ramGb
    createdAt
    lastRestoredAt
    standbyLagSeconds
    createdBy { id username name }
    primaryMachine { id name }
    configuration { id name }
    image { id name }
    machine { id name guestIp powerState }
  }
`);

export const ClonesQuery = graphql(`
  query Clones($first: Int, $after: String, $last: Int, $before: String, $filter: CloneFilter, $orderBy: CloneOrder) {
    clones(first: $first, after: $after, last: $last, before: $before, filter: $filter, orderBy: $orderBy) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { cursor node { ...CloneRow } }
    }
  }
`);

// The choices the form and the filters offer, in three queries (one would pass the API's cost
// limit, which counts the __typename urql adds to every selection).
export const ChoicesQuery = graphql(`
  query CloneChoices {
    configurations(first: 100, orderBy: { field: NAME }) {
      edges { node { id name primaryMachine { id name } } }
    }
    vmImages { id name defaultCpu defaultRamGb removedAt guestOsFamily application { id name } }
    networks { id name removedAt }
  }
`);

export const PrimaryChoicesQuery = graphql(`
  query PrimaryChoices {
    machines(first: 100, filter: { kind: PRIMARY }) { edges { node { id name } } }
  }
`);

export const UserChoicesQuery = graphql(`
  query UserChoices {
    users(first: 100) { edges { node { id username name } } }
  }
`);

export const ResourcesQuery = graphql(`
  query Resources {
    resources {
      sampledAt
      cpuCores { total used available }
      ramGb { total used available }
      clones { cpuCores ramGb }
    }
  }
`);

export const CloneStatusSubscription = graphql(`
  subscription CloneStatusChanges($cloneId: ID) {
    cloneStatusChanged(cloneId: $cloneId) {
      status
      failover
      at
      clone {
        id status statusReason failover progressPhase progressPercent updatedAt lastRestoredAt standbyLagSeconds
        machine { id name guestIp powerState }
      }
    }
  }
`);

export const CloneEventsSubscription = graphql(`
  subscription CloneEventFeed($cloneId: ID!) {
    cloneEvents(cloneId: $cloneId) {
      id
      type
      createdAt
      clone { id status statusReason failover progressPhase progressPercent machine { id name guestIp powerState } }
    }
  }
`);

export const CreateCloneMutation = graphql(`
  mutation CreateClone($input: CreateCloneInput!) {
    createClone(input: $input) { ...CloneRow }
  }
`);

export const RdpCredentialsQuery = graphql(`
  query RdpCredentials($id: ID!) {
    clone(id: $id) { id rdpCredentials { available unavailableReason protocol host port username password } }
  }
`);

const CloneStateFields = graphql(`
  fragment CloneState on Clone { id status statusReason failover progressPhase progressPercent updatedAt }
`);
void CloneStateFields;

// An Operation as the web app shows it: an action's progress and outcome, and a clone's list.
export const OperationFieldsFragment = graphql(`
  fragment OperationFields on Operation {
    id type status phase error forced requestedAt startedAt finishedAt
    requestedBy { id username }
  }
`);

/** Every clone mutation answers with the Operation it queued (`currentOperation`). */
const ClonePlusOperation = graphql(`
  fragment CloneAndOperation on Clone { ...CloneState currentOperation { ...OperationFields } }
`);
void ClonePlusOperation;

export const StartFailoverMutation = graphql(`
  mutation StartFailover($cloneId: ID!, $force: Boolean, $fencePrimary: Boolean) {
    startFailover(cloneId: $cloneId, force: $force, fencePrimary: $fencePrimary) { ...CloneAndOperation }
  }
`);
export const EndFailoverMutation = graphql(`
  mutation EndFailover($cloneId: ID!, $discard: Boolean) {
    endFailover(cloneId: $cloneId, discardFailoverState: $discard) { ...CloneAndOperation }
  }
`);
export const CreateSnapshotMutation = graphql(`
  mutation CreateSnapshot($cloneId: ID!) {
    createSnapshot(cloneId: $cloneId) { id name status trigger startedAt clone { ...CloneState } operation { ...OperationFields } }
  }
`);
export const RestoreCloneMutation = graphql(`
  mutation RestoreClone($cloneId: ID!, $snapshotId: ID!) {
    restoreClone(cloneId: $cloneId, snapshotId: $snapshotId) { ...CloneAndOperation }
  }
`);
export const StartCloneMutation = graphql(`
  mutation StartClone($cloneId: ID!) { startClone(cloneId: $cloneId) { ...CloneAndOperation } }
`);
export const StopCloneMutation = graphql(`
  mutation StopClone($cloneId: ID!) { stopClone(cloneId: $cloneId) { ...CloneAndOperation } }
`);
export const SuspendCloneMutation = graphql(`
  mutation SuspendClone($cloneId: ID!) { suspendClone(cloneId: $cloneId) { ...CloneAndOperation } }
`);
export const ResumeCloneMutation = graphql(`
  mutation ResumeClone($cloneId: ID!) { resumeClone(cloneId: $cloneId) { ...CloneAndOperation } }
`);
export const RebootCloneMutation = graphql(`
  mutation RebootClone($cloneId: ID!) { rebootClone(cloneId: $cloneId) { ...CloneAndOperation } }
`);
export const DeleteCloneMutation = graphql(`
  mutation DeleteClone($cloneId: ID!) { deleteClone(cloneId: $cloneId) { ...CloneAndOperation } }
`);

/** One Operation, read when an action's outcome is first shown (then kept live by OperationChangedSubscription). */
export const OperationQuery = graphql(`
  query Operation($id: ID!) { operation(id: $id) { ...OperationFields } }
`);

/** Changes of one operation (an action's outcome) or of a clone's operations (its page's list). */
export const OperationChangedSubscription = graphql(`
  subscription OperationChanged($cloneId: ID, $operationId: ID) {
    operationChanged(cloneId: $cloneId, operationId: $operationId) {
      at
      operation { ...OperationFields clone { id } }
    }
  }
`);

/** The API's readiness answer, read fresh when the failover confirmation opens. */
export const FailoverReadinessQuery = graphql(`
  query FailoverReadiness($id: ID!) {
    clone(id: $id) {
      id
      failoverReadiness {
        ready overridable reasons status standbyLagSeconds rpoTargetSeconds
        lastRestore { status finishedAt error }
      }
    }
  }
`);

// A clone's page, in five queries (together they would pass the API's cost limit); the newest 20
// snapshots, restores and events.
export const CloneDetailsQuery = graphql(`
  query CloneDetails($id: ID!) {
    clone(id: $id) {
      ...CloneRow
      description
      deletedAt
      updatedAt
      network { id name }
      machine { id name guestIp powerState online cpu ramGb lastOnlineAt }
    }
  }
`);

export const CloneSnapshotsQuery = graphql(`
  query CloneSnapshots($id: ID!) {
    clone(id: $id) {
      id
      snapshots(first: 20) {
        totalCount
        edges {
          node { id name trigger status restorable startedAt finishedAt durationMs sizeBytes error prunedAt sourceMachine { id name } }
        }
      }
    }
  }
`);

export const CloneRestoresQuery = graphql(`
  query CloneRestores($id: ID!) {
    clone(id: $id) {
      id
      restores(first: 20) {
        totalCount
        edges {
          node { id trigger status startedAt finishedAt error snapshot { id name } targetMachine { id name } }
        }
      }
    }
  }
`);

export const CloneHistoryQuery = graphql(`
  query CloneHistory($id: ID!) {
    clone(id: $id) {
      id
      events(first: 20) {
        totalCount
        edges { node { id type createdAt actorKind data actor { id username } } }
      }
    }
  }
`);

export const CloneOperationsQuery = graphql(`
  query CloneOperations($id: ID!) {
    clone(id: $id) {
      id
      operations(first: 20) {
        totalCount
        edges { node { ...OperationFields } }
      }
    }
  }
`);
