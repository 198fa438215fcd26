/**
 * Safe, namespace-aware XML parsing for untrusted documents (invoices, PIVOT, XMP).
 *
 * Why a small own parser: we must refuse DTDs/entity declarations outright (XXE, billion laughs),
 * bound size and depth, and resolve prefixes to namespace URIs so readers never depend on the
 * prefixes a sender chose. It builds a compact element tree (no DOM) and is fast enough for the
 * validation throughput targets. Non-validating: no DTD, no external anything, ever.
 */
import { AppError } from './errors.js';

export type XmlAttribute = { ns: string; name: string; prefix: string; value: string };

export type XmlElement = {
  /** namespace URI ('' when none) */
  ns: string;
  /** local name */
  name: string;
  /** prefix used in the source ('' for default namespace): only for messages and locations */
  prefix: string;
  attrs: XmlAttribute[];
  children: XmlElement[];
  /** concatenated direct character data (text + CDATA), not trimmed */
  text: string;
  parent: XmlElement | undefined;
  /** 1-based source line of the start tag */
  line: number;
  /** character offsets of the element in the decoded text: [start of '<', end after '>'] */
  start: number;
  end: number;
};

export type XmlDocument = { root: XmlElement; text: string };

export type XmlParseOptions = {
  /** maximum input size in bytes (default 20 MB) */
  maxBytes?: number;
  /** maximum element nesting depth (default 200) */
  maxDepth?: number;
  /**
   * Drop whitespace-only character data (indentation between elements). Saves memory and time on
   * data documents such as invoices where such text carries no meaning; off by default.
   */
  ignoreWhitespaceText?: boolean;
};

export const XML_DEFAULT_MAX_BYTES = 20 * 1024 * 1024;
export const XML_DEFAULT_MAX_DEPTH = 200;

const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';

export type XmlUnreadableReason =
  | 'too_large'
  | 'too_deep'
  | 'doctype_forbidden'
  | 'entity_forbidden'
  | 'encoding'
  | 'malformed'
  | 'empty';

/** Error raised for any input that is not a safe, well-formed XML document. */
export function xmlUnreadable(reason: XmlUnreadableReason, detail: string, line?: number): AppError {
  const where = line ? ` (ligne ${line})` : '';
  return new AppError({
    code: 'formats.unreadable',
    status: 422,
    message: `Document XML illisible : ${detail}${where}.`,
    details: { reason, detail, ...(line ? { line } : {}) },
  });
}

/** Parses bytes (UTF-8, UTF-16 with BOM, or ISO-8859-1/Windows-1252 when declared). */
export function parseXml(bytes: Uint8Array, options: XmlParseOptions = {}): XmlDocument {
  const maxBytes = options.maxBytes ?? XML_DEFAULT_MAX_BYTES;
  if (bytes.length > maxBytes) {
    throw xmlUnreadable('too_large', `taille ${bytes.length} octets supérieure à la limite de ${maxBytes} octets`);
  }
  return parseXmlText(decodeXmlBytes(bytes), { ...options, maxBytes: Number.POSITIVE_INFINITY });
}

export function decodeXmlBytes(bytes: Uint8Array): string {
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return decode('utf-16be', bytes.subarray(2));
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return decode('utf-16le', bytes.subarray(2));
  let body = bytes;
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) body = bytes.subarray(3);
  const head = new TextDecoder('latin1').decode(body.subarray(0, 200));
  const declared = /^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head)?.[1]?.toLowerCase();
  if (!declared || declared === 'utf-8' || declared === 'utf8' || declared === 'us-ascii' || declared === 'ascii') {
    return decode('utf-8', body);
  }
  if (['iso-8859-1', 'latin1', 'iso-8859-15', 'windows-1252', 'cp1252'].includes(declared)) {
    return decode(declared === 'iso-8859-15' ? 'iso-8859-15' : 'windows-1252', body);
  }
  throw xmlUnreadable('encoding', `encodage « ${declared} » non pris en charge`);
}

function decode(label: string, bytes: Uint8Array): string {
  try {
    return new TextDecoder(label, { fatal: true }).decode(bytes);
  } catch {
    throw xmlUnreadable('encoding', `octets invalides pour l'encodage ${label}`);
  }
}

export { XML_NS, XMLNS_NS };

// ---------- navigation helpers (namespace URI + local name, never prefixes) ----------

export function firstChild(el: XmlElement | undefined, ns: string, name: string): XmlElement | undefined {
  if (!el) return undefined;
  for (const c of el.children) if (c.name === name && c.ns === ns) return c;
  return undefined;
}

export function childrenNamed(el: XmlElement | undefined, ns: string, name: string): XmlElement[] {
  if (!el) return [];
  const out: XmlElement[] = [];
  for (const c of el.children) if (c.name === name && c.ns === ns) out.push(c);
  return out;
}

