/** Public API: reading Factur-X / ZUGFeRD PDFs (embedded XML, XMP, PDF/A identification, container checks). */
export { readFacturX } from './facturx.reader.js';
export { defaultFacturXReadLimits } from './facturx.models.js';
export type { FacturXReadResult, FacturXReadLimits, FacturXXmpInfo, PdfAttachment } from './facturx.models.js';
export {
  FACTURX_PROFILES,
  GUIDELINE_IDS,
  INVOICE_XML_NAMES,
  XMP_NAMESPACES,
  profileFromGuideline,
  profileFromConformanceLevel,
} from './facturx.profiles.js';
export type { FacturXProfile, XmpFlavour } from './facturx.profiles.js';
