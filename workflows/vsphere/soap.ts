/**
 * vim25 SOAP envelopes and faults: builds request bodies and turns responses into either the
 * `returnval` node or a typed VSphereError. Nothing here does I/O, so it is unit-tested without
 * a server.
 */
import { errorFromFault, VSphereError } from './errors.js';
import { formatRef, type MoRef } from './refs.js';
import {
  isElement,
  moRefXml,
  one,
  parseXml,
  refOf,
  textOf,
  toXml,
  xsiType,
  type XmlElement,
  type XmlInputObject,
  type XmlNode,
} from './xml.js';

const ENVELOPE_OPEN =
  '<?xml version="1.0" encoding="UTF-8"?>' +
  '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"' +
  ' xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
  '<soapenv:Body>';
const ENVELOPE_CLOSE = '</soapenv:Body></soapenv:Envelope>';

/** `<Method xmlns="urn:vim25"><_this type="T">v</_this>...args in the given order...</Method>`. */
export function buildEnvelope(method: string, thisRef: MoRef, args: XmlInputObject = {}): string {
  const body = toXml(method, { '@xmlns': 'urn:vim25', _this: moRefXml(thisRef), ...args });
  return ENVELOPE_OPEN + body + ENVELOPE_CLOSE;
}

export function bodyOf(document: XmlElement): XmlElement | undefined {
  const body = one(one(document, 'Envelope'), 'Body');
  return isElement(body) ? body : undefined;
}

/**
 * Returns the `returnval` of `<MethodResponse>` (undefined for void methods), or throws the typed
 * error of a SOAP fault. Throws a plain VSphereError when the document is not a SOAP response at
 * all (an HTML error page from a proxy, say), so callers never index into garbage.
 */
export function parseResponse(method: string, xml: string): XmlNode | undefined {
  let document: XmlElement;
  try {
    document = parseXml(xml);
  } catch (error) {
    throw new VSphereError(`${method}: response is not XML`, { faultType: 'InvalidResponse', retryable: false, cause: error });
  }
  const body = bodyOf(document);
  if (!body) {
    throw new VSphereError(`${method}: response is not a SOAP envelope`, { faultType: 'InvalidResponse', retryable: false });
  }
  const fault = one(body, 'Fault');
  if (fault !== undefined) throw faultToError(fault);
  const response = one(body, `${method}Response`);
  if (response === undefined) {
    throw new VSphereError(`${method}: response has no ${method}Response element`, { faultType: 'InvalidResponse', retryable: false });
  }
  return one(response, 'returnval');
}

/** True when the XML text is a SOAP fault: vim25 sends faults with HTTP 500, which must not be mistaken for a server outage. */
export function isSoapFault(xml: string): boolean {
  try {
    const body = bodyOf(parseXml(xml));
    return body !== undefined && one(body, 'Fault') !== undefined;
  } catch {
    return false;
  }
}

/** The first child element of a node, with its name: the concrete fault inside `<detail>`. */
function firstChild(node: XmlNode | undefined): [string, XmlNode] | undefined {
  if (!isElement(node)) return undefined;
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith('@') || key === '#text' || value === undefined) continue;
    return [key, Array.isArray(value) ? value[0]! : value];
  }
  return undefined;
}

/** Adds the object a fault is about (ManagedObjectNotFound.obj, DuplicateName.object) to its message. */
function describeFault(faultType: string, message: string, detail: XmlNode | undefined): string {
  const base = message || faultType;
  const subject = refOf(detail, 'obj') ?? refOf(detail, 'object');
  const name = textOf(detail, 'name');
  const extras = [subject ? formatRef(subject) : undefined, name ? `name ${JSON.stringify(name)}` : undefined].filter(Boolean);
  return extras.length > 0 && !base.includes(extras[0]!) ? `${base} (${extras.join(', ')})` : base;
}

/** Converts `<soapenv:Fault>` to the typed error for its vim25 fault type. */
export function faultToError(fault: XmlNode): VSphereError {
  const faultString = textOf(fault, 'faultstring') ?? '';
  const detail = firstChild(one(fault, 'detail'));
  if (!detail) {
    // A fault without vim25 detail: malformed request or an internal server error.
    const code = textOf(fault, 'faultcode') ?? 'SoapFault';
    return new VSphereError(faultString || code, { faultType: code.slice(code.indexOf(':') + 1), retryable: false });
  }
  const [elementName, node] = detail;
  const faultType = xsiType(node) ?? elementName.replace(/Fault$/, '');
  return errorFromFault(faultType, describeFault(faultType, faultString, node), node);
}

/** Converts a LocalizedMethodFault (TaskInfo.error, MissingProperty.fault) to its typed error and message. */
export function localizedFaultToError(node: XmlNode | undefined): { error: VSphereError; localizedMessage: string } {
  const fault = one(node, 'fault');
  const localizedMessage = textOf(node, 'localizedMessage') ?? '';
  const faultType = xsiType(fault) ?? 'MethodFault';
  return { error: errorFromFault(faultType, describeFault(faultType, localizedMessage, fault), fault), localizedMessage };
}
