// The GraphQL operations the benchmarks send: the Clones page is the SDK's `CloneFields` (every
// column and relation the page shows), without totalCount (measured on its own).
const MACHINE = 'id name kind powerState online guestIp cpu ramGb lastOnlineAt vsphereRef createdAt removedAt';

export const CLONE_FIELDS = `
  id name description status statusReason failover cpu ramGb progressPercent progressPhase lastRestoredAt
  standbyLagSeconds idempotencyKey createdAt updatedAt deletedAt
  createdBy { id username name }
  image { id name guestOs }
  configuration { id name }
  network { id name }
  primaryMachine { ${MACHINE} }
  machine { ${MACHINE} }`;

export const PAGE_QUERY = `query ClonesPage($filter: CloneFilter, $orderBy: CloneOrder, $first: Int) {
  clones(filter: $filter, orderBy: $orderBy, first: $first) {
    pageInfo { hasNextPage endCursor }
    edges { cursor node { ${CLONE_FIELDS} } }
  }
}`;

export const COUNT_QUERY = '{ clones(first: 0) { totalCount } }';

export const ONE_ROW_QUERY = '{ clones(first: 1) { edges { node { id name } } } }';

export const ME_QUERY = '{ me { id username role } }';

export const LOGIN = 'mutation Login($username: String!, $password: String!) { login(username: $username, password: $password) { token } }';

export const CREATE_CLONE = 'mutation Create($input: CreateCloneInput!) { createClone(input: $input) { id status } }';
