import { createHash } from 'node:crypto';
import type { PdfFile } from '../../pdf/parser/pdf-file.js';
import { PdfDict, PdfName, PdfRef, PdfStream, PdfString, PdfSyntaxError, type PdfValue } from '../../pdf/parser/pdf-objects.js';

export type PdfAttachment = {
  filename: string;
  /** /AFRelationship (Data, Source, Alternative, Supplement, Unspecified), null if absent */
  relationship: string | null;
  /** /Subtype of the embedded file stream, decoded (e.g. "text/xml") */
  mime: string | null;
  description: string | null;
  /** listed in the catalog /AF array (PDF/A-3 associated file) */
  inAF: boolean;
  /** listed in the /Names /EmbeddedFiles name tree */
  inNames: boolean;
  /** decoded content; null when it could not be decoded within the limits (see `error`) */
  bytes: Uint8Array | null;
  /** /Params /Size as declared */
  declaredSize: number | null;
  /** MD5 /Params /CheckSum matches the decoded bytes (null when absent or not decodable) */
  checksumOk: boolean | null;
  error?: string;
};

export type AttachmentLimits = { maxEmbeddedBytes: number; maxRatio: number; maxAttachments: number };

/**
 * Lists the embedded files reachable from the catalog: the PDF/A-3 `/AF` array first, then the
 * `/Names /EmbeddedFiles` name tree (bounded walk). A file spec listed in both is reported once.
 */
export function collectAttachments(pdf: PdfFile, catalog: PdfDict, limits: AttachmentLimits): PdfAttachment[] {
  const found = new Map<unknown, PdfAttachment>();
  const add = (specValue: PdfValue | undefined, via: 'af' | 'names', nameKey?: string) => {
    const key = specValue instanceof PdfRef ? `ref:${specValue.num}` : specValue;
    const existing = found.get(key);
    if (existing) {
      if (via === 'af') existing.inAF = true;
      else existing.inNames = true;
      return;
    }
    if (found.size >= limits.maxAttachments) throw new PdfSyntaxError(`trop de fichiers joints (> ${limits.maxAttachments})`);
    const spec = pdf.dict(specValue);
    if (!spec) return;
    const att = readFileSpec(pdf, spec, limits, nameKey);
    att.inAF = via === 'af';
    att.inNames = via === 'names';
    found.set(key, att);
  };

  const af = pdf.resolve(catalog.get('AF'));
  if (Array.isArray(af)) for (const v of af) add(v, 'af');

  const names = pdf.dict(catalog.get('Names'));
  const tree = names ? pdf.dict(names.get('EmbeddedFiles')) : null;
  if (tree) {
    const stack: Array<{ node: PdfDict; depth: number }> = [{ node: tree, depth: 0 }];
    let visited = 0;
    while (stack.length) {
      const { node, depth } = stack.pop()!;
      if (++visited > 10_000 || depth > 32) throw new PdfSyntaxError("arbre /EmbeddedFiles trop grand ou trop profond");
      pdf.checkDeadline();
      const pairs = pdf.resolve(node.get('Names'));
      if (Array.isArray(pairs)) {
        for (let i = 0; i + 1 < pairs.length; i += 2) {
          const k = pdf.resolve(pairs[i]);
          add(pairs[i + 1], 'names', k instanceof PdfString ? k.toText() : undefined);
        }
      }
      const kids = pdf.resolve(node.get('Kids'));
      if (Array.isArray(kids)) {
        for (const kid of kids) {
          const d = pdf.dict(kid);
          if (d) stack.push({ node: d, depth: depth + 1 });
        }
      }
    }
  }
  return [...found.values()];
}

function readFileSpec(pdf: PdfFile, spec: PdfDict, limits: AttachmentLimits, nameKey?: string): PdfAttachment {
  const text = (v: PdfValue | undefined) => {
    const r = pdf.resolve(v);
    return r instanceof PdfString ? r.toText() : null;
  };
  const rel = pdf.resolve(spec.get('AFRelationship'));
  const att: PdfAttachment = {
    filename: text(spec.get('UF')) ?? text(spec.get('F')) ?? nameKey ?? '',
    relationship: rel instanceof PdfName ? rel.name : null,
    mime: null,
    description: text(spec.get('Desc')),
    inAF: false,
    inNames: false,
    bytes: null,
    declaredSize: null,
    checksumOk: null,
  };
  const ef = pdf.dict(spec.get('EF'));
  const stream = ef ? pdf.resolve(ef.get('UF') ?? ef.get('F')) : undefined;
  if (!(stream instanceof PdfStream)) {
    att.error = 'spécification de fichier sans flux /EF';
    return att;
  }
  const subtype = pdf.resolve(stream.dict.get('Subtype'));
  att.mime = subtype instanceof PdfName ? subtype.name : null;
  const params = pdf.dict(stream.dict.get('Params'));
  const size = params ? pdf.resolve(params.get('Size')) : undefined;
  att.declaredSize = typeof size === 'number' ? size : null;
  try {
    att.bytes = pdf.decode(stream, { maxOutputBytes: limits.maxEmbeddedBytes, maxRatio: limits.maxRatio });
  } catch (e) {
    if (!(e instanceof PdfSyntaxError) || e.reason.startsWith('délai')) throw e;
    att.error = e.reason;
    return att;
  }
  const sum = params ? pdf.resolve(params.get('CheckSum')) : undefined;
  if (sum instanceof PdfString && sum.bytes.length === 16) {
    const md5 = createHash('md5').update(att.bytes).digest();
    att.checksumOk = Buffer.compare(md5, Buffer.from(sum.bytes)) === 0;
  }
  return att;
}
