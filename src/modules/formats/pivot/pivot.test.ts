import { readFileSync } from 'node:fs';
import path from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeFacturX } from '../../pdf/index.js';
import { sampleInvoice } from '../../pdf/pdf.test-fixtures.js';
import { buildPivot, readPivot, type PivotBuildInput, type PivotInvoiceData } from './index.js';
import { nativeZip } from './pivot.test-zip.js';

const ciiFixture = new Uint8Array(
  readFileSync(path.resolve(process.cwd(), '../shared/testdata/facturx/tests/fixtures/xml/factur-x-en16931.xml')),
);
const fakePdf = strToU8('%PDF-1.7\n% not a real PDF, enough for sorting\n%%EOF\n');

function invoiceData(pieces: PivotInvoiceData['pieces']): PivotInvoiceData {
  return {
    numOrdre: '1',
    fournisseur: { typeIdentifiant: '1', identifiant: '12345678200077', raisonSociale: 'ISV & Fils <SAS>', codePays: 'FR', iban: 'FR7630006000011234567890189', bic: 'AGRIFRPPXXX', modeEmission: 'PDF' },
    debiteur: { typeIdentifiant: '1', identifiant: '21750001600019', nom: 'Commune de Saint-Exemple', codeService: 'FINANCES' },
    numero: 'F2026-000123',
    type: '380',
    cadre: 'A1',
    dateEmission: '2026-11-20',
    modePaiement: { code: '30', libelle: 'Virement' },
    dateReception: '2026-11-21',
    devise: 'EUR',
    montants: { ht: '4919.60', ttc: '5878.29', netAPayer: '5878.29' },
    numeroMarche: 'MAPA-2025-17',
    numeroEngagement: 'EJ-2026-0458',
    lignes: [
      { numOrdre: '1', referenceProduit: 'Maintenance', prixUnitaire: '1250.00', quantite: '1', montantHT: '1250.00', tauxTVA: '20' },
      { numOrdre: '2', referenceProduit: 'Fournitures', prixUnitaire: '4.35', quantite: '40', montantHT: '174.00', tauxTVA: '5.5' },
    ],
    pieces,
  };
}

const envelope = {
  parametres: [
    { numOrdre: '0001', code: 'DtPrd', valeur: '2026-11-21' },
    { numOrdre: '0002', code: 'IdFlx', valeur: 'FLX-42' },
  ],
  dateProduction: '2026-11-21',
  idFlux: 'FLX-42',
  emetteur: '12345678200077',
  recepteur: '21750001600019',
};

