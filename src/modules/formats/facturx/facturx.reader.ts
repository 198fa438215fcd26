import { isAppError } from '../../../shared/errors.js';
import { PdfFile } from '../../pdf/parser/pdf-file.js';
import { PdfDict, PdfName, PdfStream, PdfSyntaxError } from '../../pdf/parser/pdf-objects.js';
import { collectAttachments, type PdfAttachment } from './facturx.attachments.js';
import { checkContainer } from './facturx.checks.js';
import { pdfUnreadable } from './facturx.errors.js';
import { readInvoiceXmlInfo } from './facturx.guideline.js';
import {
  defaultFacturXReadLimits,
  type FacturXReadLimits,
  type FacturXReadResult,
  type FacturXXmpInfo,
} from './facturx.models.js';
import { INVOICE_XML_NAMES, profileFromConformanceLevel, profileFromGuideline } from './facturx.profiles.js';
import { readFacturXXmp } from './facturx.xmp.js';

/**
 * Reads a Factur-X / ZUGFeRD / XRechnung-in-PDF file: the embedded invoice XML, the XMP claims,
 * the PDF/A identification, every attachment, and a list of container problems (step 0 of the
 * validation order). Throws `formats.unreadable` only when the PDF cannot be read at all
 * (not a PDF, encrypted, over a limit, damaged beyond recovery); a readable but non-conforming
 * file comes back with `problems`.
 */
export function readFacturX(bytes: Uint8Array, limitsIn: Partial<FacturXReadLimits> = {}): FacturXReadResult {
  const limits = { ...defaultFacturXReadLimits, ...limitsIn };
  try {
    return readUnchecked(bytes, limits);
  } catch (e) {
    if (isAppError(e)) throw e;
    if (e instanceof PdfSyntaxError) throw pdfUnreadable(e.message, e);
    if (e instanceof RangeError) throw pdfUnreadable(`structure trop grande ou trop profonde (${e.message})`, e);
    throw pdfUnreadable(`erreur de lecture inattendue (${(e as Error).message})`, e);
  }
}

function readUnchecked(bytes: Uint8Array, limits: FacturXReadLimits): FacturXReadResult {
  const pdf = PdfFile.open(bytes, {
    maxFileBytes: limits.maxFileBytes,
    maxObjects: 1_000_000,
    maxTotalDecodedBytes: limits.maxTotalDecodedBytes,
    maxOutputBytes: limits.maxDecodedBytes,
    maxRatio: limits.maxRatio,
    timeBudgetMs: limits.timeBudgetMs,
  });
  if (pdf.isEncrypted) throw pdfUnreadable('le document est chiffré (/Encrypt) : le contenu embarqué ne peut pas être lu');
  const problems = [...pdf.structureProblems];
  const warnings = [...pdf.structureWarnings];
  const catalog = pdf.dict(pdf.trailer.get('Root'));
  if (!catalog) throw pdfUnreadable('catalogue (/Root) introuvable');

  const pageCount = readPageCount(pdf, catalog, problems);
  if (pageCount !== null && pageCount > limits.maxPages) {
    throw pdfUnreadable(`trop de pages (${pageCount}, limite ${limits.maxPages})`);
  }

  const xmp = readXmp(pdf, catalog, problems);
  const attachments = collectAttachments(pdf, catalog, {
    maxEmbeddedBytes: limits.maxDecodedBytes,
    maxRatio: limits.maxRatio,
    maxAttachments: limits.maxAttachments,
  });
  const chosen = chooseInvoiceXml(attachments, xmp.documentFileName);

  let guidelineId: string | null = null;
  if (chosen?.bytes) {
    try {
      guidelineId = readInvoiceXmlInfo(chosen.bytes).guidelineId;
    } catch (e) {
      problems.push(`XML embarqué « ${chosen.filename} » illisible : ${(e as Error).message}`);
    }
  }
  const profileFromXml = profileFromGuideline(guidelineId);
  const profileFromXmp = profileFromConformanceLevel(xmp.conformanceLevel, xmp.flavour);
  const result: FacturXReadResult = {
    xml: chosen?.bytes ?? null,
    xmlFilename: chosen?.filename ?? null,
    profile: profileFromXml ?? profileFromXmp,
    profileFromXml,
    profileFromXmp,
    guidelineId,
    xmp: xmp.info,
    pdfa: xmp.pdfa,
    attachments,
    pageCount,
    problems,
    warnings,
  };
  checkContainer(result, chosen);
  return result;
}

