/**
 * The small XML layer under the SOAP client: an order-preserving serializer for request bodies
 * and a parser plus accessors for responses.
 *
 * Both sides share one shape: an element is a plain object whose keys are child element names in
 * document order, '@name' keys are attributes and '#text' is text content. vim25 is defined with
 * XSD sequences, and production vCenter rejects some requests whose elements are out of order, so
 * request objects are written with keys in WSDL order. Because the parser produces the same shape,
 * a device read from vCenter can be sent back unchanged except for the field being edited.
 */
import { XMLParser } from 'fast-xml-parser';
import type { MoRef } from './refs.js';

export type XmlInput = string | number | boolean | bigint | null | undefined | XmlInputObject | readonly XmlInput[];
export interface XmlInputObject {
  readonly [key: string]: XmlInput;
}

/** A parsed node: text, an element object, or the array of repeated elements of one name. */
export type XmlNode = string | XmlElement | XmlNode[];
export interface XmlElement {
  [key: string]: XmlNode | undefined;
}

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => XML_ESCAPES[c]!);
}

/** Serializes `value` as element(s) named `name`; null/undefined produce nothing, arrays repeat the element. */
export function toXml(name: string, value: XmlInput): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map((item: XmlInput) => toXml(name, item)).join('');
  if (typeof value !== 'object') return `<${name}>${escapeXml(String(value))}</${name}>`;

  let attributes = '';
  let content = '';
  for (const [key, item] of Object.entries(value as XmlInputObject)) {
    if (item === undefined || item === null) continue;
    if (key.startsWith('@')) attributes += ` ${key.slice(1)}="${escapeXml(String(item))}"`;
    else if (key === '#text') content += escapeXml(String(item));
    else content += toXml(key, item);
  }
  return `<${name}${attributes}>${content}</${name}>`;
}

/** A ManagedObjectReference value: `<name type="VirtualMachine">vm-42</name>`. */
export function moRefXml(ref: MoRef): XmlInputObject {
  return { '@type': ref.type, '#text': ref.value };
}

/** Adds xsi:type, which vim25 needs wherever a field is declared with a base type (specs, backings, faults). */
export function typed(xsiType: string, fields: XmlInputObject = {}): XmlInputObject {
  return { '@xsi:type': xsiType, ...fields };
}

const parser = new XMLParser({
  ignoreAttributes: [/^xmlns/],
  attributeNamePrefix: '@',
  textNodeName: '#text',
  parseTagValue: false,
  parseAttributeValue: false,
  ignoreDeclaration: true,
  // Element names lose their namespace prefix (soapenv:Body -> Body); attribute prefixes are
  // normalised instead of removed, because a MoRef's own `type` attribute must not collide with
  // xsi:type, whatever prefix the server bound to the XML Schema instance namespace.
  transformTagName: (name) => name.slice(name.indexOf(':') + 1),
  // (fast-xml-parser hands this function the name with attributeNamePrefix already added.)
  transformAttributeName: (name) => (name.endsWith(':type') ? '@xsi:type' : name),
});

export function parseXml(text: string): XmlElement {
  return parser.parse(text) as XmlElement;
}

export function isElement(node: XmlNode | undefined): node is XmlElement {
  return typeof node === 'object' && node !== null && !Array.isArray(node);
}

/** All child elements called `name` (the parser only makes an array when an element repeats). */
export function many(node: XmlNode | undefined, name: string): XmlNode[] {
  if (!isElement(node)) return [];
  const value = node[name];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

export function one(node: XmlNode | undefined, name: string): XmlNode | undefined {
  return many(node, name)[0];
}

/** Text content of a node ('' for an empty element), undefined when the node is absent. */
export function text(node: XmlNode | undefined): string | undefined {
  if (node === undefined) return undefined;
  if (typeof node === 'string') return node;
  if (Array.isArray(node)) return text(node[0]);
  const value = node['#text'];
  return typeof value === 'string' ? value : '';
}

export function textOf(node: XmlNode | undefined, name: string): string | undefined {
  return text(one(node, name));
}

export function numberOf(node: XmlNode | undefined, name: string): number | undefined {
  const value = textOf(node, name);
  if (value === undefined || value === '') return undefined;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : undefined;
}

export function boolOf(node: XmlNode | undefined, name: string): boolean | undefined {
  const value = textOf(node, name);
  return value === undefined ? undefined : value === 'true' || value === '1';
}

export function xsiType(node: XmlNode | undefined): string | undefined {
  if (!isElement(node)) return undefined;
  const value = node['@xsi:type'];
  return typeof value === 'string' ? value.slice(value.indexOf(':') + 1) : undefined;
}

/** Reads a node holding a ManagedObjectReference. */
export function toRef(node: XmlNode | undefined): MoRef | undefined {
  if (!isElement(node)) return undefined;
  const type = node['@type'];
  const value = text(node);
  return typeof type === 'string' && value ? { type, value } : undefined;
}

export function refOf(node: XmlNode | undefined, name: string): MoRef | undefined {
  return toRef(one(node, name));
}
