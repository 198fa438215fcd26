import type { EInvoice, InvoiceLine, VatBreakdown } from '../formats/formats.models.js';
import { D, toAmount, type Dec } from '../../shared/money.js';

/** Luhn check used by SIREN (9 digits) and SIRET (14 digits); La Poste's SIRETs (356000000…) sum digits instead. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

export function isValidSiren(s: string): boolean {
  return /^\d{9}$/.test(s) && luhnValid(s);
}

export function isValidSiret(s: string): boolean {
  if (!/^\d{14}$/.test(s)) return false;
  if (s.startsWith('356000000')) return [...s].reduce((a, c) => a + Number(c), 0) % 5 === 0;
  return luhnValid(s);
}

/** ISO 13616 IBAN: country, check digits, mod-97 = 1 over the rearranged number. */
export function isValidIban(raw: string): boolean {
  const iban = raw.replace(/\s+/g, '').toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/.test(iban)) return false;
  if (iban.startsWith('FR') && iban.length !== 27) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let rem = 0;
  for (const ch of rearranged) {
    const v = ch >= 'A' ? String(ch.charCodeAt(0) - 55) : ch;
    for (const digit of v) rem = (rem * 10 + Number(digit)) % 97;
  }
  return rem === 1;
}

/** The French intra-community VAT number of a SIREN: FR + key + SIREN, key = (12 + 3 × (SIREN mod 97)) mod 97. */
export function frenchVatId(siren: string): string {
  const key = (12 + 3 * (Number(siren) % 97)) % 97;
  return `FR${String(key).padStart(2, '0')}${siren}`;
}

export type VatStatus = 'liable' | 'franchise';

export type SupplierForInvoice = {
  id: string;
  externalId: string;
  name: string;
  siren: string;
  siret: string | null;
  vatStatus: VatStatus;
  vatId: string | null;
  address: { line1?: string; postCode?: string; city?: string; countryCode?: string };
  email: string | null;
  iban: string | null;
};

export type IssuerIdentity = {
  legalName: string;
  siren: string;
  siret?: string;
  vatId: string;
  address: { line1?: string; postCode?: string; city?: string; countryCode?: string };
  /** Mentions printed on every self-invoice besides "Autofacturation". */
  mentions?: string[];
};

export type AggregatedLine = { eventType: string; label: string; quantity: string; unitPrice: string; amount?: string; vatRate: string };

/** A month "2026-10" → its first and last day. */
export function periodBounds(period: string): { start: string; end: string } {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(period)) throw new Error(`période invalide : ${period}`);
  const [y, m] = period.split('-').map(Number);
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return { start: `${period}-01`, end: `${period}-${String(last).padStart(2, '0')}` };
}

export const FRANCHISE_MENTION = 'TVA non applicable, art. 293 B du CGI';

/**
 * Builds the EN 16931 model of one self-billed invoice (389), or of a self-billed credit note
 * (261) when the balance is negative. The seller is the supplier, the buyer is the issuer.
 */
