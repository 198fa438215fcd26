/** Public API: invoice rendering (PDF/A-3b) and Factur-X production. */
export { renderInvoicePdf, type RenderOptions } from './pdf.render.js';
export { writeFacturX, defaultRelationship, FACTURX_FILENAME, type WriteFacturXInput, type AFRelationshipName } from './pdf.facturx.js';
