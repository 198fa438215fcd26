import { statusLabels } from '../invoices/invoices.lifecycle.js';
import type { SearchHit } from './search.models.js';

/**
 * CSV as French spreadsheets expect it: UTF-8 with a byte-order mark (Excel otherwise reads
 * Latin-1), `;` between fields (the comma is the decimal separator), CRLF line ends,
 * dates as JJ/MM/AAAA.
 */
export const CSV_BOM = '\uFEFF';

const columns: Array<[string, (h: SearchHit) => string]> = [
  ['Numéro', (h) => text(h.number)],
  ['Type', (h) => (h.type === 'credit_note' ? 'Avoir' : 'Facture')],
  ['Fournisseur', (h) => text(h.supplierName)],
  ['SIRET', (h) => h.supplierSiret ?? ''],
  ["Date d'émission", (h) => frDate(h.issueDate)],
  ['Date de réception', (h) => frDateTime(h.receivedAt)],
  ['Échéance', (h) => frDate(h.dueOn)],
  ['Montant HT', (h) => decimalComma(h.totalHt)],
  ['TVA', (h) => decimalComma(h.totalTva)],
  ['Montant TTC', (h) => decimalComma(h.totalTtc)],
  ['Devise', (h) => h.currency],
  ['Statut', (h) => statusLabels[h.status] ?? h.status],
  ['Service', (h) => text(h.serviceName ?? '')],
  ['Source', (h) => h.source],
  ['Engagement', (h) => text(h.engagementNumber ?? '')],
  ['Exercice', (h) => String(h.fiscalYear)],
  ['Pièce jointe', (h) => (h.hasAttachment ? 'oui' : 'non')],
  ['Identifiant', (h) => h.id],
];

/** Amounts travel as exact decimal strings: swap the separator, never go through a float. */
export function decimalComma(v: string | null): string {
  return v == null ? '' : v.replace('.', ',');
}

function frDate(d: string | null): string {
  if (!d) return '';
  const [y, m, day] = d.slice(0, 10).split('-');
  return `${day}/${m}/${y}`;
}

const parisTime = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
function frDateTime(iso: string): string {
  return parisTime.format(new Date(iso)).replace(',', '');
}

/** Free text from suppliers: a leading = + - @ would run as a formula in a spreadsheet. */
function text(s: string): string {
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}

export function csvField(s: string): string {
  return /[;"\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvHeader(): string {
  return CSV_BOM + columns.map(([h]) => csvField(h)).join(';') + '\r\n';
}

export function csvRow(h: SearchHit): string {
  return columns.map(([, f]) => csvField(f(h))).join(';') + '\r\n';
}

/** Header then one line per hit, pulled from the source as the reader consumes it. */
export async function* csvLines(hits: AsyncIterable<SearchHit>): AsyncGenerator<string> {
  yield csvHeader();
  let chunk = '';
  for await (const h of hits) {
    chunk += csvRow(h);
    // Small chunks keep the stream responsive without one write per row.
    if (chunk.length > 16_384) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}