describe('Chorus PIVOT', () => {
  let facturx: Uint8Array;
  beforeAll(async () => {
    facturx = await writeFacturX({ model: sampleInvoice(3), xml: ciiFixture, profile: 'EN 16931', now: new Date('2026-11-20T00:00:00Z') });
  });

  it('reads back exactly what buildPivot wrote (header, amounts as strings, lines, pieces byte for byte)', () => {
    const input: PivotBuildInput = {
      envelope,
      invoices: [
        invoiceData([
          { numOrdre: '1', filename: 'F2026-000123.pdf', typePJ: '01', mime: 'application/pdf', bytes: fakePdf },
          { numOrdre: '2', filename: 'bon-de-livraison.txt', typePJ: '02', mime: 'text/plain', bytes: strToU8('livré le 19/11 — é') },
        ]),
      ],
    };
    const doc = readPivot(buildPivot(input));
    expect(doc.envelope).toEqual(envelope);
    expect(doc.invoices).toHaveLength(1);
    const inv = doc.invoices[0];
    const { pieces, ...rest } = input.invoices[0];
    expect(inv).toMatchObject(rest);
    expect(inv.pieces.map((p) => ({ ...p, bytes: Buffer.from(p.bytes).toString('hex') }))).toEqual(
      pieces.map((p) => ({ ...p, bytes: Buffer.from(p.bytes).toString('hex') })),
    );
    expect(inv.codeServiceExecutant).toBe('FINANCES');
    expect(inv.numeroEngagement).toBe('EJ-2026-0458');
    expect(Buffer.compare(Buffer.from(inv.mainPdf!), Buffer.from(fakePdf))).toBe(0);
    expect(inv.structured).toBeNull();
    expect(inv.attachments).toEqual([{ filename: 'bon-de-livraison.txt', mime: 'text/plain', bytes: strToU8('livré le 19/11 — é') }]);
    // the stand-in PDF is no real PDF: the Factur-X probe says so, and nothing else is wrong
    expect(inv.problems).toHaveLength(1);
    expect(inv.problems[0]).toMatch(/^PDF principal « F2026-000123\.pdf » illisible/);
  });

  it('takes a CII PJ as the structured invoice', () => {
    const doc = readPivot(
      buildPivot({ envelope, invoices: [invoiceData([{ numOrdre: '1', filename: 'facture.xml', typePJ: '01', mime: 'application/xml', bytes: ciiFixture }])] }),
    );
    const inv = doc.invoices[0];
    expect(inv.structuredSource).toBe('pj');
    expect(inv.structuredFormat).toBe('cii');
    expect(Buffer.compare(Buffer.from(inv.structured!), Buffer.from(ciiFixture))).toBe(0);
    expect(inv.mainPdf).toBeNull();
    expect(inv.attachments).toEqual([]);
  });

  it('extracts the XML of a Factur-X main PDF as the structured invoice', () => {
    const doc = readPivot(
      buildPivot({ envelope, invoices: [invoiceData([{ numOrdre: '1', filename: 'facture.pdf', typePJ: '01', mime: 'application/pdf', bytes: facturx }])] }),
    );
    const inv = doc.invoices[0];
    expect(inv.structuredSource).toBe('facturx');
    expect(inv.structuredFormat).toBe('cii');
    expect(Buffer.compare(Buffer.from(inv.structured!), Buffer.from(ciiFixture))).toBe(0);
    expect(Buffer.compare(Buffer.from(inv.mainPdf!), Buffer.from(facturx))).toBe(0);
    expect(inv.problems).toEqual([]);
  });

  it('expands a zipped PJ content and reads a PIVOT delivered inside a zip', () => {
    const zippedPj = zipSync({ 'facture.pdf': facturx, 'annexe.csv': strToU8('a;b\n1;2\n') });
    const pivot = buildPivot({ envelope, invoices: [invoiceData([{ numOrdre: '1', filename: 'pj.zip', typePJ: '01', mime: 'application/zip', bytes: zippedPj }])] });
    const doc = readPivot(zipSync({ 'lot/pivot-1.xml': pivot, 'lisezmoi.txt': strToU8('x') }));
    const inv = doc.invoices[0];
    expect(inv.pieces.map((p) => [p.filename, p.mime, p.typePJ])).toEqual([
      ['facture.pdf', 'application/pdf', '01'],
      ['annexe.csv', 'text/csv', '01'],
    ]);
    expect(inv.structuredSource).toBe('facturx');
    expect(inv.attachments.map((a) => a.filename)).toEqual(['annexe.csv']);
  });

  it('reports bad amounts and bad base64 as problems without failing the whole file', () => {
    const data = invoiceData([{ numOrdre: '1', filename: 'f.pdf', typePJ: '01', mime: 'application/pdf', bytes: fakePdf }]);
    data.montants.ttc = '12,50';
    const xml = new TextDecoder().decode(buildPivot({ envelope, invoices: [data] })).replace(/<Contenu>[^<]*<\/Contenu>/, '<Contenu>@@@not base64@@@</Contenu>');
    const inv = readPivot(new TextEncoder().encode(xml)).invoices[0];
    expect(inv.problems).toContain('montant ttc invalide : « 12,50 »');
    expect(inv.problems.some((p) => p.includes('base64 invalide'))).toBe(true);
    expect(inv.mainPdf).toBeNull();
  });

  it.each([
    ['a DOCTYPE (XXE)', '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><CPPFacturePivot>&e;</CPPFacturePivot>'],
    ['another root element', '<Invoice/>'],
    ['no invoice', '<CPPFacturePivot><CPPFactures/></CPPFacturePivot>'],
    ['truncated XML', '<CPPFacturePivot><CPPFactures><CPPFacturePivotUnitaire>'],
  ])('refuses %s with formats.unreadable', (_label, xml) => {
    expect(() => readPivot(strToU8(xml))).toThrowError(expect.objectContaining({ code: 'formats.unreadable' }));
  });

  it('refuses zip bombs, many-entry zips and zips without PIVOT, with formats.unreadable', () => {
    const bomb = nativeZip({ 'pivot.xml': new Uint8Array(12 * 1024 * 1024) });
    expect(() => readPivot(bomb)).toThrowError(expect.objectContaining({ code: 'formats.unreadable', message: expect.stringContaining('bombe') }));
    const many: Record<string, Uint8Array> = {};
    for (let i = 0; i < 1_100; i++) many[`f${i}.txt`] = strToU8('x');
    expect(() => readPivot(zipSync(many))).toThrowError(expect.objectContaining({ message: expect.stringContaining('plus de 1000 entrées') }));
    expect(() => readPivot(zipSync({ 'a.txt': strToU8('hello') }))).toThrowError(expect.objectContaining({ code: 'formats.unreadable' }));
    const pjBomb = buildPivot({ envelope, invoices: [invoiceData([{ numOrdre: '1', filename: 'z.zip', typePJ: '02', mime: 'application/zip', bytes: bomb }])] });
    expect(() => readPivot(pjBomb)).toThrowError(expect.objectContaining({ code: 'formats.unreadable' }));
  });

  it('refuses to write values XML cannot carry', () => {
    const data = invoiceData([]);
    data.numero = 'F\u0001';
    expect(() => buildPivot({ envelope, invoices: [data] })).toThrowError(expect.objectContaining({ code: 'formats.pivot_invalid_input' }));
  });
});
