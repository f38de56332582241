// graphql ships a CommonJS build (its `main`, which Node loads, for the libraries and for the
// API in production) and an ESM build (its `module`, which Vite would pick for our own files):
// two copies of its classes, whose `instanceof` checks fail across them ("Cannot use
// GraphQLSchema from another module or realm"). Every vitest config resolves `graphql` as Node
// does, so the tests run the one copy production runs.
export const GRAPHQL_AS_IN_NODE = [{ find: /^graphql$/, replacement: 'graphql/index.js' }];
