/**
 * Evaluates the syntax rules (CII-SR, CII-DT, UBL-SR, UBL-CR, UBL-DT) on the parsed tree.
 * Contexts and purely structural tests come as data from generated/syntax-tables.ts; the
 * other tests and context predicates are hand-written in syntax-custom.ts. Reproduces the
 * schematron rule selection: within one pattern, a node is handled by its first matching rule.
 */
import type { XmlElement } from '../../../../shared/xml.js';
import { locationOf } from '../../../../shared/xml.js';
import { NS } from '../../readers/xml-path.js';
import type { RuleContext } from './context.js';
import { allElements } from './doc-index.js';
import { SYNTAX_RULES, type SyntaxRuleRow } from './generated/syntax-tables.js';
import { CONTEXT_PREDICATES, CUSTOM_TESTS } from './syntax-custom.js';

type QName = { ns: string; name: string };
type Step = QName | { attr: string } | { descendant: true };
/** One schematron rule: a context shared by its assertions. */
type Group = {
  pattern: string;
  rule: number;
  kind: 'abs' | 'rel' | 'suffix';
  ctxAlts: QName[][];
  predicate?: (e: XmlElement) => boolean;
  hasPredicate: boolean;
  asserts: Assert[];
};
type Assert = {
  row: SyntaxRuleRow;
  group: Group;
  paths: Step[][];
  /** evaluated through the forbidden-path index instead of from its contexts */
  inverted: boolean;
};
type Probe = {
  assert: Assert;
  /** element steps of the test path after the context (leading '//' removed) */
  chain: QName[];
  /** the path started with '//' (searched in the whole document; the context is then the root) */
  anywhere: boolean;
  attr?: string;
};
type ParentProbes = { any: Probe[]; byParent: Map<string, Map<string, Probe[]>> };
type Index = {
  byName: Map<string, Map<string, Group[]>>;
  candidates: Map<string, Map<string, Plan>>;
  suffix: Array<[string, Group[]]>;
  /** forbidden elements: by namespace and local name, then expected parent (namespace, name) */
  elementProbes: Map<string, Map<string, ParentProbes>>;
  /** forbidden attributes: by attribute name, then owner element namespace and name */
  attrProbes: Map<string, Map<string, Map<string, Probe[]>>>;
  /** forbidden attributes anywhere ('//@x') */
  probesByAttr: Map<string, Probe[]>;
};

const nsOf = (prefix: string): string => {
  const uri = (NS as Record<string, string>)[prefix];
  if (!uri) throw new Error(`unknown prefix ${prefix}`);
  return uri;
};
const qname = (s: string): QName => {
  const [p, n] = s.split(':');
  return { ns: nsOf(p), name: n };
};
const step = (s: string): Step => (s === '//' ? { descendant: true } : s.startsWith('@') ? { attr: s.slice(1) } : qname(s));

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) {
    if (!list.includes(v)) list.push(v);
  } else m.set(k, [v]);
}
function pushQ<V>(m: Map<string, Map<string, V[]>>, q: QName, v: V): void {
  let inner = m.get(q.ns);
  if (!inner) m.set(q.ns, (inner = new Map()));
  push(inner, q.name, v);
}

/**
 * 'absent' rules ("X shall not be used", most of UBL-CR / CII-SR) are inverted: instead of
 * evaluating hundreds of paths from each context, every element of the document is looked up
 * once in an index of forbidden paths. Cost then grows with the document, not the rule count.
 */
function invertible(a: Assert): boolean {
  const { row } = a;
  if (row.test === 'custom' || row.test.kind !== 'absent' || row.ctx.kind === 'suffix' || row.ctx.pred) return false;
  return a.paths.every((p) => p.slice(1).every((s) => !('descendant' in s)) && (!('descendant' in (p[0] ?? {})) || row.ctx.kind === 'abs'));
}

const indexes = new Map<'cii' | 'ubl', Index>();

