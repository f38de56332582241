// Relay connections page by page, flattened to their nodes.

export interface Connection<TNode> {
  edges: ReadonlyArray<{ node: TNode }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

export interface PageOptions {
  /** Items fetched per request (default 50). */
  pageSize?: number;
}

export const DEFAULT_PAGE_SIZE = 50;

/**
 * Iterates every node of a connection, asking `fetchPage` for the page after `after` (null for
 * the first) until the server reports no next page. A null connection (its parent does not
 * exist) yields nothing.
 */
export async function* paginate<TNode>(
  fetchPage: (after: string | null) => Promise<Connection<TNode> | null>,
): AsyncGenerator<TNode, void, undefined> {
  let after: string | null = null;
  for (;;) {
    const page: Connection<TNode> | null = await fetchPage(after);
    if (!page) return;
    for (const edge of page.edges) yield edge.node;
    if (!page.pageInfo.hasNextPage || !page.pageInfo.endCursor) return;
    after = page.pageInfo.endCursor;
  }
}
