import { isAppError } from '../../shared/errors.js';
import type { NewDocument, RegisterInvoiceInput } from '../invoices/invoices.models.js';
import type { ChorusInvoiceSummary } from './chorus.models.js';
import type { ChorusPort } from './chorus.port.js';
import { readPivot, type PivotInvoice } from './chorus.pivot.js';

/** Failures that belong to the file, not to the connection: the invoice is recorded in error. */
const fileErrorCodes = new Set(['chorus.pivot_unreadable', 'formats.unreadable', 'chorus.functional_error', 'chorus.payload_too_large', 'chorus.unexpected_response']);

export type PreparedImport = { input: Omit<RegisterInvoiceInput, 'tenantId'>; importError: string | null };

const siret = (v: string | null | undefined) => (v && /^\d{14}$/.test(v) ? v : null);

function fromSummary(s: ChorusInvoiceSummary): Omit<RegisterInvoiceInput, 'tenantId'> {
  return {
    source: 'chorus',
    externalId: String(s.idFacture),
    number: s.numeroFacture || `CHORUS-${s.idFacture}`,
    type: s.typeFacture === 'AVOIR' ? 'credit_note' : 'invoice',
    supplierName: s.designationFournisseur || 'Fournisseur inconnu',
    supplierSiret: siret(s.codeFournisseur),
    buyerSiret: siret(s.codeDestinataire),
    issueDate: s.dateFacture,
    currency: s.devise ?? 'EUR',
    totalHt: s.montantHT,
    totalTtc: s.montantTTC,
    engagementNumber: s.numeroBonCommande,
    serviceCode: s.codeServiceExecutant,
  };
}

function fromPivot(p: PivotInvoice, base: Omit<RegisterInvoiceInput, 'tenantId'>): Omit<RegisterInvoiceInput, 'tenantId'> {
  return {
    ...base,
    number: p.numeroFacture,
    type: p.typeCode === '381' ? 'credit_note' : 'invoice',
    supplierName: p.supplier.raisonSociale || base.supplierName,
    supplierSiret: p.supplier.typeIdentifiant === '1' || p.supplier.typeIdentifiant === 'SIRET' ? siret(p.supplier.identifiant) : base.supplierSiret,
    buyerName: p.debiteur.nom,
    buyerSiret: siret(p.debiteur.identifiant) ?? base.buyerSiret,
    issueDate: p.dateFacture ?? base.issueDate,
    currency: p.devise,
    totalHt: p.montantHT ?? base.totalHt,
    totalTva: p.montantTVA,
    totalTtc: p.montantTTC ?? base.totalTtc,
    // EJ: PIVOT Engagement/NumeroEngagement, else the search's numeroBonCommande (one field).
    engagementNumber: p.engagement ?? base.engagementNumber,
    // Routing follows the search's codeServiceExecutant (what Chorus routed on), else PIVOT's CodeService.
    serviceCode: base.serviceCode ?? p.debiteur.codeService,
  };
}

/**
 * Downloads and reads the PIVOT of a new invoice and prepares its registration. Connection
 * failures propagate (the invoice is retried next run); a bad file yields an import-error record.
 */
export async function prepareImport(port: ChorusPort, summary: ChorusInvoiceSummary, receivedAt: Date): Promise<PreparedImport> {
  const base = fromSummary(summary);
  let pivotBytes: Buffer | null = null;
  const documents: NewDocument[] = [];
  try {
    pivotBytes = await port.downloadInvoice(summary.idFacture, 'PIVOT');
    documents.push({ role: 'other', filename: `chorus-${summary.idFacture}-pivot.xml`, mime: 'application/xml', bytes: pivotBytes });
    const pivot = readPivot(pivotBytes);
    const main = pivot.attachments.find((a) => a.typePJ === '01');
    if (!main || main.content.length === 0) throw Object.assign(new Error('pièce jointe principale (TypePJ 01) absente du PIVOT'), { importReason: true });
    documents.unshift({ role: 'original', filename: main.name, mime: main.mime, bytes: main.content });
    for (const a of pivot.attachments) if (a !== main) documents.push({ role: 'attachment', filename: a.name, mime: a.mime, bytes: a.content });
    return { input: { ...fromPivot(pivot, base), receivedAt, documents, status: 'received' }, importError: null };
  } catch (e) {
    const reason = (e as { importReason?: boolean }).importReason
      ? (e as Error).message
      : isAppError(e) && fileErrorCodes.has(e.code)
        ? `${e.code} : ${e.message}`
        : null;
    if (reason === null) throw e;
    return { input: { ...base, receivedAt, documents, status: 'import_error', importError: reason.slice(0, 1000) }, importError: reason };
  }
}
