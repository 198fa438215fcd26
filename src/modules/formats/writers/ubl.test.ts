import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readXmlInvoice } from '../formats.read.js';
import { deriveUblOrder, renderUblSchemaTable, ublSchemaSource, ublUsedAggregates } from './ubl-schema-derive.js';
import { frenchInvoice } from './test-models.js';
import { writeUbl } from './ubl.js';

const testdata = path.resolve(process.cwd(), '../shared/testdata');
const text = (b: Uint8Array) => new TextDecoder().decode(b);

describe('writeUbl', () => {
  it('the committed element-order table is exactly what the UBL 2.1 XSDs give', () => {
    const committed = readFileSync(path.join(import.meta.dirname, 'ubl-schema-table.ts'), 'utf8');
    expect(committed).toBe(renderUblSchemaTable(deriveUblOrder(path.join(testdata, ublSchemaSource)), ublUsedAggregates));
  });

  it('writes an Invoice for 380 and a CreditNote for credit-note type codes', () => {
    expect(text(writeUbl(frenchInvoice()))).toMatch(/<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/);
    const cn = text(writeUbl({ ...frenchInvoice(), typeCode: '381' }));
    expect(cn).toMatch(/<CreditNote xmlns="urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"/);
    expect(cn).toContain('<cbc:CreditNoteTypeCode>381</cbc:CreditNoteTypeCode>');
    expect(cn).toContain('<cbc:CreditedQuantity unitCode="HUR">2.5000</cbc:CreditedQuantity>');
    expect(cn).not.toContain('<cbc:DueDate>');
    // BT-9 of a credit note sits in the first payment means.
    expect(cn).toContain('<cbc:PaymentDueDate>2026-04-14</cbc:PaymentDueDate>');
    expect(text(writeUbl(frenchInvoice(), { document: 'CreditNote' }))).toContain('<CreditNote');
  });

  it('a credit note carries BT-11 as a document reference typed 50 (no ProjectReference in its schema)', () => {
    const cn = text(writeUbl({ ...frenchInvoice(), typeCode: '381' }));
    expect(cn).not.toContain('ProjectReference');
    expect(cn).toMatch(/<cac:AdditionalDocumentReference>\s*<cbc:ID>PRJ-7<\/cbc:ID>\s*<cbc:DocumentTypeCode>50<\/cbc:DocumentTypeCode>/);
  });

  it('writes note subject codes with the #CODE# convention and reads back the same model', () => {
    const bytes = writeUbl(frenchInvoice());
    expect(text(bytes)).toContain('<cbc:Note>#PMT#Indemnité forfaitaire pour frais de recouvrement : 40 €.</cbc:Note>');
    const back = readXmlInvoice(bytes).model;
    expect(back.notes).toEqual(frenchInvoice().notes);
    expect(back.buyerReference).toBe('SERV<EXEC>&"1"');
    expect(back.lines?.[0].price).toEqual(frenchInvoice().lines?.[0].price);
  });

  it('writes decimals exactly as stored, with the invoice currency on amounts', () => {
    const xml = text(writeUbl(frenchInvoice()));
    expect(xml).toContain('<cbc:PriceAmount currencyID="EUR">50.000000</cbc:PriceAmount>');
    expect(xml).toContain('<cbc:PayableRoundingAmount currencyID="EUR">0</cbc:PayableRoundingAmount>');
    expect(xml).toContain('<cbc:MultiplierFactorNumeric>5</cbc:MultiplierFactorNumeric>');
  });

  it('maps the CII tax point code (UNTDID 2475) to the UBL one (UNTDID 2005)', () => {
    expect(text(writeUbl(frenchInvoice()))).toContain('<cbc:DescriptionCode>3</cbc:DescriptionCode>');
  });

  it('derives the mandatory UBL price discount from gross and net prices when the model has none', () => {
    const m = frenchInvoice();
    m.lines![0].price = { netPrice: '720.81', grossPrice: '857.76' };
    expect(text(writeUbl(m))).toContain('<cbc:Amount currencyID="EUR">136.95</cbc:Amount>');
  });
});
