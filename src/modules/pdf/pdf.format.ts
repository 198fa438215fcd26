import { D, formatEuros } from '../../shared/money.js';

/** French display helpers for the invoice page. Amounts stay decimal strings end to end. */

const NNBSP = '\u202f';

export function formatAmount(value: string | undefined, currency = 'EUR'): string {
  if (value === undefined || value === '') return '';
  try {
    return formatEuros(value, currency);
  } catch {
    return value;
  }
}

/** 1234.5 → "1 234,5"; keeps the source precision but drops trailing zeros beyond `minDecimals`. */
export function formatDecimal(value: string | undefined, minDecimals = 0): string {
  if (value === undefined || value === '') return '';
  let d;
  try {
    d = new D(value);
  } catch {
    return value;
  }
  let s = d.toFixed();
  if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
  const [int, frac = ''] = s.split('.');
  const padded = frac.padEnd(minDecimals, '0');
  const neg = int.startsWith('-');
  const grouped = (neg ? int.slice(1) : int).replace(/\B(?=(\d{3})+(?!\d))/g, NNBSP);
  return `${neg ? '-' : ''}${grouped}${padded ? ',' + padded : ''}`;
}

export function formatRate(value: string | undefined): string {
  return value === undefined || value === '' ? '' : `${formatDecimal(value)}${NNBSP}%`;
}

/** 'YYYY-MM-DD' → 'JJ/MM/AAAA' (legal dates are calendar dates, no time zone involved). */
export function formatDate(value: string | undefined): string {
  if (!value) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : value;
}

const documentTitles: Record<string, string> = {
  '380': 'Facture',
  '381': 'Avoir',
  '384': 'Facture rectificative',
  '386': "Facture d'acompte",
  '389': 'Autofacture',
  '393': 'Facture affacturée',
  '261': 'Avoir autofacturé',
  '262': 'Avoir global',
  '501': 'Autofacture affacturée',
  '502': 'Autofacture rectificative',
};

export function documentTitle(typeCode: string | undefined): string {
  return documentTitles[typeCode ?? '380'] ?? 'Facture';
}

const units: Record<string, string> = {
  C62: 'unité',
  H87: 'pièce',
  XPP: 'pièce',
  HUR: 'heure',
  DAY: 'jour',
  WEE: 'semaine',
  MON: 'mois',
  ANN: 'an',
  KGM: 'kg',
  TNE: 't',
  MTR: 'm',
  MTK: 'm²',
  MTQ: 'm³',
  LTR: 'l',
  KWH: 'kWh',
  LS: 'forfait',
  E48: 'service',
};

export function unitLabel(code: string | undefined): string {
  return code ? (units[code] ?? code) : '';
}

const paymentMeans: Record<string, string> = {
  '10': 'Espèces',
  '20': 'Chèque',
  '30': 'Virement',
  '42': 'Paiement sur compte bancaire',
  '48': 'Carte bancaire',
  '49': 'Prélèvement',
  '57': 'Ordre permanent',
  '58': 'Virement SEPA',
  '59': 'Prélèvement SEPA',
  '97': 'Compensation',
};

export function paymentMeansLabel(code: string | undefined): string {
  return code ? (paymentMeans[code] ?? `Moyen de paiement ${code}`) : '';
}

/** FR76 3000 6000 0112 3456 7890 189 */
export function formatIban(iban: string): string {
  const compact = iban.replace(/\s+/g, '');
  return /^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(compact) ? compact.replace(/(.{4})(?=.)/g, '$1 ') : iban;
}

const noteLabels: Record<string, string> = {
  PMT: 'Indemnité forfaitaire de recouvrement',
  PMD: 'Pénalités de retard',
  AAB: 'Escompte',
  REG: 'Mentions réglementaires',
  ABL: 'Informations légales',
  TXD: 'Mention fiscale',
};

export function noteLabel(code: string | undefined): string | undefined {
  return code ? noteLabels[code] : undefined;
}
