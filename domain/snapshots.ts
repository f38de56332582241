// The snapshot restore rule: which snapshot records may be offered for (and accepted by) a restore.
// Pure; the API's `Snapshot.restorable` and `restoreClone` and the workers' queries
// (workflows/snapshots/existence.ts RESTORABLE, the same rule as a database filter) follow it.

/** A snapshot may be restored when it is DONE, was captured in vSphere and is not known to be gone. */
export function isRestorable(snapshot: { status: string; prunedAt: Date | null; vsphereRef: string | null }): boolean {
  return snapshot.status === 'DONE' && snapshot.prunedAt === null && snapshot.vsphereRef !== null;
}
