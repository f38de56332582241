// The peer of benchmark 8: PostGraphile 5 (a devDependency) serving the same database, asked for
// the same Clones page through its generated schema. Loaded only by the bench.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { postgraphile } from 'postgraphile';
import { makePgService } from 'postgraphile/adaptors/pg';
import { grafserv } from 'postgraphile/grafserv/node';
import { PostGraphileAmberPreset } from 'postgraphile/presets/amber';

const MACHINE = 'id name kind powerState online guestIp cpu ramGb lastOnlineAt vsphereRef createdAt removedAt';

/** The Clones page in PostGraphile's names: the same rows, columns and relations as Enclave's. */
export const PEER_PAGE_QUERY = `{
  allClones(first: 50, orderBy: [CREATED_AT_DESC, PRIMARY_KEY_DESC], condition: { deletedAt: null }) {
    pageInfo { hasNextPage endCursor }
    edges { cursor node {
      id name description status statusReason failover cpu ramGb progressPercent progressPhase lastRestoredAt
      idempotencyKey createdAt updatedAt deletedAt
      userByCreatedById { id username name }
      vmImageByImageId { id name guestOs }
      configurationByConfigurationId { id name machineByPrimaryMachineId { ${MACHINE} } }
      networkByNetworkId { id name }
      machineByMachineId { ${MACHINE} }
    } }
  }
}`;

export async function servePostGraphile(databaseUrl: string, poolSize: number) {
  const pgl = postgraphile({
    extends: [PostGraphileAmberPreset],
    // By default PostGraphile filters only on indexed columns; the page filters on deletedAt.
    disablePlugins: ['PgIndexBehaviorsPlugin'],
    pgServices: [makePgService({ connectionString: databaseUrl, schemas: ['public'], poolConfig: { max: poolSize } } as Parameters<typeof makePgService>[0])],
    grafserv: { graphqlPath: '/graphql', graphiql: false },
    grafast: { explain: false },
  });
  const serv = pgl.createServ(grafserv);
  const server = createServer();
  serv.addTo(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pgl.release();
    },
  };
}
