import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../shared/errors.js';
import { readXmlInvoice } from './formats.read.js';

const en = path.resolve(process.cwd(), '../shared/testdata/en16931');
const load = (rel: string) => readFileSync(path.join(en, rel));

describe('readXmlInvoice', () => {
  it('maps the same invoice identically from CII and UBL (example 2)', () => {
    const cii = readXmlInvoice(load('cii/examples/CII_example2.xml'));
    const ubl = readXmlInvoice(load('ubl/examples/ubl-tc434-example2.xml'));
    expect(cii.format).toBe('cii');
    expect(ubl.format).toBe('ubl-invoice');
    for (const m of [cii.model, ubl.model]) {
      expect(m.number).toBe('TOSL108');
      expect(m.issueDate).toBe('2013-06-30');
      expect(m.currencyCode).toBe('NOK');
      expect(m.seller?.name).toBe('Salescompany ltd.');
      expect(m.lines).toHaveLength(5);
    }
    expect(Number(cii.model.totals?.payableAmount)).toBe(Number(ubl.model.totals?.payableAmount));
    expect(cii.model.vatBreakdown?.map((v) => v.categoryCode)).toEqual(ubl.model.vatBreakdown?.map((v) => v.categoryCode));
    expect(cii.model.seller?.vatId).toBe(ubl.model.seller?.vatId);
  });

  it('keeps amounts as exact decimal strings and decodes embedded attachments', () => {
    const ubl = readXmlInvoice(load('ubl/examples/ubl-tc434-example2.xml'));
    expect(typeof ubl.model.totals?.payableAmount).toBe('string');
    expect(ubl.attachments).toHaveLength(1);
    expect(ubl.attachments[0].content.length).toBeGreaterThan(0);
    expect(ubl.attachments[0].mimeCode).toBeTruthy();
  });

  it('reads credit notes (CreditNoteLine, CreditedQuantity, CreditNoteTypeCode)', () => {
    const cn = readXmlInvoice(load('ubl/examples/ubl-tc434-creditnote1.xml'));
    expect(cn.format).toBe('ubl-creditnote');
    expect(cn.model.typeCode).toBe('381');
    expect(cn.model.lines?.[0].quantity).toBeDefined();
    expect(cn.model.lines?.[0].quantityUnitCode).toBeDefined();
  });

  it('refuses non-invoice XML with formats.unreadable', () => {
    try {
      readXmlInvoice(new TextEncoder().encode('<Order xmlns="urn:x"/>'));
      expect.unreachable();
    } catch (e) {
      expect(isAppError(e) && e.code).toBe('formats.unreadable');
    }
  });
});
