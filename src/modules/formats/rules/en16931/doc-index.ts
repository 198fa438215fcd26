/**
 * Per-document element index for '//name' style lookups. Validation handles one document at a
 * time, so a single-entry cache (pointer comparison on the root) replaces a WeakMap lookup on
 * every call; the by-name map is only built when first needed. Names are interned by the parser,
 * so keying on the local name is cheap; the namespace is checked on lookup.
 */
import type { XmlElement } from '../../../../shared/xml.js';

type DocIndex = { root: XmlElement; all: XmlElement[]; byName?: Map<string, XmlElement[]> };
let last: DocIndex | undefined;

function indexOf(root: XmlElement): DocIndex {
  if (last && last.root === root) return last;
  const all: XmlElement[] = [];
  const stack = [root];
  while (stack.length) {
    const x = stack.pop()!;
    all.push(x);
    for (let i = x.children.length - 1; i >= 0; i--) stack.push(x.children[i]);
  }
  last = { root, all };
  return last;
}

/** All elements in document order. */
export function allElements(root: XmlElement): XmlElement[] {
  return indexOf(root).all;
}

/** All elements with this namespace and local name, in document order. */
export function elementsNamed(root: XmlElement, ns: string, name: string): XmlElement[] {
  const idx = indexOf(root);
  if (!idx.byName) {
    const byName = new Map<string, XmlElement[]>();
    for (const x of idx.all) {
      const list = byName.get(x.name);
      if (list) list.push(x);
      else byName.set(x.name, [x]);
    }
    idx.byName = byName;
  }
  const list = idx.byName.get(name);
  if (!list) return [];
  let sameNs = true;
  for (const x of list) if (x.ns !== ns) sameNs = false;
  return sameNs ? list : list.filter((x) => x.ns === ns);
}
