/**
 * Decimal helpers reproducing the XPath 2.0 arithmetic of the EN 16931 schematron with decimal.js
 * (never floats): xs:decimal casts, round() = half towards +infinity, sums over absent values.
 */
import { D, type Dec } from '../../../../shared/money.js';

const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
export const ZERO: Dec = new D(0);
const HUNDRED = new D(100);
const HALF = new D(0.5);

/**
 * Parsed values are memoised (decimal.js values are immutable); bounded and cleared when full.
 * Only short strings are kept: V8 stores them as copies, whereas long slices would keep the
 * whole source document alive.
 */
const memo = new Map<string, Dec | null>();
const MEMO_LIMIT = 10_000;

/** xs:decimal cast: undefined when absent or not a decimal lexical form. */
export function num(v: string | undefined): Dec | undefined {
  if (v === undefined) return undefined;
  const hit = memo.get(v);
  if (hit !== undefined) return hit ?? undefined;
  const t = v.trim();
  const d = DECIMAL.test(t) ? new D(t) : null;
  if (v.length <= 12) {
    if (memo.size >= MEMO_LIMIT) memo.clear();
    memo.set(v, d);
  }
  return d ?? undefined;
}

/** XPath round(): nearest integer, halves towards positive infinity. */
export function xround(d: Dec): Dec {
  return d.plus(HALF).floor();
}

/** round(x * 10 * 10) div 100, the schematron's two-decimal rounding. */
export function r2(d: Dec): Dec {
  return xround(d.times(HUNDRED)).div(HUNDRED);
}

/** Sum of the decimal values present (absent or non-numeric ones contribute nothing). */
export function sum(values: Iterable<string | undefined>): Dec {
  let acc = ZERO;
  for (const v of values) {
    const d = num(v);
    if (d) acc = acc.plus(d);
  }
  return acc;
}

export function eq(a: Dec | undefined, b: Dec | undefined): boolean {
  return a !== undefined && b !== undefined && a.eq(b);
}

/** Count of characters after the '.', as `string-length(substring-after(x,'.'))`. */
export function fractionDigits(v: string | undefined): number {
  if (v === undefined) return 0;
  const i = v.indexOf('.');
  return i < 0 ? 0 : v.length - i - 1;
}

export const isBlank = (v: string | undefined) => v === undefined || v.trim() === '';
