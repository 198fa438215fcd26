import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readFacturX } from './facturx/index.js';
import { buildPivot } from './pivot/index.js';
import { runConvertCommand, runValidateCommand, parseProfile } from './formats.cli.js';
import { readXmlInvoice } from './formats.read.js';
import { writeCii } from './writers/cii.js';
import { frenchInvoice } from './writers/test-models.js';

const testdata = path.resolve(process.cwd(), '../shared/testdata');
const fx = (name: string) => path.join(testdata, 'facturx/tests/fixtures/xml', name);
const tmp = mkdtempSync(path.join(tmpdir(), 'facteur-cli-'));

async function run(cmd: typeof runValidateCommand, argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await cmd(argv, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
  return { code, stdout, stderr };
}

describe('facteur validate', () => {
  it('a French-compliant Factur-X EN 16931 XML: French report, exit 0, default rule sets', async () => {
    const r = await run(runValidateCommand, [fx('factur-x-en16931.xml')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Résultat : CONFORME');
    expect(r.stdout).toContain('profil EN 16931');
    expect(r.stdout).toMatch(/Règles appliquées : en16931@.+, facturx@Factur-X-1\.09, br-fr@France_RFE-1\.4\.0\.01-fatal/);
  });

  it('MINIMUM: not EN 16931-validated by default, fails the French rules, exit 1', async () => {
    const r = await run(runValidateCommand, [fx('factur-x-minimum.xml')]);
    expect(r.code).toBe(1);
    expect(r.stdout).not.toContain('en16931@');
    expect(r.stdout).toContain('[BLOQUANT] BR-FR-05_BT-22_PMT');
    expect(r.stdout).toContain('[AVERTISSEMENT] FX-NOT-EN16931-INVOICE');
    expect(r.stdout).toContain('NON CONFORME — 5 erreur(s) bloquante(s)');
  });

  it('--json gives the machine-readable report and --rules restricts the rule sets', async () => {
    const r = await run(runValidateCommand, ['validate', fx('factur-x-minimum.xml'), '--json', '--rules', 'br-fr-warning']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.rulesets).toEqual(['br-fr-warning@France_RFE-1.4.0.01-warning']);
    expect(report.fatalCount).toBe(0);
    expect(report.warningCount).toBe(5);
    expect(report.profile).toBe('MINIMUM');
    expect(report.findings[0]).toMatchObject({ ruleId: 'BR-FR-05_BT-22_PMT', severity: 'warning' });
  });

  it('a Factur-X PDF is read through its embedded XML', async () => {
    const r = await run(runValidateCommand, [path.join(testdata, 'facturx/tests/fixtures/pdf/invoice_EN16931.pdf'), '--rules=facturx,br-fr']);
    expect(r.stdout).toContain('dans un PDF Factur-X');
    expect(r.code).toBe(0);
  });

  it('a Chorus PIVOT flow is validated invoice by invoice', async () => {
    const cii = readFileSync(fx('factur-x-en16931.xml'));
    const minimum = readFileSync(fx('factur-x-minimum.xml'));
    const invoice = (xml: Uint8Array, numero: string) => ({
      fournisseur: { identifiant: '12345678200077' },
      debiteur: { identifiant: '98765432100015' },
      numero,
      montants: {},
      lignes: [],
      pieces: [{ filename: `${numero}.xml`, typePJ: '01', mime: 'text/xml', bytes: new Uint8Array(xml) }],
    });
    const file = path.join(tmp, 'pivot.xml');
    writeFileSync(file, buildPivot({ envelope: { parametres: [] }, invoices: [invoice(cii, 'F1'), invoice(minimum, 'F2')] }));
    const r = await run(runValidateCommand, [file, '--json']);
    expect(r.code).toBe(1);
    const reports = JSON.parse(r.stdout);
    expect(reports.map((x: { pivotInvoice: number; container: string; fatalCount: number }) => [x.pivotInvoice, x.container, x.fatalCount])).toEqual([
      [1, 'pivot', 0],
      [2, 'pivot', 5],
    ]);
    const text = await run(runValidateCommand, [file]);
    expect(text.stdout).toContain('(facture n° 2 du flux PIVOT)');
  });

  it('unreadable or non-invoice input exits 2 with a French message', async () => {
    const missing = await run(runValidateCommand, [path.join(tmp, 'absent.xml')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('Fichier illisible');
    const junk = path.join(tmp, 'junk.xml');
    writeFileSync(junk, '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>');
    expect((await run(runValidateCommand, [junk])).code).toBe(2);
    const orderX = await run(runValidateCommand, [fx('order-x-basic.xml')]);
    expect(orderX.code).toBe(2);
    expect(orderX.stderr).toMatch(/ni une facture CII ni une facture/);
  });

  it('bad usage exits 2', async () => {
    expect((await run(runValidateCommand, [])).code).toBe(2);
    const r = await run(runValidateCommand, [fx('factur-x-en16931.xml'), '--rules', 'en16931,nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('nope');
  });
});

describe('facteur convert', () => {
  it('UBL → CII EN 16931 keeps the model (shared subset) and reports nothing dropped', async () => {
    const out = path.join(tmp, 'out.xml');
    const r = await run(runConvertCommand, [fx('ubl-21-en16931.xml'), '--to', 'cii', '--profile', 'en16931', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const back = readXmlInvoice(new Uint8Array(readFileSync(out)));
    const src = readXmlInvoice(new Uint8Array(readFileSync(fx('ubl-21-en16931.xml'))));
    expect(back.format).toBe('cii');
    expect(back.model.number).toBe(src.model.number);
    expect(back.model.lines).toEqual(src.model.lines);
    expect(back.model.specificationId).toBe('urn:cen.eu:en16931:2017');
  });

  it('CII → CII MINIMUM warns about what the profile drops', async () => {
    const out = path.join(tmp, 'min.xml');
    const r = await run(runConvertCommand, ['convert', fx('factur-x-extended.xml'), '--to', 'cii', '--profile', 'MINIMUM', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('non repris par le profil MINIMUM');
    expect(readXmlInvoice(new Uint8Array(readFileSync(out))).model.specificationId).toBe('urn:factur-x.eu:1p0:minimum');
  });

  it('CII → UBL writes a UBL invoice', async () => {
    const out = path.join(tmp, 'out-ubl.xml');
    expect((await run(runConvertCommand, [fx('factur-x-en16931.xml'), '--to', 'ubl', '--out', out])).code).toBe(0);
    expect(readXmlInvoice(new Uint8Array(readFileSync(out))).format).toBe('ubl-invoice');
  });

  it('→ facturx produces a Factur-X PDF whose embedded XML has the requested profile', async () => {
    const src = path.join(tmp, 'french.xml');
    writeFileSync(src, writeCii(frenchInvoice(), { profile: 'EN 16931' }));
    const out = path.join(tmp, 'out.pdf');
    const r = await run(runConvertCommand, [src, '--to', 'facturx', '--profile', 'BASIC', '--out', out]);
    expect(r.stderr).toContain('non repris par le profil BASIC');
    expect(r.code).toBe(0);
    const pdf = readFacturX(new Uint8Array(readFileSync(out)));
    expect(pdf.profile).toBe('BASIC');
    expect(pdf.problems).toEqual([]);
    expect(readXmlInvoice(pdf.xml!).model.number).toBe('F2026-0042');
  }, 30_000);

  it('bad usage and unknown profiles exit 2', async () => {
    expect((await run(runConvertCommand, [fx('factur-x-en16931.xml'), '--to', 'pdf', '--out', 'x'])).code).toBe(2);
    expect((await run(runConvertCommand, [fx('factur-x-en16931.xml'), '--to', 'cii'])).code).toBe(2);
    expect((await run(runConvertCommand, [fx('factur-x-en16931.xml'), '--to', 'cii', '--profile', 'COMFORT', '--out', 'x'])).code).toBe(2);
    expect((await run(runConvertCommand, [path.join(tmp, 'none.xml'), '--to', 'cii', '--out', 'x'])).code).toBe(2);
  });

  it('parses the usual profile spellings', () => {
    expect(parseProfile('basic-wl')).toBe('BASIC WL');
    expect(parseProfile('EN 16931')).toBe('EN 16931');
    expect(parseProfile('extended')).toBe('EXTENDED');
    expect(parseProfile('comfort')).toBeUndefined();
  });
});