/** Follows a path of [ns, name] steps, first match at each step. */
export function pathFirst(el: XmlElement | undefined, steps: ReadonlyArray<readonly [string, string]>): XmlElement | undefined {
  let cur = el;
  for (const [ns, name] of steps) {
    cur = firstChild(cur, ns, name);
    if (!cur) return undefined;
  }
  return cur;
}

/** Attribute value by local name (attributes without namespace, as in CII/UBL). */
export function attr(el: XmlElement | undefined, name: string): string | undefined {
  if (!el) return undefined;
  for (const a of el.attrs) if (a.name === name && a.ns === '') return a.value;
  return undefined;
}

/** XPath string value: all descendant character data in document order. */
export function stringValue(el: XmlElement): string {
  if (el.children.length === 0) return el.text;
  let out = '';
  collect(el, (s) => (out += s));
  return out;
}

function collect(el: XmlElement, push: (s: string) => void): void {
  // Direct text is stored concatenated, so interleaving with children is approximated as
  // text-then-children; invoices never rely on mixed content order.
  push(el.text);
  for (const c of el.children) collect(c, push);
}

/** Location like /Invoice/cac:AccountingSupplierParty[1]/cac:Party[1] for findings. */
export function locationOf(el: XmlElement): string {
  const parts: string[] = [];
  for (let cur: XmlElement | undefined = el; cur; cur = cur.parent) {
    const qname = cur.prefix ? `${cur.prefix}:${cur.name}` : cur.name;
    if (cur.parent) {
      let index = 0;
      for (const sib of cur.parent.children) {
        if (sib.name === cur.name && sib.ns === cur.ns) index++;
        if (sib === cur) break;
      }
      parts.push(`${qname}[${index}]`);
    } else parts.push(qname);
  }
  return '/' + parts.reverse().join('/');
}

// ---------- the parser ----------

type NsScope = { prefix: string; uri: string; prev: NsScope | undefined };

const predefinedEntities: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/**
 * Names and namespace URIs are interned (V8 internalises property keys), so that the many
 * name/namespace comparisons done by readers and validators are pointer comparisons against
 * literals instead of character-by-character ones. Bounded: hostile documents with endless
 * distinct names only fill the cache up to its limit.
 */
const internCache = new Map<string, string>();
const INTERN_LIMIT = 20_000;
function intern(s: string): string {
  let v = internCache.get(s);
  if (v === undefined) {
    v = Object.keys({ [s]: 0 })[0];
    if (internCache.size < INTERN_LIMIT) internCache.set(v, v);
  }
  return v;
}

