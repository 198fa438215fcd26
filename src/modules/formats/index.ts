/** Public API of the formats module (core: model, detection, XML reading, EN 16931 validation). */
export type * from './formats.models.js';
export { detectFormat } from './formats.detect.js';
export { readXmlInvoice, readInvoiceElement, type ParsedInvoice, type SyntaxView } from './formats.read.js';