export function buildSelfInvoice({
  issuer,
  supplier,
  number,
  issueDate,
  period,
  mandateReference,
  lines,
  creditNoteOf,
}: {
  issuer: IssuerIdentity;
  supplier: SupplierForInvoice;
  number: string;
  issueDate: string;
  period: string;
  mandateReference: string;
  lines: AggregatedLine[];
  /** For a credit note issued on contestation: the invoice it cancels (BG-3). */
  creditNoteOf?: { number: string; issueDate: string };
}): EInvoice {
  const franchise = supplier.vatStatus === 'franchise';
  const computed = lines.map((l) => {
    const net = l.amount !== undefined ? new D(l.amount) : new D(l.quantity).times(l.unitPrice);
    return { ...l, net: net.toDecimalPlaces(2, D.ROUND_HALF_UP), rate: franchise ? new D(0) : new D(l.vatRate) };
  });
  const total = computed.reduce<Dec>((a, l) => a.plus(l.net), new D(0));
  // A negative month becomes a credit note with positive amounts (BR-CO rules want consistent signs).
  const isCredit = Boolean(creditNoteOf) || total.isNegative();
  const sign = total.isNegative() ? -1 : 1;
  const modelLines: InvoiceLine[] = computed.map((l, i) => {
    // Flat-amount events (bonuses, penalties) bill ±1 unit at the absolute amount: prices are never negative (BR-27).
    const qty = l.amount !== undefined ? new D(l.net.isNegative() ? -1 : 1) : new D(l.quantity);
    const unit = l.amount !== undefined ? l.net.abs() : new D(l.unitPrice);
    return {
      id: String(i + 1),
      quantity: qty.times(sign).toString(),
      quantityUnitCode: 'C62',
      netAmount: toAmount(l.net.times(sign)),
      price: { netPrice: unit.toString() },
      vat: franchise ? { categoryCode: 'E', rate: '0' } : { categoryCode: 'S', rate: l.rate.toString() },
      item: { name: l.label },
    };
  });
  const groups = new Map<string, { base: Dec; rate: Dec }>();
  for (const l of computed) {
    const key = franchise ? 'E:0' : `S:${l.rate.toString()}`;
    const g = groups.get(key) ?? { base: new D(0), rate: l.rate };
    g.base = g.base.plus(l.net.times(sign));
    groups.set(key, g);
  }
  const breakdown: VatBreakdown[] = [...groups.values()].map((g) => {
    const tax = g.base.times(g.rate).div(100).toDecimalPlaces(2, D.ROUND_HALF_UP);
    return franchise
      ? { categoryCode: 'E', rate: '0', taxableAmount: toAmount(g.base), taxAmount: '0.00', exemptionReason: FRANCHISE_MENTION, exemptionReasonCode: 'VATEX-FR-FRANCHISE' }
      : { categoryCode: 'S', rate: g.rate.toString(), taxableAmount: toAmount(g.base), taxAmount: toAmount(tax) };
  });
  const ht = total.times(sign);
  const tva = breakdown.reduce<Dec>((a, b) => a.plus(b.taxAmount ?? '0'), new D(0));
  const ttc = ht.plus(tva);
  const { start, end } = periodBounds(period);
  const notes = [
    { subjectCode: 'REG', text: 'Autofacturation' },
    { subjectCode: 'AAI', text: `Facture émise par ${issuer.legalName} au nom et pour le compte de ${supplier.name}, en vertu du mandat de facturation ${mandateReference}.` },
    ...(franchise ? [{ subjectCode: 'AAI', text: FRANCHISE_MENTION }] : []),
    ...(issuer.mentions ?? []).map((text) => ({ subjectCode: 'AAI', text })),
    { subjectCode: 'PMT', text: 'Indemnité forfaitaire pour frais de recouvrement en cas de retard de paiement : 40 €.' },
    { subjectCode: 'PMD', text: 'Pénalités de retard : taux de la BCE majoré de 10 points.' },
    { subjectCode: 'AAB', text: 'Pas d’escompte pour paiement anticipé.' },
    { subjectCode: 'BAR', text: 'B2B' },
  ];
  return {
    number,
    issueDate,
    typeCode: isCredit ? '261' : '389',
    currencyCode: 'EUR',
    specificationId: 'urn:cen.eu:en16931:2017',
    businessProcessType: 'S1',
    contractReference: mandateReference,
    notes,
    precedingInvoices: creditNoteOf ? [{ id: creditNoteOf.number, issueDate: creditNoteOf.issueDate }] : undefined,
    invoicingPeriod: { startDate: start, endDate: end },
    seller: {
      name: supplier.name,
      legalRegistrationId: { value: supplier.siren, schemeId: '0002' },
      identifiers: supplier.siret ? [{ value: supplier.siret, schemeId: '0009' }] : undefined,
      vatId: supplier.vatId ?? frenchVatId(supplier.siren),
      electronicAddress: { value: supplier.siren, schemeId: '0225' },
      address: { ...supplier.address, countryCode: supplier.address.countryCode ?? 'FR' },
    },
    buyer: {
      name: issuer.legalName,
      legalRegistrationId: { value: issuer.siren, schemeId: '0002' },
      vatId: issuer.vatId,
      electronicAddress: { value: issuer.siren, schemeId: '0225' },
      address: { ...issuer.address, countryCode: issuer.address.countryCode ?? 'FR' },
    },
    paymentInstructions: supplier.iban ? [{ typeCode: '30', creditTransfers: [{ accountId: supplier.iban.replace(/\s+/g, '') }] }] : undefined,
    paymentTerms: 'Paiement par virement à 30 jours.',
    totals: {
      lineNetTotal: toAmount(ht),
      taxExclusiveAmount: toAmount(ht),
      vatTotal: toAmount(tva),
      taxInclusiveAmount: toAmount(ttc),
      payableAmount: toAmount(ttc),
    },
    vatBreakdown: breakdown,
    lines: modelLines,
  };
}
