import { Decimal } from 'decimal.js';

/**
 * Money is exact decimal, never float. Amounts travel as strings ("1234.50") between layers
 * and are stored as NUMERIC in the database.
 */
export const D = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });
export type Dec = InstanceType<typeof D>;

export type Amount = string;

const amountPattern = /^-?\d{1,15}(\.\d{1,6})?$/;

export function isAmount(value: unknown): value is Amount {
  return typeof value === 'string' && amountPattern.test(value);
}

export function dec(value: Dec | string | number): Dec {
  return new D(value);
}

/** Rounds half-up to 2 decimals and formats with exactly two decimals. */
export function toAmount(value: Dec | string): Amount {
  return new D(value).toDecimalPlaces(2, D.ROUND_HALF_UP).toFixed(2);
}

export function sumAmounts(values: Array<Dec | string>): Dec {
  return values.reduce<Dec>((acc, v) => acc.plus(v), new D(0));
}

/** French display: 1 234,50 € */
export function formatEuros(value: Amount, currency = 'EUR'): string {
  const [int, frac = '00'] = new D(value).toFixed(2).split('.');
  const neg = int.startsWith('-');
  const digits = neg ? int.slice(1) : int;
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, '\u202f');
  return `${neg ? '-' : ''}${grouped},${frac} ${currency === 'EUR' ? '€' : currency}`;
}