function buildIndex(syntax: 'cii' | 'ubl'): Index {
  const index: Index = { byName: new Map(), candidates: new Map(), suffix: [], elementProbes: new Map(), attrProbes: new Map(), probesByAttr: new Map() };
  const groups = new Map<string, Group>();
  const suffix = new Map<string, Group[]>();
  for (const row of SYNTAX_RULES) {
    if (row.syntax !== syntax) continue;
    const key = `${row.pattern}#${row.rule}`;
    let group = groups.get(key);
    if (!group) {
      group = { pattern: row.pattern, rule: row.rule, kind: row.ctx.kind, ctxAlts: row.ctx.alts.map((a) => a.map(qname)), hasPredicate: !!row.ctx.pred, asserts: [] };
      groups.set(key, group);
      if (row.ctx.kind === 'suffix') push(suffix, row.ctx.suffix!, group);
      else for (const alt of group.ctxAlts) pushQ(index.byName, alt[alt.length - 1], group);
    }
    if (row.ctx.pred && !group.predicate) group.predicate = CONTEXT_PREDICATES[row.id];
    const a: Assert = { row, group, paths: row.test === 'custom' ? [] : row.test.paths.map((p) => p.map(step)), inverted: false };
    group.asserts.push(a);
    if (!invertible(a)) continue;
    a.inverted = true;
    for (const p of a.paths) {
      const anywhere = p.length > 0 && 'descendant' in p[0];
      const rest = anywhere ? p.slice(1) : p;
      const last = rest[rest.length - 1];
      const attrName = last && 'attr' in last ? last.attr : undefined;
      const chain = (attrName ? rest.slice(0, -1) : rest) as QName[];
      const probe: Probe = { assert: a, chain, anywhere, attr: attrName };
      if (attrName) {
        if (chain.length === 0 && anywhere) push(index.probesByAttr, attrName, probe);
        else {
          let byOwner = index.attrProbes.get(attrName);
          if (!byOwner) index.attrProbes.set(attrName, (byOwner = new Map()));
          const owners = chain.length > 0 ? [chain[chain.length - 1]] : group.ctxAlts.map((alt) => alt[alt.length - 1]);
          for (const o of owners) pushQ(byOwner, o, probe);
        }
        continue;
      }
      const target = chain[chain.length - 1];
      let byName = index.elementProbes.get(target.ns);
      if (!byName) index.elementProbes.set(target.ns, (byName = new Map()));
      let entry = byName.get(target.name);
      if (!entry) byName.set(target.name, (entry = { any: [], byParent: new Map() }));
      if (chain.length < 2 && anywhere) entry.any.push(probe);
      else {
        const parents = chain.length >= 2 ? [chain[chain.length - 2]] : group.ctxAlts.map((alt) => alt[alt.length - 1]);
        for (const q of parents) pushQ(entry.byParent, q, probe);
      }
    }
  }
  index.suffix = [...suffix];
  return index;
}

function matchesContext(g: Group, e: XmlElement): boolean {
  if (g.kind !== 'suffix') {
    let ok = false;
    for (const alt of g.ctxAlts) {
      let cur: XmlElement | undefined = e;
      let i = alt.length - 1;
      for (; i >= 0; i--) {
        if (!cur || cur.ns !== alt[i].ns || cur.name !== alt[i].name) break;
        cur = cur.parent;
      }
      if (i < 0 && (g.kind === 'rel' || cur === undefined)) {
        ok = true;
        break;
      }
    }
    if (!ok) return false;
  }
  if (g.hasPredicate) return g.predicate ? g.predicate(e) : false;
  return true;
}

type Plan = { groups: Group[]; probes: ParentProbes | undefined; empty: boolean };

/** What to do for elements of a given name: candidate groups and forbidden-path probes, memoised. */
function planFor(index: Index, e: XmlElement): Plan {
  let inner = index.candidates.get(e.ns);
  if (!inner) index.candidates.set(e.ns, (inner = new Map()));
  let plan = inner.get(e.name);
  if (!plan) {
    const groups = [...(index.byName.get(e.ns)?.get(e.name) ?? [])];
    for (const [suffix, list] of index.suffix) if (e.name.endsWith(suffix)) groups.push(...list);
    const probes = index.elementProbes.get(e.ns)?.get(e.name);
    plan = { groups, probes, empty: groups.length === 0 && !probes };
    inner.set(e.name, plan);
  }
  return plan;
}
function candidates(index: Index, e: XmlElement): Group[] {
  return planFor(index, e).groups;
}

/** Rule groups that handle this node: per pattern, only the first group whose context matches. */
function winners(index: Index, e: XmlElement): Group[] {
  const cands = candidates(index, e);
  if (cands.length === 0) return NONE;
  let matched: Group[] | undefined;
  for (const g of cands) if (matchesContext(g, e)) (matched ??= []).push(g);
  if (!matched) return NONE;
  if (matched.length === 1) return matched;
  return matched.filter((g) => !matched!.some((o) => o.pattern === g.pattern && o.rule < g.rule));
}
const NONE: Group[] = [];

let docNodes: { root: XmlElement; nodes: XmlElement[] } | undefined;

/** Every element plus a document node (parent of the root), as '//' starts from the document. */
function allNodes(root: XmlElement): XmlElement[] {
  if (docNodes && docNodes.root === root) return docNodes.nodes;
  const docNode = { ...root, name: '#document', ns: '', attrs: [], children: [root], parent: undefined } as XmlElement;
  const nodes = [docNode, ...allElements(root)];
  docNodes = { root, nodes };
  return nodes;
}

