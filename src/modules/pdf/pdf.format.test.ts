import { describe, expect, it } from 'vitest';
import { documentTitle, formatAmount, formatDate, formatDecimal, formatIban, formatRate, unitLabel } from './pdf.format.js';

describe('French formatting for the invoice page', () => {
  it('formats amounts with a comma, narrow no-break spaces and the currency', () => {
    expect(formatAmount('1234567.5')).toBe('1\u202f234\u202f567,50 €');
    expect(formatAmount('-3')).toBe('-3,00 €');
    expect(formatAmount('10.005')).toBe('10,01 €'); // half-up, decimal (a float would give 10,00)
    expect(formatAmount('12', 'USD')).toBe('12,00 USD');
    expect(formatAmount(undefined)).toBe('');
  });

  it('keeps the source precision of quantities and rates without trailing zeros', () => {
    expect(formatDecimal('6.500')).toBe('6,5');
    expect(formatDecimal('12000')).toBe('12\u202f000');
    expect(formatDecimal('0.125')).toBe('0,125');
    expect(formatRate('5.50')).toBe('5,5\u202f%');
    expect(formatDecimal('abc')).toBe('abc');
  });

  it('writes dates as JJ/MM/AAAA and leaves odd values untouched', () => {
    expect(formatDate('2026-03-01')).toBe('01/03/2026');
    expect(formatDate('20260301')).toBe('20260301');
  });

  it('names documents, units and groups IBANs by four', () => {
    expect(documentTitle('381')).toBe('Avoir');
    expect(documentTitle('389')).toBe('Autofacture');
    expect(documentTitle(undefined)).toBe('Facture');
    expect(unitLabel('HUR')).toBe('heure');
    expect(unitLabel('XYZ')).toBe('XYZ');
    expect(formatIban('FR7630006000011234567890189')).toBe('FR76 3000 6000 0112 3456 7890 189');
  });
});
