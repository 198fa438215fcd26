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
import { SYNTAX_RULES, type SyntaxRuleRow } from './generated/syntax-tables.js';
import { CONTEXT_PREDICATES, CUSTOM_TESTS } from './syntax-custom.js';

type QName = { ns: string; name: string };
type Step = QName | { attr: string } | { descendant: true };
type Compiled = {
  row: SyntaxRuleRow;
  ctxAlts: QName[][];
  paths: Step[][];
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

type Index = { byName: Map<string, Compiled[]>; suffix: Compiled[] };
const indexes = new Map<'cii' | 'ubl', Index>();

function buildIndex(syntax: 'cii' | 'ubl'): Index {
  const byName = new Map<string, Compiled[]>();
  const suffix: Compiled[] = [];
  for (const row of SYNTAX_RULES) {
    if (row.syntax !== syntax) continue;
    const compiled: Compiled = {
      row,
      ctxAlts: row.ctx.alts.map((a) => a.map(qname)),
      paths: row.test === 'custom' ? [] : row.test.paths.map((p) => p.map(step)),
    };
    if (row.ctx.kind === 'suffix') {
      suffix.push(compiled);
      continue;
    }
    for (const alt of compiled.ctxAlts) {
      const last = alt[alt.length - 1];
      const key = `${last.ns}|${last.name}`;
      const list = byName.get(key) ?? [];
      if (!list.includes(compiled)) list.push(compiled);
      byName.set(key, list);
    }
  }
  return { byName, suffix };
}

function matchesContext(c: Compiled, e: XmlElement): boolean {
  const { ctx } = c.row;
  if (ctx.kind === 'suffix') {
    if (!e.name.endsWith(ctx.suffix!)) return false;
  } else {
    const ok = c.ctxAlts.some((alt) => {
      let cur: XmlElement | undefined = e;
      for (let i = alt.length - 1; i >= 0; i--) {
        if (!cur || cur.ns !== alt[i].ns || cur.name !== alt[i].name) return false;
        cur = cur.parent;
      }
      return ctx.kind === 'rel' || cur === undefined;
    });
    if (!ok) return false;
  }
  if (ctx.pred) {
    const pred = CONTEXT_PREDICATES[c.row.id];
    return pred ? pred(e) : false;
  }
  return true;
}

const docNodes = new WeakMap<XmlElement, XmlElement[]>();

/** Every element plus a document node (parent of the root), as '//' starts from the document. */
function allNodes(root: XmlElement): XmlElement[] {
  let nodes = docNodes.get(root);
  if (!nodes) {
    const docNode = { ...root, name: '#document', ns: '', attrs: [], children: [root], parent: undefined } as XmlElement;
    nodes = [docNode];
    const stack = [root];
    while (stack.length) {
      const x = stack.pop()!;
      nodes.push(x);
      for (const ch of x.children) stack.push(ch);
    }
    docNodes.set(root, nodes);
  }
  return nodes;
}

/** Number of nodes a structural path selects from the context element. */
function countPath(steps: Step[], from: XmlElement, root: XmlElement): number {
  let nodes: XmlElement[] = [from];
  let i = 0;
  if (steps[0] && 'descendant' in steps[0]) {
    nodes = allNodes(root);
    i = 1;
  }
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

export function checkSyntaxRules(c: RuleContext): void {
  let index = indexes.get(c.kind);
  if (!index) {
    index = buildIndex(c.kind);
    indexes.set(c.kind, index);
  }
  const { root } = c;
  const stack: XmlElement[] = [root];
  while (stack.length) {
    const e = stack.pop()!;
    for (let i = e.children.length - 1; i >= 0; i--) stack.push(e.children[i]);
    const candidates = index.byName.get(`${e.ns}|${e.name}`);
    const matched: Compiled[] = [];
    if (candidates) for (const cand of candidates) if (matchesContext(cand, e)) matched.push(cand);
    for (const cand of index.suffix) if (matchesContext(cand, e)) matched.push(cand);
    if (matched.length === 0) continue;
    // first matching rule per pattern only
    const firstRule = new Map<string, number>();
    for (const m of matched) {
      const cur = firstRule.get(m.row.pattern);
      if (cur === undefined || m.row.rule < cur) firstRule.set(m.row.pattern, m.row.rule);
    }
    for (const m of matched) {
      if (firstRule.get(m.row.pattern) !== m.row.rule) continue;
      const { test, id } = m.row;
      let ok: boolean;
      if (test === 'custom') {
        const fn = CUSTOM_TESTS[id];
        if (!fn) continue;
        ok = fn(e, root);
      } else {
        const total = m.paths.reduce((n, p) => n + countPath(p, e, root), 0);
        ok = test.kind === 'absent' ? total === 0 : test.kind === 'atMost' ? total <= test.limit : total === test.limit;
      }
      if (!ok) c.fail(id, locationOf(e));
    }
  }
}
