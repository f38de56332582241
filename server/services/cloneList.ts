// The clones list (the Clones page): one page in two steps, so its speed does not depend on the
// planner's statistics. Step one finds the page's IDs in the Clone table alone (filters, order and
// cursor; the list's indexes make it an ordered index scan that stops at the page size); step two
// reads those rows, with the columns and relations the GraphQL selection asks for, by primary key
// (a selection of the clone's own columns only is read by step one itself: it joins nothing).
// A single query joining the relations (Prisma's relationJoins) leaves the planner free to join
// every matching row before sorting and cutting the page: with statistics from a smaller table it
// did, and the page took 20× longer (issue 16).
import type { Clone, Prisma, PrismaClient } from '../../prisma/client.js';

/** What the Pothos connection passes: its selection plus the page (take, skip, cursor). */
export type ClonePageQuery = {
  take?: number;
  skip?: number;
  cursor?: Prisma.CloneWhereUniqueInput;
  select?: Prisma.CloneSelect;
  include?: Prisma.CloneInclude;
};

/** The page's rows in the page's order, shaped by the query's selection (typed as the model, as Pothos expects). */
export async function clonePage(
  prisma: PrismaClient,
  query: ClonePageQuery,
  where: Prisma.CloneWhereInput,
  orderBy: Prisma.CloneOrderByWithRelationInput[],
): Promise<Clone[]> {
  const { take, skip, cursor, ...selection } = query;
  const window = {
    where,
    orderBy,
    ...(take !== undefined ? { take } : {}),
    ...(skip !== undefined ? { skip } : {}),
    ...(cursor !== undefined ? { cursor } : {}),
  };
  // A selection of Clone's own columns joins nothing: step one can read them itself.
  if (selection.select && Object.values(selection.select).every((value) => typeof value === 'boolean')) {
    return (await prisma.clone.findMany({ ...window, select: { ...selection.select, id: true } })) as Clone[];
  }
  const page = await prisma.clone.findMany({ ...window, select: { id: true } });
  if (page.length === 0) return [];
  const ids = page.map((row) => row.id);
  const args: Prisma.CloneFindManyArgs = { where: { id: { in: ids } } };
  if (selection.select) args.select = { ...selection.select, id: true };
  else if (selection.include) args.include = selection.include;
  const rows = (await prisma.clone.findMany(args)) as Clone[];
  // Step one's order; a row soft-deleted in between is still there (deletion only marks it).
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.map((id) => byId.get(id)).filter((row) => row !== undefined);
}

/**
 * How many clones `where` matches. The two unfiltered counts (live clones, and every clone) are
 * read from the tally PostgreSQL keeps with triggers (migration clone_tally): counting 100,000
 * rows took 27 ms, every page load (issue 16). Any filter counts the rows.
 */
export async function cloneCount(prisma: PrismaClient, where: Prisma.CloneWhereInput): Promise<number> {
  const conditions = Object.entries(where).filter(([, value]) => value !== undefined);
  const kind =
    conditions.length === 0 ? 'all' : conditions.length === 1 && conditions[0]![0] === 'deletedAt' && conditions[0]![1] === null ? 'live' : null;
  if (kind) {
    const tally = await prisma.cloneTally.findUnique({ where: { id: 1 } });
    if (tally) return tally[kind];
  }
  return prisma.clone.count({ where });
}
