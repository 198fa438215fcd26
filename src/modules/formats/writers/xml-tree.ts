/**
 * Minimal XML element tree and serializer for the writers. The invoice syntaxes have no mixed
 * content, so every element holds either text or child elements, which makes indentation safe.
 */
import { AppError } from '../../../shared/errors.js';

export type XmlElement = {
  /** qualified name, e.g. "ram:ID" */
  name: string;
  attrs: Array<[string, string]>;
  text?: string;
  children: XmlElement[];
};

type Child = XmlElement | undefined | null | false | Array<XmlElement | undefined | null | false>;

/**
 * Builds an element with text content, or returns undefined when the value is absent: writers map
 * optional business terms straight to optional elements without `if`s. An empty string is kept
 * (it is a value the source carried and the round trip must preserve it).
 */
export function leaf(name: string, text: string | undefined, attrs?: Record<string, string | undefined>): XmlElement | undefined {
  if (text === undefined) return undefined;
  return { name, attrs: toAttrs(attrs), text, children: [] };
}

/** Builds a container; returns undefined when it ends up with no children (unless `keep`). */
export function node(name: string, children: Child[], opts: { keep?: boolean; attrs?: Record<string, string | undefined> } = {}): XmlElement | undefined {
  const flat: XmlElement[] = [];
  for (const c of children) {
    if (Array.isArray(c)) for (const x of c) { if (x) flat.push(x); }
    else if (c) flat.push(c);
  }
  if (flat.length === 0 && !opts.keep) return undefined;
  return { name, attrs: toAttrs(opts.attrs), children: flat };
}

function toAttrs(attrs?: Record<string, string | undefined>): Array<[string, string]> {
  if (!attrs) return [];
  return Object.entries(attrs).filter((e): e is [string, string] => e[1] !== undefined);
}

// XML 1.0 allows TAB, LF, CR and U+0020 upwards except surrogates and U+FFFE/U+FFFF.
const forbiddenChars = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

function checkChars(s: string, where: string): void {
  if (forbiddenChars.test(s)) {
    throw new AppError({
      code: 'formats.unwritable_character',
      status: 422,
      message: `Caractère interdit en XML dans « ${where} » : la facture ne peut pas être écrite telle quelle.`,
      details: { element: where },
    });
  }
}

/** Text escaping. CR is written as a character reference because parsers turn a raw CR LF into LF. */
export function escapeText(s: string, where = 'texte'): string {
  checkChars(s, where);
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');
}

/** Attribute escaping: whitespace characters are referenced so attribute-value normalisation keeps them. */
export function escapeAttr(s: string, where = 'attribut'): string {
  checkChars(s, where);
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\r/g, '&#13;')
    .replace(/\n/g, '&#10;')
    .replace(/\t/g, '&#9;');
}

/** Serialises a document: XML declaration, root namespace declarations, two-space indentation. */
export function serializeXml(root: XmlElement, namespaces: Record<string, string>): string {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>\n'];
  const nsAttrs: Array<[string, string]> = Object.entries(namespaces).map(([p, uri]) => [p ? `xmlns:${p}` : 'xmlns', uri]);
  write({ ...root, attrs: [...nsAttrs, ...root.attrs] }, 0, out);
  return out.join('');
}

function write(e: XmlElement, depth: number, out: string[]): void {
  const pad = '  '.repeat(depth);
  const attrs = e.attrs.map(([k, v]) => ` ${k}="${escapeAttr(v, `${e.name}/@${k}`)}"`).join('');
  if (e.children.length === 0) {
    if (e.text === undefined || e.text === '') out.push(`${pad}<${e.name}${attrs}/>\n`);
    else out.push(`${pad}<${e.name}${attrs}>${escapeText(e.text, e.name)}</${e.name}>\n`);
    return;
  }
  out.push(`${pad}<${e.name}${attrs}>\n`);
  for (const c of e.children) write(c, depth + 1, out);
  out.push(`${pad}</${e.name}>\n`);
}
