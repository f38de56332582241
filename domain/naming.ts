// Names Enclave gives to things it creates in vSphere.

/**
 * The clone VM's name: the clone's name plus the tail of its ID. The ID part makes the name
 * unique to this clone, which is what lets a retried clone call find the VM it already made
 * instead of adopting an unrelated VM that happens to share the clone's name.
 */
export function cloneVmName(clone: { id: string; name: string }): string {
  return `${clone.name.trim()}-${clone.id.replace(/-/g, '').slice(-8)}`;
}

/** A NetBIOS-safe guest hostname (≤ 15 chars, letters, digits, hyphens). */
export function cloneHostname(clone: { id: string; name: string }): string {
  const base = clone.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 10) || 'clone';
  return `${base.replace(/-+$/, '')}-${clone.id.replace(/-/g, '').slice(-4)}`;
}
