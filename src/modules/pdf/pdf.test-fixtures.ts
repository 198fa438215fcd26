import type { EInvoice, InvoiceLine } from '../formats/formats.models.js';
import { D } from '../../shared/money.js';

const items = [
  ['Maintenance du parc informatique', 'Forfait mensuel, sites Mairie et Médiathèque', 'MON', '1', '1250.00', '20'],
  ['Intervention sur site', 'Technicien niveau 2 — déplacement inclus', 'HUR', '6.5', '68.00', '20'],
  ['Licence logicielle « Gestion des salles »', '', 'C62', '12', '15.90', '20'],
  ['Fournitures de bureau', 'Ramettes A4 80 g, lot de 5', 'C62', '40', '4.35', '5.5'],
  ['Formation des agents', "Session d'une journée, 8 participants", 'DAY', '1', '980.00', '20'],
] as const;

/**
 * A typical French B2G invoice with `lineCount` lines, totals computed in decimal so that the
 * document is internally consistent (used by the renderer tests and the Factur-X bench).
 */
export function sampleInvoice(lineCount = 8, number = 'F2026-000123'): EInvoice {
  const lines: InvoiceLine[] = [];
  const byRate = new Map<string, InstanceType<typeof D>>();
  let net = new D(0);
  for (let i = 0; i < lineCount; i++) {
    const [name, description, unit, qty, price, rate] = items[i % items.length];
    const amount = new D(qty).times(price).toDecimalPlaces(2, D.ROUND_HALF_UP);
    net = net.plus(amount);
    byRate.set(rate, (byRate.get(rate) ?? new D(0)).plus(amount));
    lines.push({
      id: String(i + 1),
      quantity: qty,
      quantityUnitCode: unit,
      netAmount: amount.toFixed(2),
      price: { netPrice: price },
      vat: { categoryCode: 'S', rate },
      item: { name, ...(description ? { description } : {}) },
    });
  }
  const vatBreakdown = [...byRate].map(([rate, base]) => ({
    categoryCode: 'S',
    rate,
    taxableAmount: base.toFixed(2),
    taxAmount: base.times(rate).dividedBy(100).toDecimalPlaces(2, D.ROUND_HALF_UP).toFixed(2),
  }));
  const vat = vatBreakdown.reduce((a, v) => a.plus(v.taxAmount), new D(0));
  const ttc = net.plus(vat);
  return {
    number,
    issueDate: '2026-11-20',
    typeCode: '380',
    currencyCode: 'EUR',
    dueDate: '2026-12-20',
    buyerReference: 'SERVICE-INFORMATIQUE',
    purchaseOrderReference: 'EJ-2026-0458',
    contractReference: 'MAPA-2025-17',
    businessProcessType: 'S1',
    specificationId: 'urn:cen.eu:en16931:2017',
    invoicingPeriod: { startDate: '2026-11-01', endDate: '2026-11-30' },
    paymentTerms: 'Paiement à 30 jours par virement.',
    notes: [
      { subjectCode: 'PMT', text: 'Indemnité forfaitaire pour frais de recouvrement en cas de retard de paiement : 40 €.' },
      { subjectCode: 'PMD', text: "Pénalités de retard : trois fois le taux d'intérêt légal." },
      { subjectCode: 'AAB', text: "Pas d'escompte pour paiement anticipé." },
      { subjectCode: 'BAR', text: 'B2B' },
    ],
    seller: {
      name: 'Informatique & Services du Val SAS',
      identifiers: [{ value: '12345678200077', schemeId: '0009' }],
      legalRegistrationId: { value: '123456782', schemeId: '0002' },
      vatId: 'FR11123456782',
      additionalLegalInfo: 'SAS au capital de 50 000 € — RCS Lyon',
      electronicAddress: { value: '123456782', schemeId: '0225' },
      address: { line1: '12 rue des Lilas', line2: 'Bâtiment B', postCode: '69003', city: 'Lyon', countryCode: 'FR' },
      contact: { email: 'facturation@isv.example', telephone: '04 72 00 00 00' },
    },
    buyer: {
      name: 'Commune de Saint-Exemple',
      legalRegistrationId: { value: '217500016', schemeId: '0002' },
      electronicAddress: { value: '217500016', schemeId: '0225' },
      address: { line1: 'Hôtel de ville', line2: "1 place de l'Église", postCode: '38000', city: 'Saint-Exemple', countryCode: 'FR' },
    },
    paymentInstructions: [
      {
        typeCode: '30',
        remittanceInformation: number,
        creditTransfers: [{ accountId: 'FR7630006000011234567890189', serviceProviderId: 'AGRIFRPPXXX', accountName: 'ISV SAS' }],
      },
    ],
    totals: {
      lineNetTotal: net.toFixed(2),
      taxExclusiveAmount: net.toFixed(2),
      vatTotal: vat.toFixed(2),
      taxInclusiveAmount: ttc.toFixed(2),
      payableAmount: ttc.toFixed(2),
    },
    vatBreakdown,
    lines,
  };
}
