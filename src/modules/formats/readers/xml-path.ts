/**
 * Tiny prefix-free navigation for the readers: paths are written with the conventional CII/UBL
 * prefixes ('cac:Party/cbc:Name') and compiled once to [namespace URI, local name] steps, so the
 * sender's own prefixes never matter.
 */
import type { XmlElement } from '../../../shared/xml.js';

export const NS = {
  rsm: 'urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100',
  ram: 'urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100',
  udt: 'urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100',
  qdt: 'urn:un:unece:uncefact:data:standard:QualifiedDataType:100',
  ubl: 'urn:oasis:names:specification:ubl:schema:xsd:Invoice-2',
  cn: 'urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2',
  cac: 'urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2',
  cbc: 'urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2',
  ext: 'urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2',
} as const;

type Step = { ns: string; name: string };
const compiled = new Map<string, Step[]>();

function compile(path: string): Step[] {
  let steps = compiled.get(path);
  if (!steps) {
    steps = path.split('/').map((part) => {
      const [prefix, name] = part.split(':');
      const ns = (NS as Record<string, string>)[prefix];
      if (!ns || !name) throw new Error(`bad reader path ${path}`);
      return { ns, name };
    });
    compiled.set(path, steps);
  }
  return steps;
}

/** First element at the path (first match at each step, like a pragmatic XPath [1]). */
export function el(ctx: XmlElement | undefined, path: string): XmlElement | undefined {
  if (!ctx) return undefined;
  let cur: XmlElement | undefined = ctx;
  for (const s of compile(path)) {
    let found: XmlElement | undefined;
    for (const c of cur.children) {
      if (c.name === s.name && c.ns === s.ns) {
        found = c;
        break;
      }
    }
    if (!found) return undefined;
    cur = found;
  }
  return cur;
}

/** All elements at the path (every branch, like XPath). */
export function els(ctx: XmlElement | undefined, path: string): XmlElement[] {
  if (!ctx) return [];
  let cur: XmlElement[] = [ctx];
  for (const s of compile(path)) {
    const next: XmlElement[] = [];
    for (const e of cur) for (const c of e.children) if (c.name === s.name && c.ns === s.ns) next.push(c);
    if (next.length === 0) return next;
    cur = next;
  }
  return cur;
}

/** Trimmed text of the first element at the path; '' when present but empty; undefined when absent. */
export function txt(ctx: XmlElement | undefined, path?: string): string | undefined {
  const e = path ? el(ctx, path) : ctx;
  if (!e) return undefined;
  return textOf(e);
}

export function textOf(e: XmlElement): string {
  if (e.children.length === 0) return e.text.trim();
  let out = e.text;
  const walk = (x: XmlElement) => {
    for (const c of x.children) {
      out += c.text;
      walk(c);
    }
  };
  walk(e);
  return out.trim();
}

export function at(e: XmlElement | undefined, name: string): string | undefined {
  if (!e) return undefined;
  for (const a of e.attrs) if (a.name === name && a.ns === '') return a.value;
  return undefined;
}

/**
 * Identity marker for model objects built by the readers. Absent terms stay as properties holding
 * `undefined` (deleting them would push V8 objects into slow dictionary mode on a hot path);
 * JSON serialisation and deep equality ignore them.
 */
export function compact<T extends object>(o: T): T {
  return o;
}

/** Returns undefined when every property is undefined (absent group), else the object. */
export function group<T extends object>(o: T): T | undefined {
  for (const k in o) if (o[k] !== undefined) return o;
  return undefined;
}
