/** Per-document element index (built once, cached on the root) for '//name' style lookups. */
import type { XmlElement } from '../../../../shared/xml.js';

type DocIndex = { all: XmlElement[]; byName: Map<string, Map<string, XmlElement[]>> };
const cache = new WeakMap<XmlElement, DocIndex>();

function build(root: XmlElement): DocIndex {
  const all: XmlElement[] = [];
  const byName = new Map<string, Map<string, XmlElement[]>>();
  const stack = [root];
  while (stack.length) {
    const x = stack.pop()!;
    all.push(x);
    let inner = byName.get(x.ns);
    if (!inner) byName.set(x.ns, (inner = new Map()));
    const list = inner.get(x.name);
    if (list) list.push(x);
    else inner.set(x.name, [x]);
    for (let i = x.children.length - 1; i >= 0; i--) stack.push(x.children[i]);
  }
  return { all, byName };
}

function indexOf(root: XmlElement): DocIndex {
  let idx = cache.get(root);
  if (!idx) cache.set(root, (idx = build(root)));
  return idx;
}

/** All elements in document order. */
export function allElements(root: XmlElement): XmlElement[] {
  return indexOf(root).all;
}

/** All elements with this namespace and local name, in document order. */
export function elementsNamed(root: XmlElement, ns: string, name: string): XmlElement[] {
  return indexOf(root).byName.get(ns)?.get(name) ?? [];
}
