import type { EInvoice } from '../formats/formats.models.js';
import { readXmlInvoice } from '../formats/formats.read.js';
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

/** Reads structured uploads (CII, UBL) into register fields and the model; plain PDFs return null. */
export const analyseDocument: DocumentAnalyser = async (bytes) => {
  if (sniffMime(bytes) !== 'application/xml') return null;
  const parsed = readXmlInvoice(bytes);
  return {
    fields: modelToRegisterFields(parsed.model),
    model: parsed.model,
    attachments: parsed.attachments.map((a) => ({ filename: a.filename ?? 'piece-jointe', mime: a.mimeCode ?? 'application/octet-stream', bytes: a.content })),
  };
};
