/**
 * PropertyCollector reads: container views over the inventory, paged RetrievePropertiesEx /
 * ContinueRetrievePropertiesEx, and single-object reads.
 */
import { NotAuthenticatedError, NotFoundError } from './errors.js';
import { formatRef, type MoRef } from './refs.js';
import type { SoapSession } from './session.js';
import { many, moRefXml, one, refOf, textOf, toRef, typed, xsiType, type XmlInputObject, type XmlNode } from './xml.js';

export interface ObjectContent {
  ref: MoRef;
  /** Property path -> value node, for the properties that are set on the object. */
  props: Map<string, XmlNode>;
}

/** Reports a dead session that a server returned as MissingSet entries rather than as a fault. */
function checkSession(result: XmlNode | undefined): void {
  for (const object of many(result, 'objects')) {
    for (const missing of many(object, 'missingSet')) {
      if (xsiType(one(one(missing, 'fault'), 'fault')) === 'NotAuthenticated') {
        throw new NotAuthenticatedError('session not authenticated (reported in MissingSet)', { faultType: 'NotAuthenticated' });
      }
    }
  }
}

function decodeObjects(result: XmlNode | undefined): ObjectContent[] {
  return many(result, 'objects').flatMap((object) => {
    const ref = refOf(object, 'obj');
    if (!ref) return [];
    const props = new Map<string, XmlNode>();
    for (const prop of many(object, 'propSet')) {
      const name = textOf(prop, 'name');
      const value = one(prop, 'val');
      if (name && value !== undefined) props.set(name, value);
    }
    return [{ ref, props }];
  });
}

/**
 * Runs one PropertyFilterSpec, following continuation tokens until the server has sent every
 * page of at most `pageSize` objects.
 */
export async function retrieve(session: SoapSession, spec: XmlInputObject, pageSize: number): Promise<ObjectContent[]> {
  const collector = (await session.ensureLoggedIn()).propertyCollector;
  let result = await session.call(
    'RetrievePropertiesEx',
    collector,
    { specSet: spec, options: { maxObjects: pageSize } },
    { idempotent: true, check: checkSession },
  );
  const objects = decodeObjects(result);
  for (let token = textOf(result, 'token'); token; token = textOf(result, 'token')) {
    result = await session.call('ContinueRetrievePropertiesEx', collector, { token }, { idempotent: true, check: checkSession });
    objects.push(...decodeObjects(result));
  }
  return objects;
}

/** Every object of `type` (subtypes included) below rootFolder, read through a container view. */
export async function retrieveByType(session: SoapSession, type: string, paths: readonly string[], pageSize: number): Promise<ObjectContent[]> {
  return session.run(async () => {
    const content = session.content;
    const view = toRef(
      await session.call(
        'CreateContainerView',
        content.viewManager,
        { container: moRefXml(content.rootFolder), type: [type], recursive: true },
        { idempotent: true },
      ),
    );
    if (!view) throw new Error('CreateContainerView returned no view');
    try {
      return await retrieve(
        session,
        {
          propSet: { type, pathSet: paths },
          objectSet: {
            obj: moRefXml(view),
            skip: true,
            selectSet: typed('TraversalSpec', { name: 'view', type: 'ContainerView', path: 'view', skip: false }),
          },
        },
        pageSize,
      );
    } finally {
      // Views live until the session ends; destroy them so a long-lived worker session does not pile them up.
      await session.call('DestroyView', view, {}, { idempotent: true }).catch(() => undefined);
    }
  });
}

/** Properties of specific objects (all of one type). A deleted object makes the call fail with NotFoundError. */
export async function retrieveObjects(
  session: SoapSession,
  type: string,
  refs: readonly MoRef[],
  paths: readonly string[],
  pageSize = 100,
): Promise<ObjectContent[]> {
  if (refs.length === 0) return [];
  return retrieve(
    session,
    { propSet: { type, pathSet: paths }, objectSet: refs.map((ref) => ({ obj: moRefXml(ref), skip: false })) },
    pageSize,
  );
}

/** Properties of one object; NotFoundError when it does not exist. */
export async function retrieveOne(session: SoapSession, ref: MoRef, paths: readonly string[]): Promise<ObjectContent> {
  const [object] = await retrieveObjects(session, ref.type, [ref], paths, 1);
  if (!object) {
    throw new NotFoundError(`${formatRef(ref)} not found`, { faultType: 'ManagedObjectNotFound' });
  }
  return object;
}
