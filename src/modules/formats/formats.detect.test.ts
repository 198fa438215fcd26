import { describe, expect, it } from 'vitest';
import { detectFormat } from './formats.detect.js';

const enc = (s: string) => new TextEncoder().encode(s);

describe('detectFormat', () => {
  it('recognises binary containers by magic bytes', () => {
    expect(detectFormat(enc('%PDF-1.7\n...'))).toBe('pdf');
    expect(detectFormat(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0, 0]))).toBe('zip');
  });
  it('recognises XML roots whatever the prefix', () => {
    expect(
      detectFormat(enc('<?xml version="1.0"?>\n<!-- c --><x:CrossIndustryInvoice xmlns:x="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"/>')),
    ).toBe('cii');
    expect(detectFormat(enc('\ufeff<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>'))).toBe('ubl-invoice');
    expect(detectFormat(enc('<cn:CreditNote xmlns:cn="urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"/>'))).toBe(
      'ubl-creditnote',
    );
    expect(detectFormat(enc('<?xml version="1.0"?><CPPFacturePivot><Enveloppe/></CPPFacturePivot>'))).toBe('pivot');
  });
  it('reads UTF-16 documents with a byte-order mark', () => {
    const s = '<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>';
    const le = new Uint8Array(2 + s.length * 2);
    le[0] = 0xff;
    le[1] = 0xfe;
    for (let i = 0; i < s.length; i++) le[2 + 2 * i] = s.charCodeAt(i);
    expect(detectFormat(le)).toBe('ubl-invoice');
  });
  it('returns unknown for other or wrongly namespaced content', () => {
    expect(detectFormat(enc('<Invoice xmlns="urn:other"/>'))).toBe('unknown');
    expect(detectFormat(enc('hello'))).toBe('unknown');
    expect(detectFormat(new Uint8Array())).toBe('unknown');
    expect(detectFormat(enc('<!DOCTYPE x><Invoice/>'))).toBe('unknown');
  });
});
