// Which Operation a mutation queued, carried from the mutation's resolver to the
// `currentOperation` field of the Clone it answers with (the same object, for this request only).
const queued = new WeakMap<object, string>();

/** Marks `clone` (a mutation's answer) with the Operation that mutation queued. */
export function withOperation<T extends object>(clone: T, operationId: string | undefined): T {
  if (operationId) queued.set(clone, operationId);
  return clone;
}

export const queuedByMutation: Pick<WeakMap<object, string>, 'get'> = queued;