/** Shared by every element without attributes (most of them): saves one array per element. */
const NO_ATTRS: XmlAttribute[] = Object.freeze([]) as unknown as XmlAttribute[];

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** Parses already-decoded XML text. Throws `formats.unreadable` AppErrors only. */
export function parseXmlText(text: string, options: XmlParseOptions = {}): XmlDocument {
  const maxDepth = options.maxDepth ?? XML_DEFAULT_MAX_DEPTH;
  const ignoreBlank = options.ignoreWhitespaceText === true;
  const maxChars = options.maxBytes ?? XML_DEFAULT_MAX_BYTES;
  if (text.length > maxChars) throw xmlUnreadable('too_large', `taille supérieure à la limite de ${maxChars} caractères`);
  const len = text.length;
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  let lineScan = 0;
  const lineAt = (p: number): number => {
    // incremental: positions only move forward while parsing (errors may look back: recount)
    if (p < lineScan) {
      line = 1;
      lineScan = 0;
    }
    for (;;) {
      const nl = text.indexOf('\n', lineScan);
      if (nl < 0 || nl >= p) break;
      line++;
      lineScan = nl + 1;
    }
    return line;
  };
  const fail = (reason: XmlUnreadableReason, detail: string, p = pos): never => {
    throw xmlUnreadable(reason, detail, lineAt(p));
  };

  let scope: NsScope | undefined = { prefix: 'xml', uri: XML_NS, prev: undefined };
  const resolve = (prefix: string, p: number): string => {
    for (let s = scope; s; s = s.prev) if (s.prefix === prefix) return s.uri;
    if (prefix === '') return '';
    return fail('malformed', `préfixe d'espace de noms « ${prefix} » non déclaré`, p);
  };

  const decodeEntities = (raw: string, p: number): string => {
    if (raw.indexOf('&') < 0) return raw;
    let out = '';
    let i = 0;
    for (;;) {
      const amp = raw.indexOf('&', i);
      if (amp < 0) return out + raw.slice(i);
      out += raw.slice(i, amp);
      const semi = raw.indexOf(';', amp);
      if (semi < 0 || semi - amp > 12) fail('malformed', 'référence d\'entité non terminée', p);
      const ref = raw.slice(amp + 1, semi);
      if (ref.charCodeAt(0) === 0x23) {
        const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
        if (!Number.isFinite(code) || code <= 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
          fail('malformed', `référence de caractère invalide « &${ref}; »`, p);
        }
        out += String.fromCodePoint(code);
      } else {
        const v = predefinedEntities[ref];
        if (v === undefined) fail('entity_forbidden', `entité « &${ref}; » non autorisée (seules les entités XML prédéfinies le sont)`, p);
        out += v;
      }
      i = semi + 1;
    }
  };

  const stack: XmlElement[] = [];
  // open elements' qualified names as [start, end) ranges of the text: end tags are compared in
  // place, without allocating strings
  const qStarts: number[] = [];
  const qEnds: number[] = [];
  const attrNames: string[] = [];
  const attrValues: string[] = [];
  const scopeStack: Array<NsScope | undefined> = [];
  let root: XmlElement | undefined;

  while (pos < len) {
    const lt = text.indexOf('<', pos);
    const chunkEnd = lt < 0 ? len : lt;
    if (chunkEnd > pos) {
      const cur = stack[stack.length - 1];
      if (cur) {
        let blank = ignoreBlank;
        if (blank) {
          for (let i = pos; i < chunkEnd; i++) {
            if (!isSpace(text.charCodeAt(i))) {
              blank = false;
              break;
            }
          }
        }
        if (!blank) cur.text += decodeEntities(text.slice(pos, chunkEnd), pos);
      } else {
        for (let i = pos; i < chunkEnd; i++) {
          if (!isSpace(text.charCodeAt(i))) fail('malformed', 'texte en dehors de l\'élément racine', i);
        }
      }
    }
    if (lt < 0) break;
    pos = lt;
    const next = text.charCodeAt(pos + 1);
    if (next === 0x3f /* ? */) {
      const end = text.indexOf('?>', pos + 2);
      if (end < 0) fail('malformed', 'instruction de traitement non terminée');
      pos = end + 2;
    } else if (next === 0x21 /* ! */) {
      if (text.startsWith('<!--', pos)) {
        const end = text.indexOf('-->', pos + 4);
        if (end < 0) fail('malformed', 'commentaire non terminé');
        pos = end + 3;
      } else if (text.startsWith('<![CDATA[', pos)) {
        const cur = stack[stack.length - 1];
        if (!cur) fail('malformed', 'section CDATA en dehors de l\'élément racine');
        const end = text.indexOf(']]>', pos + 9);
        if (end < 0) fail('malformed', 'section CDATA non terminée');
        cur!.text += text.slice(pos + 9, end);
        pos = end + 3;
      } else if (/^<!DOCTYPE/i.test(text.slice(pos, pos + 9))) {
        fail('doctype_forbidden', 'les déclarations DOCTYPE/DTD sont refusées (protection XXE et expansion d\'entités)');
      } else if (text.startsWith('<!ENTITY', pos)) {
        fail('entity_forbidden', 'les déclarations d\'entités sont refusées');
      } else fail('malformed', 'déclaration « <! » inattendue');
    } else if (next === 0x2f /* / */) {
      const end = text.indexOf('>', pos + 2);
      if (end < 0) fail('malformed', 'balise fermante non terminée');
      let qEnd = end;
      while (qEnd > pos + 2 && isSpace(text.charCodeAt(qEnd - 1))) qEnd--;
      const cur = stack.pop();
      if (!cur) fail('malformed', `balise fermante « ${text.slice(pos + 2, qEnd)} » sans ouverture`);
      const es = qStarts.pop()!;
      const ee = qEnds.pop()!;
      let same = qEnd - pos - 2 === ee - es;
      for (let k = 0; same && k < ee - es; k++) if (text.charCodeAt(es + k) !== text.charCodeAt(pos + 2 + k)) same = false;
      if (!same) fail('malformed', `balise fermante « ${text.slice(pos + 2, qEnd)} » alors que « ${text.slice(es, ee)} » est ouverte`);
      cur!.end = end + 1;
      scope = scopeStack.pop();
      pos = end + 1;
    } else {
      pos = parseStartTag(pos);
    }
  }
  if (stack.length > 0) {
    const open = stack[stack.length - 1];
    fail('malformed', `document tronqué : « ${open.prefix ? open.prefix + ':' : ''}${open.name} » n'est pas fermé`, len);
  }
  if (!root) fail('empty', 'aucun élément racine');
  return { root: root!, text };

  function parseStartTag(tagStart: number): number {
    let i = tagStart + 1;
    const nameStart = i;
    let colon = -1;
    while (i < len) {
      const c = text.charCodeAt(i);
      if (isSpace(c) || c === 0x3e || c === 0x2f) break;
      if (c === 0x3a && colon < 0) colon = i;
      else if (c === 0x3c) fail('malformed', 'nom d\'élément invalide', tagStart);
      i++;
    }
    const nameEnd = i;
    if (nameEnd === nameStart) fail('malformed', 'nom d\'élément invalide', tagStart);
    // attributes go to reused scratch arrays: most elements have none, none allocate tuples
    let nAttrs = 0;
    let hasXmlns = false;
    let selfClosing = false;
    for (;;) {
      while (i < len && isSpace(text.charCodeAt(i))) i++;
      if (i >= len) fail('malformed', `balise « ${text.slice(nameStart, nameEnd)} » non terminée`, tagStart);
      const c = text.charCodeAt(i);
      if (c === 0x3e) { i++; break; }
      if (c === 0x2f) {
        if (text.charCodeAt(i + 1) !== 0x3e) fail('malformed', `balise « ${text.slice(nameStart, nameEnd)} » mal formée`, tagStart);
        selfClosing = true;
        i += 2;
        break;
      }
      const an = i;
      while (i < len) {
        const d = text.charCodeAt(i);
        if (isSpace(d) || d === 0x3d || d === 0x3e || d === 0x2f) break;
        i++;
      }
      const aname = text.slice(an, i);
      while (i < len && isSpace(text.charCodeAt(i))) i++;
      if (text.charCodeAt(i) !== 0x3d || !aname) fail('malformed', `attribut mal formé dans « ${text.slice(nameStart, nameEnd)} »`, tagStart);
      i++;
      while (i < len && isSpace(text.charCodeAt(i))) i++;
      const q = text.charCodeAt(i);
      if (q !== 0x22 && q !== 0x27) fail('malformed', `valeur d'attribut sans guillemets dans « ${text.slice(nameStart, nameEnd)} »`, tagStart);
      const vend = text.indexOf(q === 0x22 ? '"' : "'", i + 1);
      if (vend < 0) fail('malformed', `valeur d'attribut non terminée dans « ${text.slice(nameStart, nameEnd)} »`, tagStart);
      const rawValue = text.slice(i + 1, vend);
      if (rawValue.includes('<')) fail('malformed', `caractère « < » dans un attribut de « ${text.slice(nameStart, nameEnd)} »`, tagStart);
      for (let k = 0; k < nAttrs; k++) if (attrNames[k] === aname) fail('malformed', `attribut « ${aname} » répété`, tagStart);
      let value = decodeEntities(rawValue, tagStart);
      if (/[\t\n\r]/.test(value)) value = value.replace(/[\t\n\r]/g, ' ');
      if (aname.charCodeAt(0) === 0x78 /* x */ && (aname === 'xmlns' || aname.startsWith('xmlns:'))) hasXmlns = true;
      attrNames[nAttrs] = aname;
      attrValues[nAttrs] = value;
      nAttrs++;
      i = vend + 1;
    }
    if (stack.length === 0 && root) fail('malformed', 'plusieurs éléments racine', tagStart);
    if (stack.length >= maxDepth) fail('too_deep', `profondeur d'imbrication supérieure à ${maxDepth}`, tagStart);
    scopeStack.push(scope);
    if (hasXmlns) {
      for (let k = 0; k < nAttrs; k++) {
        const aname = attrNames[k];
        const value = attrValues[k];
        if (aname === 'xmlns') scope = { prefix: '', uri: intern(value), prev: scope };
        else if (aname.startsWith('xmlns:')) {
          if (!value) fail('malformed', `déclaration vide du préfixe « ${aname.slice(6)} »`, tagStart);
          scope = { prefix: aname.slice(6), uri: intern(value), prev: scope };
        }
      }
    }
    const prefix = colon < 0 ? '' : text.slice(nameStart, colon);
    const el: XmlElement = {
      ns: resolve(prefix, tagStart),
      name: intern(text.slice(colon < 0 ? nameStart : colon + 1, nameEnd)),
      prefix,
      attrs: nAttrs > 0 ? [] : NO_ATTRS,
      children: [],
      text: '',
      parent: stack[stack.length - 1],
      line: lineAt(tagStart),
      start: tagStart,
      end: i,
    };
    for (let k = 0; k < nAttrs; k++) {
      const aname = attrNames[k];
      const value = attrValues[k];
      if (hasXmlns && (aname === 'xmlns' || aname.startsWith('xmlns:'))) continue;
      const ac = aname.indexOf(':');
      const ap = ac < 0 ? '' : aname.slice(0, ac);
      el.attrs.push({ ns: ap ? resolve(ap, tagStart) : '', name: intern(ac < 0 ? aname : aname.slice(ac + 1)), prefix: ap, value });
    }
    if (el.parent) el.parent.children.push(el);
    else root = el;
    if (selfClosing) scope = scopeStack.pop();
    else {
      stack.push(el);
      qStarts.push(nameStart);
      qEnds.push(nameEnd);
    }
    return i;
  }
}
