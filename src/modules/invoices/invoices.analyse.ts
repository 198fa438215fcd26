import type { EInvoice } from '../formats/formats.models.js';
import { readFacturX } from '../formats/facturx/index.js';
import { readXmlInvoice, type ParsedInvoice } from '../formats/formats.read.js';
import { validateInvoice } from '../formats/formats.validate.js';
import type { DocumentAnalyser } from './invoices.intake.js';
import type { RegisterInvoiceInput } from './invoices.models.js';
import { sniffMime } from './invoices.intake.js';

/** The register's indexed columns, read from the EN 16931 model. */
export function modelToRegisterFields(m: EInvoice): Partial<RegisterInvoiceInput> {
  const siret = m.seller?.legalRegistrationId?.value ?? m.seller?.identifiers?.find((i) => /^\d{14}$/.test(i.value))?.value;
  return {
    number: m.number,
    type: m.typeCode === '381' || m.typeCode === '261' ? 'credit_note' : 'invoice',
    supplierName: m.seller?.name ?? m.seller?.tradingName ?? 'Fournisseur inconnu',
    supplierSiret: siret && /^\d{14}$/.test(siret) ? siret : null,
    supplierVatId: m.seller?.vatId ?? null,
    buyerName: m.buyer?.name ?? null,
    buyerSiret: m.buyer?.legalRegistrationId?.value && /^\d{14}$/.test(m.buyer.legalRegistrationId.value) ? m.buyer.legalRegistrationId.value : null,
    issueDate: m.issueDate ?? null,
    dueDate: m.dueDate ?? null,
    currency: m.currencyCode ?? 'EUR',
    totalHt: m.totals?.taxExclusiveAmount ?? null,
    totalTva: m.totals?.vatTotal ?? null,
    totalTtc: m.totals?.taxInclusiveAmount ?? null,
    engagementNumber: m.purchaseOrderReference ?? m.contractReference ?? null,
  };
}

/** EN 16931 always; the Factur-X profile rules for PDFs; BR-FR as warnings (inbound invoices are judged, not refused). */
function report(parsed: ParsedInvoice, facturx: boolean) {
  const rules = facturx ? (['en16931', 'facturx', 'br-fr-warning'] as const) : (['en16931', 'br-fr-warning'] as const);
  return validateInvoice(parsed, { rules: [...rules] });
}

/**
 * Reads structured uploads into register fields, the model and a validation report: CII/UBL XML,
 * or a Factur-X/ZUGFeRD PDF (its embedded XML). A plain PDF returns null: an agent types the data.
 */
export const analyseDocument: DocumentAnalyser = async (bytes) => {
  const mime = sniffMime(bytes);
  if (mime === 'application/xml') {
    const parsed = readXmlInvoice(bytes);
    return {
      fields: modelToRegisterFields(parsed.model),
      model: parsed.model,
      validation: report(parsed, false),
      attachments: parsed.attachments.map((a) => ({ filename: a.filename ?? 'piece-jointe', mime: a.mimeCode ?? 'application/octet-stream', bytes: a.content })),
    };
  }
  if (mime === 'application/pdf') {
    // A PDF we cannot parse as Factur-X is still a document a person can read: it goes to manual entry.
    let fx: ReturnType<typeof readFacturX> | null = null;
    try {
      fx = readFacturX(bytes);
    } catch {
      fx = null;
    }
    if (!fx?.xml) return null;
    const parsed = readXmlInvoice(fx.xml);
    const validation = report(parsed, true);
    return {
      fields: modelToRegisterFields(parsed.model),
      model: parsed.model,
      validation: { ...validation, container: { profile: fx.profile, problems: fx.problems, warnings: fx.warnings } },
      attachments: [{ filename: fx.xmlFilename ?? 'factur-x.xml', mime: 'application/xml', bytes: fx.xml }],
    };
  }
  return null;
};
