/** Public API of the invoice writers (EN 16931 model → CII per Factur-X profile, → UBL 2.1). */
export {
  writeCii, buildCiiTree, facturXProfileOf, FACTURX_GUIDELINE_IDS, FACTURX_PROFILES, UBL_TO_CII_TAX_POINT_CODE,
  type FacturXProfile, type WriteCiiOptions,
} from './cii.js';
export { writeUbl, CREDIT_NOTE_TYPE_CODES, type WriteUblOptions } from './ubl.js';
