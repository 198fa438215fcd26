import type { PdfAttachment } from './facturx.attachments.js';
import type { FacturXProfile, XmpFlavour } from './facturx.profiles.js';
import type { XmpExtensionSchema } from './facturx.xmp.js';

export type { FacturXProfile, XmpFlavour, PdfAttachment, XmpExtensionSchema };

export type FacturXReadLimits = {
  /** whole PDF (default 50 MB) */
  maxFileBytes: number;
  /** /Pages /Count (default 5,000) */
  maxPages: number;
  /** one decompressed stream: embedded file, object stream, XMP (default 20 MB) */
  maxDecodedBytes: number;
  /** decompressed / compressed (default 200) */
  maxRatio: number;
  maxAttachments: number;
  /** every stream decoded in one read, together: attachments, object streams, XMP (default 200 MB) */
  maxTotalDecodedBytes: number;
  /** wall-clock budget for one read (default 5 s) */
  timeBudgetMs: number;
};

export const defaultFacturXReadLimits: FacturXReadLimits = {
  maxFileBytes: 50 * 1024 * 1024,
  maxPages: 5_000,
  maxDecodedBytes: 20 * 1024 * 1024,
  maxRatio: 200,
  maxAttachments: 200,
  maxTotalDecodedBytes: 200 * 1024 * 1024,
  timeBudgetMs: 5_000,
};

export type FacturXXmpInfo = {
  present: boolean;
  namespace: string | null;
  flavour: XmpFlavour | null;
  documentType: string | null;
  documentFileName: string | null;
  version: string | null;
  conformanceLevel: string | null;
  extensionSchemas: XmpExtensionSchema[];
};

export type FacturXReadResult = {
  /** the embedded invoice XML, byte-exact */
  xml: Uint8Array | null;
  xmlFilename: string | null;
  /** effective profile: from the XML guideline ID (trusted), else from the XMP claim */
  profile: FacturXProfile | null;
  profileFromXml: FacturXProfile | null;
  profileFromXmp: FacturXProfile | null;
  /** BT-24 as found in the XML */
  guidelineId: string | null;
  xmp: FacturXXmpInfo;
  pdfa: { part: string | null; conformance: string | null } | null;
  attachments: PdfAttachment[];
  pageCount: number | null;
  /** container defects: a non-empty list means the file is not a valid Factur-X container */
  problems: string[];
  /** oddities that do not make the container invalid */
  warnings: string[];
};
