/**
 * Managed object references. vSphere identifies every server-side object by a (type, value)
 * pair such as ("VirtualMachine", "vm-42"). The public API of this package passes them as one
 * string, "VirtualMachine:vm-42", because that is what the database stores and what survives
 * Temporal payload serialization unchanged; the SOAP layer works with the structured form.
 */

export interface MoRef {
  readonly type: string;
  readonly value: string;
}

export function formatRef(ref: MoRef): string {
  return `${ref.type}:${ref.value}`;
}

/** Parses "Type:value". Type names never contain ':', so the first colon separates the parts. */
export function parseRef(ref: string): MoRef {
  const at = ref.indexOf(':');
  if (at <= 0 || at === ref.length - 1) {
    throw new TypeError(`invalid managed object reference ${JSON.stringify(ref)}; expected "Type:value"`);
  }
  return { type: ref.slice(0, at), value: ref.slice(at + 1) };
}

/** Like parseRef, but also checks the type, so a port group ref passed as a VM fails early and clearly. */
export function parseRefOfType(ref: string, ...types: string[]): MoRef {
  const parsed = parseRef(ref);
  if (!types.includes(parsed.type)) {
    throw new TypeError(`expected a ${types.join(' or ')} reference, got ${JSON.stringify(ref)}`);
  }
  return parsed;
}

export function sameRef(a: MoRef, b: MoRef): boolean {
  return a.type === b.type && a.value === b.value;
}
