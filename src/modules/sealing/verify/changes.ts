import { PDFArray, PDFDict, PDFName, PDFRef, PDFStream, type PDFContext, type PDFObject } from 'pdf-lib';
import { PDFDocument, ParseSpeeds } from 'pdf-lib';
import type { ChangesAfterSigning } from './verify.models.js';

const latin1 = new TextDecoder('latin1');

function withoutKeys(o: PDFObject | undefined, keys: string[]): string {
  if (!(o instanceof PDFDict)) return String(o);
  const entries = o.entries().filter(([k]) => !keys.includes(k.decodeText()));
  return entries.map(([k, v]) => `${k.toString()} ${v.toString()}`).sort().join('\n');
}

function isPrefixArray(oldO: PDFObject | undefined, newO: PDFObject | undefined): boolean {
  if (!(oldO instanceof PDFArray) || !(newO instanceof PDFArray)) return false;
  const a = oldO.asArray().map(String);
  const b = newO.asArray().map(String);
  return a.length <= b.length && a.every((x, i) => x === b[i]);
}

function dictOf(o: PDFObject | undefined): PDFDict | undefined {
  if (o instanceof PDFDict) return o;
  if (o instanceof PDFStream) return o.dict;
  return undefined;
}

/** Refs reachable from the DSS (certificates, CRLs, OCSPs, VRI entries): validation data. */
function dssRefs(ctx: PDFContext): Set<string> {
  const out = new Set<string>();
  const catalog = ctx.lookupMaybe(ctx.trailerInfo.Root, PDFDict);
  const dssRef = catalog?.get(PDFName.of('DSS'));
  if (dssRef instanceof PDFRef) out.add(dssRef.toString());
  const walk = (o: PDFObject | undefined, depth: number) => {
    if (!o || depth > 5) return;
    if (o instanceof PDFRef) {
      if (out.has(o.toString()) && depth > 0) return;
      out.add(o.toString());
      const t = ctx.lookup(o);
      if (t instanceof PDFDict || t instanceof PDFArray) walk(t, depth + 1);
    } else if (o instanceof PDFDict) for (const [, v] of o.entries()) walk(v, depth + 1);
    else if (o instanceof PDFArray) for (const v of o.asArray()) walk(v, depth + 1);
  };
  walk(dssRef, 0);
  return out;
}

/**
 * Classifies what the bytes after a signature's coverage do. Adding signatures, document
 * timestamps, their widgets/appearances and DSS validation data is allowed (PAdES LT/LTA);
 * anything else, or bytes that are not an incremental update, is reported as a modification.
 */
