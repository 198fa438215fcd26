/**
 * French display conventions. Amounts arrive as decimal strings and are formatted as strings
 * (Intl accepts exact decimal strings), so no cent is ever lost to binary floating point.
 * Legal dates are Paris calendar days.
 */
const moneyFormats = new Map<string, Intl.NumberFormat>();
const quantity = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 6 });
const dateTime = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'short', timeStyle: 'short', timeZone: 'Europe/Paris' });
const parisDay = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'short', timeZone: 'Europe/Paris' });
const calendarDay = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'short', timeZone: 'UTC' });
const isoParts = new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone: 'Europe/Paris' });

export const collator = new Intl.Collator('fr', { sensitivity: 'base', numeric: true });

const decimalRe = /^-?\d+(\.\d+)?$/;

/** An amount in its invoice currency (EUR unless the invoice says otherwise, e.g. a foreign supplier's CII). */
export function formatMoney(amount: string | null | undefined, currency = 'EUR'): string {
  if (amount == null || !decimalRe.test(amount)) return '—';
  const code = /^[A-Z]{3}$/.test(currency) ? currency : 'EUR';
  let f = moneyFormats.get(code);
  if (!f) {
    f = new Intl.NumberFormat('fr-FR', { style: 'currency', currency: code, maximumFractionDigits: 20 });
    moneyFormats.set(code, f);
  }
  return f.format(amount as Intl.StringNumericLiteral);
}

/** A quantity or a rate: French decimal comma, no forced decimals. */
export function formatNumber(value: string | null | undefined): string {
  if (value == null || !decimalRe.test(value)) return '—';
  return quantity.format(value as Intl.StringNumericLiteral);
}

/** A timestamp shown as a Paris date and time. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '—' : dateTime.format(d);
}

/** A timestamp shown as its Paris calendar day. */
export function formatParisDay(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '—' : parisDay.format(d);
}

/** A calendar date (YYYY-MM-DD) shown as JJ/MM/AAAA, without any time-zone shift. */
export function formatDay(day: string | null | undefined): string {
  if (!day || !/^\d{4}-\d{2}-\d{2}$/.test(day)) return '—';
  const d = new Date(`${day}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? '—' : calendarDay.format(d);
}

/** Today's calendar date in Paris, as YYYY-MM-DD. */
export function parisToday(now: Date = new Date()): string {
  return isoParts.format(now);
}

/** Whole calendar days from `from` to `to` (both YYYY-MM-DD); negative when `to` is past. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** Accepts "1234,50", "1 234.5" …; returns the canonical "1234.50"-style string or null. */
export function normaliseAmountInput(raw: string): string | null {
  const s = raw.replace(/[\s\u00a0\u202f]/g, '').replace(',', '.');
  if (!s) return '';
  return /^-?\d{1,15}(\.\d{1,2})?$/.test(s) ? s : null;
}

/** Orders two decimal strings exactly (no float conversion); nulls sort last. */
export function compareDecimal(a: string | null, b: string | null): number {
  if (a == null || b == null) return a == null ? (b == null ? 0 : 1) : -1;
  const neg = (s: string) => s.startsWith('-');
  if (neg(a) !== neg(b)) return neg(a) ? -1 : 1;
  const sign = neg(a) ? -1 : 1;
  const [ai, af = ''] = a.replace('-', '').split('.');
  const [bi, bf = ''] = b.replace('-', '').split('.');
  const ia = ai.replace(/^0+(?=\d)/, '');
  const ib = bi.replace(/^0+(?=\d)/, '');
  if (ia.length !== ib.length) return sign * (ia.length - ib.length);
  if (ia !== ib) return sign * (ia < ib ? -1 : 1);
  const len = Math.max(af.length, bf.length);
  const fa = af.padEnd(len, '0');
  const fb = bf.padEnd(len, '0');
  return fa === fb ? 0 : sign * (fa < fb ? -1 : 1);
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} o`;
  if (n < 1024 * 1024) return `${(n / 1024).toLocaleString('fr-FR', { maximumFractionDigits: 1 })} Ko`;
  return `${(n / 1024 / 1024).toLocaleString('fr-FR', { maximumFractionDigits: 1 })} Mo`;
}
