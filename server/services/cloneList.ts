// The clones list (the Clones page): one page in two steps, so its speed does not depend on the
// planner's statistics. Step one finds the page's IDs in the Clone table alone (filters, order and
// cursor; the list's indexes make it an ordered index scan that stops at the page size); step two
// reads those rows, with the columns and relations the GraphQL selection asks for, by primary key.
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
  const page = await prisma.clone.findMany({
    where,
    orderBy,
    select: { id: true },
    ...(take !== undefined ? { take } : {}),
    ...(skip !== undefined ? { skip } : {}),
    ...(cursor !== undefined ? { cursor } : {}),
  });
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