export async function changesAfterSigning(bytes: Uint8Array, signedEnd: number, ctx: PDFContext): Promise<ChangesAfterSigning> {
  const appended = bytes.length - signedEnd;
  if (appended <= 0) return { status: 'none', appendedBytes: 0, details: [] };
  const tail = latin1.decode(bytes.subarray(signedEnd));
  if (/^\s*$/.test(tail)) return { status: 'none', appendedBytes: appended, details: ['whitespace only after the signed range'] };
  const defs = [...tail.matchAll(/(?:^|[\r\n\s])(\d{1,10})\s+(\d{1,5})\s+obj\b/g)].map((m) => ({
    num: Number(m[1]),
    gen: Number(m[2]),
    // pdf-lib drops cross-reference streams from its context: recognise them from the raw text.
    isXref: /^[^>]{0,40}<<[^]{0,300}?\/Type\s*\/XRef\b/.test(tail.slice(m.index! + m[0].length, m.index! + m[0].length + 400)),
  }));
  const hasEof = /%%EOF\s*$/.test(tail);
  if (!defs.length || !hasEof) return { status: 'modified', appendedBytes: appended, details: [`${appended} bytes appended after signing are not a valid incremental update`] };

  let old: PDFContext | undefined;
  try {
    old = (await PDFDocument.load(bytes.subarray(0, signedEnd), { ignoreEncryption: true, updateMetadata: false, parseSpeed: ParseSpeeds.Fastest })).context;
  } catch {
    return { status: 'modified', appendedBytes: appended, details: ['signed revision unreadable'] };
  }
  const dss = dssRefs(ctx);
  const details: string[] = [];
  let modified = false;
  const newWidgetsAp = new Set<string>();
  // First pass: appearance streams of new signature widgets are allowed.
  for (const d of defs) {
    const o = dictOf(ctx.lookup(PDFRef.of(d.num, d.gen)));
    if (o?.get(PDFName.of('FT')) === PDFName.of('Sig')) {
      const ap = ctx.lookupMaybe(o.get(PDFName.of('AP')), PDFDict);
      const n = ap?.get(PDFName.of('N'));
      if (n instanceof PDFRef) {
        newWidgetsAp.add(n.toString());
        const res = ctx.lookupMaybe(dictOf(ctx.lookup(n))?.get(PDFName.of('Resources')), PDFDict);
        const fonts = ctx.lookupMaybe(res?.get(PDFName.of('Font')), PDFDict);
        for (const [, f] of fonts?.entries() ?? []) if (f instanceof PDFRef) newWidgetsAp.add(f.toString());
      }
    }
  }
  const rootRef = ctx.trailerInfo.Root?.toString();
  for (const d of defs) {
    const ref = PDFRef.of(d.num, d.gen);
    const key = ref.toString();
    const now = ctx.lookup(ref);
    const before = old.lookup(ref);
    // Only an object pdf-lib dropped may be skipped as a cross-reference stream: text alone could lie.
    if (!now && d.isXref) continue;
    if (!now) {
      modified = true;
      details.push(`object ${key} unreadable`);
      continue;
    }
    const dict = dictOf(now);
    const type = dict?.get(PDFName.of('Type'));
    if (type === PDFName.of('XRef')) continue;
    if (type === PDFName.of('Sig') || type === PDFName.of('DocTimeStamp')) {
      if (before) (modified = true), details.push(`signature ${key} replaced`);
      else details.push(`${type === PDFName.of('Sig') ? 'signature' : 'document timestamp'} added (${key})`);
      continue;
    }
    if (dss.has(key)) {
      details.push(`validation data (DSS) ${key}`);
      continue;
    }
    if (!before) {
      if (dict?.get(PDFName.of('FT')) === PDFName.of('Sig')) details.push(`signature field added (${key})`);
      else if (newWidgetsAp.has(key)) details.push(`signature appearance (${key})`);
      else if (dict && dict.get(PDFName.of('Fields'))) details.push(`form dictionary added (${key})`);
      else (modified = true), details.push(`new object ${key} (${type?.toString() ?? 'untyped'})`);
      continue;
    }
    if (key === rootRef) {
      if (withoutKeys(before, ['DSS', 'AcroForm', 'Extensions']) === withoutKeys(now, ['DSS', 'AcroForm', 'Extensions'])) details.push('catalog: DSS/AcroForm reference updated');
      else (modified = true), details.push('catalog modified');
      continue;
    }
    const beforeDict = dictOf(before);
    if (beforeDict?.get(PDFName.of('Type')) === PDFName.of('Page') && !(now instanceof PDFStream)) {
      if (withoutKeys(before, ['Annots']) === withoutKeys(now, ['Annots'])) details.push(`page ${key}: annotation list extended`);
      else (modified = true), details.push(`page ${key} modified`);
      continue;
    }
    if (beforeDict && beforeDict.get(PDFName.of('Fields')) && !(now instanceof PDFStream)) {
      if (withoutKeys(before, ['Fields', 'SigFlags']) === withoutKeys(now, ['Fields', 'SigFlags'])) details.push(`form ${key}: fields extended`);
      else (modified = true), details.push(`form ${key} modified`);
      continue;
    }
    if (isPrefixArray(before, now)) {
      details.push(`array ${key} extended`);
      continue;
    }
    if (before.toString() === now.toString() && !(now instanceof PDFStream)) continue;
    modified = true;
    details.push(`object ${key} (${beforeDict?.get(PDFName.of('Type'))?.toString() ?? 'untyped'}) modified`);
  }
  return { status: modified ? 'modified' : 'allowed', appendedBytes: appended, details };
}