function readPageCount(pdf: PdfFile, catalog: PdfDict, problems: string[]): number | null {
  const pages = pdf.dict(catalog.get('Pages'));
  const type = pages?.get('Type');
  if (!pages || !(type instanceof PdfName) || type.name !== 'Pages') {
    problems.push("arbre des pages invalide : /Pages du catalogue ne désigne pas un nœud /Type /Pages");
    return null;
  }
  const count = pdf.resolve(pages.get('Count'));
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1) {
    problems.push('arbre des pages invalide : /Count absent ou nul');
    return null;
  }
  return count;
}

type XmpRead = { info: FacturXXmpInfo; documentFileName: string | null; conformanceLevel: string | null; flavour: FacturXXmpInfo['flavour']; pdfa: FacturXReadResult['pdfa'] };

function readXmp(pdf: PdfFile, catalog: PdfDict, problems: string[]): XmpRead {
  const empty: FacturXXmpInfo = {
    present: false,
    namespace: null,
    flavour: null,
    documentType: null,
    documentFileName: null,
    version: null,
    conformanceLevel: null,
    extensionSchemas: [],
  };
  const none = { info: empty, documentFileName: null, conformanceLevel: null, flavour: null, pdfa: null };
  const stream = pdf.resolve(catalog.get('Metadata'));
  if (!(stream instanceof PdfStream)) {
    problems.push('métadonnées XMP absentes du catalogue (/Metadata)');
    return none;
  }
  let parsed;
  try {
    parsed = readFacturXXmp(pdf.decode(stream, { maxOutputBytes: 4 * 1024 * 1024 }));
  } catch (e) {
    if (e instanceof PdfSyntaxError && e.reason.startsWith('délai')) throw e;
    problems.push(`métadonnées XMP illisibles : ${e instanceof PdfSyntaxError ? e.reason : (e as Error).message}`);
    return { ...none, info: { ...empty, present: true } };
  }
  const info: FacturXXmpInfo = {
    present: true,
    namespace: parsed.namespace,
    flavour: parsed.flavour,
    documentType: parsed.documentType ?? null,
    documentFileName: parsed.documentFileName ?? null,
    version: parsed.version ?? null,
    conformanceLevel: parsed.conformanceLevel ?? null,
    extensionSchemas: parsed.extensionSchemas,
  };
  const pdfa = parsed.pdfaPart || parsed.pdfaConformance ? { part: parsed.pdfaPart ?? null, conformance: parsed.pdfaConformance ?? null } : null;
  return { info, documentFileName: info.documentFileName, conformanceLevel: info.conformanceLevel, flavour: info.flavour, pdfa };
}

/**
 * Picks the invoice XML: the file named by the XMP if it carries a known name, else the first known
 * name in preference order, looking in /AF before the name tree.
 */
function chooseInvoiceXml(atts: PdfAttachment[], xmpName: string | null): PdfAttachment | null {
  const known = (n: string) => INVOICE_XML_NAMES.some((k) => k.toLowerCase() === n.toLowerCase());
  if (xmpName && known(xmpName)) {
    const exact = atts.find((a) => a.filename === xmpName);
    if (exact) return exact;
  }
  const ordered = [...atts.filter((a) => a.inAF), ...atts.filter((a) => !a.inAF)];
  for (const name of INVOICE_XML_NAMES) {
    const hit = ordered.find((a) => a.filename === name);
    if (hit) return hit;
  }
  for (const name of INVOICE_XML_NAMES) {
    const hit = ordered.find((a) => a.filename.toLowerCase() === name.toLowerCase());
    if (hit) return hit;
  }
  return null;
}
