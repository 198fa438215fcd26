import { isAppError } from '../../shared/errors.js';
import type { NewDocument, RegisterInvoiceInput } from '../invoices/invoices.models.js';
import type { ChorusInvoiceSummary } from './chorus.models.js';
import type { ChorusPort } from './chorus.port.js';
import { readPivot, type PivotInvoice } from '../formats/pivot/index.js';
import { readXmlInvoice } from '../formats/formats.read.js';
import { dec, isAmount, toAmount } from '../../shared/money.js';

/** Failures that belong to the file, not to the connection: the invoice is recorded in error. */
const fileErrorCodes = new Set(['formats.unreadable', 'chorus.functional_error', 'chorus.payload_too_large', 'chorus.unexpected_response']);

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

const amountOrNull = (v: string | undefined) => (v !== undefined && isAmount(v) ? toAmount(v) : null);

function fromPivot(p: PivotInvoice, base: Omit<RegisterInvoiceInput, 'tenantId'>): Omit<RegisterInvoiceInput, 'tenantId'> {
  const ht = amountOrNull(p.montants.ht);
  const ttc = amountOrNull(p.montants.ttc);
  return {
    ...base,
    number: p.numero ?? base.number,
    type: p.type === '381' ? 'credit_note' : p.type === '380' ? 'invoice' : base.type,
    supplierName: p.fournisseur.raisonSociale || base.supplierName,
    // TypeIdentifiant 1 = SIRET.
    supplierSiret: p.fournisseur.typeIdentifiant === '1' ? siret(p.fournisseur.identifiant) : base.supplierSiret,
    buyerName: p.debiteur.nom ?? null,
    buyerSiret: siret(p.debiteur.identifiant) ?? base.buyerSiret,
    issueDate: p.dateEmission && /^\d{4}-\d{2}-\d{2}$/.test(p.dateEmission) ? p.dateEmission : base.issueDate,
    currency: p.devise ?? base.currency,
    totalHt: ht ?? base.totalHt,
    // PIVOT carries HT and TTC; the VAT total is their difference.
    totalTva: ht !== null && ttc !== null ? toAmount(dec(ttc).minus(ht)) : null,
    totalTtc: ttc ?? base.totalTtc,
    // EJ: PIVOT Engagement/NumeroEngagement, else the search's numeroBonCommande (one field).
    engagementNumber: p.numeroEngagement ?? base.engagementNumber,
    // Routing follows the search's codeServiceExecutant (what Chorus routed on), else PIVOT's CodeService.
    serviceCode: base.serviceCode ?? p.debiteur.codeService ?? null,
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
    const [pivot] = readPivot(pivotBytes).invoices;
    const mainPiece = pivot.pieces.find((x) => x.typePJ === '01');
    // The legal document: the invoice PDF (possibly Factur-X), else the structured XML (E1 flows).
    const main = pivot.mainPdf ?? (pivot.structuredSource === 'pj' ? pivot.structured : null);
    if (!main || main.length === 0) throw Object.assign(new Error('pièce jointe principale (TypePJ 01) absente du PIVOT'), { importReason: true });
    const isPdf = main === pivot.mainPdf;
    documents.unshift({ role: 'original', filename: mainPiece?.filename ?? (isPdf ? 'facture.pdf' : 'facture.xml'), mime: isPdf ? 'application/pdf' : 'application/xml', bytes: main });
    if (isPdf && pivot.structuredSource === 'pj' && pivot.structured) documents.push({ role: 'attachment', filename: 'facture.xml', mime: 'application/xml', bytes: pivot.structured });
    for (const a of pivot.attachments) documents.push({ role: 'attachment', filename: a.filename, mime: a.mime, bytes: a.bytes });
    // The EN 16931 model when the invoice is structured; its absence or failure is not an import error.
    let model: unknown;
    if (pivot.structured) {
      try {
        model = readXmlInvoice(pivot.structured).model;
      } catch {
        model = undefined;
      }
    }
    return { input: { ...fromPivot(pivot, base), receivedAt, documents, status: 'received', model }, importError: null };
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