/** Number of nodes a structural path selects from the context element. */
function countPath(steps: Step[], from: XmlElement, root: XmlElement): number {
  if (steps.length === 2 && 'name' in steps[0] && 'name' in steps[1]) {
    const [a, b] = steps as [QName, QName];
    let n = 0;
    for (const ch of from.children) {
      if (ch.name !== a.name || ch.ns !== a.ns) continue;
      for (const g of ch.children) if (g.name === b.name && g.ns === b.ns) n++;
    }
    return n;
  }
  if (steps.length === 1) {
    // fast path for the frequent one-step tests (child element or attribute of the context)
    const s = steps[0];
    let n = 0;
    if ('attr' in s) {
      for (const a of from.attrs) if (a.name === s.attr && a.ns === '') n++;
      return n;
    }
    if ('name' in s) {
      for (const ch of from.children) if (ch.name === s.name && ch.ns === s.ns) n++;
      return n;
    }
  }
  if (!(steps[0] && 'descendant' in steps[0])) return countFrom(steps, 0, from);
  let nodes: XmlElement[] = allNodes(root);
  let i = 1;
  for (; i < steps.length; i++) {
    const s = steps[i];
    if ('attr' in s) {
      let n = 0;
      for (const x of nodes) for (const a of x.attrs) if (a.name === s.attr && a.ns === '') n++;
      return n;
    }
    if ('descendant' in s) continue;
    const next: XmlElement[] = [];
    for (const x of nodes) for (const ch of x.children) if (ch.name === s.name && ch.ns === s.ns) next.push(ch);
    nodes = next;
    if (nodes.length === 0) return 0;
  }
  return nodes.length;
}

/** Allocation-free count of the nodes selected by steps[i..] (child and attribute steps) from e. */
function countFrom(steps: Step[], i: number, e: XmlElement): number {
  const s = steps[i];
  if (s === undefined) return 1;
  if ('attr' in s) {
    let n = 0;
    for (const a of e.attrs) if (a.name === s.attr && a.ns === '') n++;
    return n;
  }
  if ('descendant' in s) return 0; // only a leading '//' occurs in the artefacts
  let n = 0;
  for (const ch of e.children) if (ch.name === s.name && ch.ns === s.ns) n += countFrom(steps, i + 1, ch);
  return n;
}

/** The context node a probe reaches from a matching target element, if any. */
function probeContext(p: Probe, target: XmlElement, root: XmlElement): XmlElement | undefined {
  if (p.attr && !target.attrs.some((a) => a.name === p.attr && a.ns === '')) return undefined;
  let cur: XmlElement | undefined = target;
  for (let i = p.chain.length - 1; i >= 0; i--) {
    if (!cur || cur.ns !== p.chain[i].ns || cur.name !== p.chain[i].name) return undefined;
    cur = cur.parent;
  }
  const g = p.assert.group;
  if (p.anywhere) return matchesContext(g, root) ? root : undefined;
  return cur && matchesContext(g, cur) ? cur : undefined;
}

export function checkSyntaxRules(c: RuleContext): void {
  let index = indexes.get(c.kind);
  if (!index) {
    index = buildIndex(c.kind);
    indexes.set(c.kind, index);
  }
  const idx = index;
  const { root } = c;
  const reported = new Set<string>();
  const report = (a: Assert, ctxNode: XmlElement) => {
    const loc = locationOf(ctxNode);
    const key = `${a.row.id}@${loc}`;
    if (reported.has(key)) return;
    reported.add(key);
    c.fail(a.row.id, loc);
  };
  const probe = (list: Probe[] | undefined, e: XmlElement) => {
    if (!list) return;
    for (const p of list) {
      const ctxNode = probeContext(p, e, root);
      // violations are rare: the first-match check is only computed for them
      if (ctxNode && winners(idx, ctxNode).includes(p.assert.group)) report(p.assert, ctxNode);
    }
  };

  const checkAttributes = (e: XmlElement) => {
    for (const a of e.attrs) {
      if (a.ns !== '') continue;
      probe(idx.probesByAttr.get(a.name), e);
      const owners = idx.attrProbes.get(a.name);
      if (owners) probe(owners.get(e.ns)?.get(e.name), e);
    }
  };

  for (const e of allElements(root)) {
    if (e.attrs.length > 0) checkAttributes(e);
    const plan = planFor(idx, e);
    if (plan.empty) continue;
    const entry = plan.probes;
    if (entry) {
      if (entry.any.length) probe(entry.any, e);
      const parent = e.parent;
      if (parent) probe(entry.byParent.get(parent.ns)?.get(parent.name), e);
    }
    if (plan.groups.length === 0) continue;
    for (const g of winners(idx, e)) {
      for (const a of g.asserts) {
        if (a.inverted) continue;
        const { test, id } = a.row;
        let ok: boolean;
        if (test === 'custom') {
          const fn = CUSTOM_TESTS[id];
          if (!fn) continue;
          ok = fn(e, root);
        } else {
          let total = 0;
          for (const p of a.paths) total += countPath(p, e, root);
          ok = test.kind === 'absent' ? total === 0 : test.kind === 'atMost' ? total <= test.limit : total === test.limit;
        }
        if (!ok) report(a, e);
      }
    }
  }
}
