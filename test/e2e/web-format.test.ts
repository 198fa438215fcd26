import { describe, expect, it } from 'vitest';
import { collator, compareDecimal, daysBetween, formatDay, formatMoney, formatNumber, normaliseAmountInput, parisToday } from '../../web/src/format.js';

// Unit tests of the web app's French formatting helpers (they run in Node; the e2e file covers the DOM).
const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

describe('web formatting helpers', () => {
  it('formats decimal-string amounts in euros the French way, exactly, even beyond float precision', () => {
    expect(plain(formatMoney('1234.5'))).toBe('1 234,50 €');
    expect(plain(formatMoney('-0.01'))).toBe('-0,01 €');
    // 2^53 + 1: a float would print …992 or …994.
    expect(plain(formatMoney('9007199254740993.01'))).toBe('9 007 199 254 740 993,01 €');
    expect(formatMoney(null)).toBe('—');
    expect(formatMoney('12,5')).toBe('—');
    // Unit prices keep their precision; other currencies keep their code.
    expect(plain(formatMoney('9.9512'))).toBe('9,9512 €');
    expect(plain(formatMoney('1801.78', 'NOK'))).toBe('1 801,78 NOK');
    expect(plain(formatNumber('1273.5'))).toBe('1 273,5');
    expect(formatNumber('x')).toBe('—');
  });

  it('orders decimal strings exactly, nulls last', () => {
    const values = ['10.5', '9.99', null, '-3', '10.50', '100', '-3.01', '0.1', '9007199254740993.01', '9007199254740993'];
    const sorted = [...values].sort(compareDecimal);
    expect(sorted).toEqual(['-3.01', '-3', '0.1', '9.99', '10.5', '10.50', '100', '9007199254740993', '9007199254740993.01', null]);
    expect(compareDecimal('10.5', '10.50')).toBe(0);
  });

  it('reads typed amounts with a French comma and spaces, and refuses garbage', () => {
    expect(normaliseAmountInput('1 234,50')).toBe('1234.50');
    expect(normaliseAmountInput('5\u202f820,00')).toBe('5820.00');
    expect(normaliseAmountInput('')).toBe('');
    expect(normaliseAmountInput('12,345')).toBeNull();
    expect(normaliseAmountInput('abc')).toBeNull();
  });

  it('takes "today" on the Paris calendar, in winter and in summer time', () => {
    expect(parisToday(new Date('2026-11-22T23:30:00Z'))).toBe('2026-11-23');
    expect(parisToday(new Date('2026-11-22T22:30:00Z'))).toBe('2026-11-22');
    expect(parisToday(new Date('2026-06-30T22:30:00Z'))).toBe('2026-07-01');
    expect(parisToday(new Date('2026-06-30T21:30:00Z'))).toBe('2026-06-30');
  });

  it('counts whole calendar days, across the autumn clock change', () => {
    expect(daysBetween('2026-10-24', '2026-10-26')).toBe(2);
    expect(daysBetween('2026-11-22', '2026-12-22')).toBe(30);
    expect(daysBetween('2026-12-22', '2026-11-22')).toBe(-30);
  });

  it('shows calendar dates as JJ/MM/AAAA without a time-zone shift, and sorts text in French order', () => {
    expect(formatDay('2026-11-02')).toBe('02/11/2026');
    expect(formatDay('2026-13-45x')).toBe('—');
    expect(formatDay('2026-13-45')).toBe('—');
    expect(['Voirie', 'Écoles', 'eau', 'Finances', 'École'].sort(collator.compare)).toEqual(['eau', 'École', 'Écoles', 'Finances', 'Voirie']);
  });
});
