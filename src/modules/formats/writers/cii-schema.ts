/**
 * Makes a CII element tree conform to one or more schema sets (a Factur-X profile XSD, the CEN D16B
 * or FNFE D22B XSD): children are put in XSD sequence order, elements the schema does not declare
 * are dropped, repetitions beyond maxOccurs are cut, undeclared attributes are removed. Dropping is
 * how a lower profile "doesn't carry" a term; each dropped path is reported to the caller.
 */
import { ciiSchemaTable } from './cii-schema-table.js';
import type { XmlElement } from './xml-tree.js';

export type CiiSchemaSet = { types: Record<string, string>; attributes: Record<string, string> };
export type CiiSchemaKey = 'MINIMUM' | 'BASIC WL' | 'BASIC' | 'EN 16931' | 'EXTENDED' | 'D16B' | 'D22B';

export type Child = { name: string; type: string; min: number; max: number; index: number };
type ParsedSet = { types: Map<string, Map<string, Child>>; attributes: Map<string, Set<string>> };

const parsed = new Map<string, ParsedSet>();

function getSet(key: CiiSchemaKey): ParsedSet {
  const cached = parsed.get(key);
  if (cached) return cached;
  const raw = ciiSchemaTable[key];
  const types = new Map<string, Map<string, Child>>();
  for (const [type, spec] of Object.entries(raw.types)) {
    const children = new Map<string, Child>();
    spec.split('|').filter(Boolean).forEach((entry, index) => {
      const [name, childType, min, max] = entry.split(' ');
      children.set(name, { name, type: childType, min: Number(min), max: Number(max), index });
    });
    types.set(type, children);
  }
  const attributes = new Map<string, Set<string>>();
  for (const [type, names] of Object.entries(raw.attributes)) attributes.set(type, new Set(names.split(' ').filter(Boolean)));
  const set = { types, attributes };
  parsed.set(key, set);
  return set;
}

const localName = (qname: string) => qname.slice(qname.indexOf(':') + 1);

/** Returns a new tree conforming to `key`; `onDropped` receives the path of each removed element/attribute. */
export function conformToSchema(root: XmlElement, key: CiiSchemaKey, onDropped?: (path: string) => void): XmlElement {
  const set = getSet(key);
  const visit = (e: XmlElement, type: string, path: string): XmlElement => {
    const spec = set.types.get(type);
    if (!spec) {
      // Leaf (udt/qdt) type: keep content, filter attributes.
      const allowed = set.attributes.get(type);
      if (!allowed) return e;
      const attrs = e.attrs.filter(([k]) => {
        if (allowed.has(k)) return true;
        onDropped?.(`${path}/@${k}`);
        return false;
      });
      return { ...e, attrs };
    }
    const kept: Array<{ child: XmlElement; spec: Child; seq: number }> = [];
    const counts = new Map<string, number>();
    e.children.forEach((c, seq) => {
      const cs = spec.get(localName(c.name));
      const childPath = `${path}/${c.name}`;
      if (!cs) return onDropped?.(childPath);
      const n = (counts.get(cs.name) ?? 0) + 1;
      counts.set(cs.name, n);
      if (cs.max !== -1 && n > cs.max) return onDropped?.(childPath);
      const child = visit(c, cs.type, childPath);
      // A container emptied by pruning carries nothing: drop it unless the schema requires it
      // (a container that was empty in the model, e.g. an empty contact, is kept as such).
      if (set.types.has(cs.type) && c.children.length > 0 && child.children.length === 0 && cs.min === 0) return;
      kept.push({ child, spec: cs, seq });
    });
    kept.sort((a, b) => a.spec.index - b.spec.index || a.seq - b.seq);
    return { ...e, children: kept.map((k) => k.child) };
  };
  return visit(root, 'rsm:CrossIndustryInvoiceType', root.name);
}

/** Child specs of a complex type (undefined for leaf types), for structural validation. */
export function schemaType(key: CiiSchemaKey, type: string): ReadonlyMap<string, Child> | undefined {
  return getSet(key).types.get(type);
}

/** Child element names of a type in XSD order (for tests and diagnostics). */
export function schemaChildren(key: CiiSchemaKey, type: string): string[] {
  return [...(getSet(key).types.get(type)?.values() ?? [])].sort((a, b) => a.index - b.index).map((c) => c.name);
}
