/**
 * Writer output judged by the EN 16931 rules (formats-core's validator, CEN v1.3.16 semantics):
 * every valid example, written back as CII and as UBL, must stay free of fatal findings. Listed
 * exceptions are inputs lacking a term the target syntax requires.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readXmlInvoice } from '../formats.read.js';
import { validateInvoice } from '../formats.validate.js';
import { writeCii } from './cii.js';
import { writeUbl } from './ubl.js';

const testdata = path.resolve(process.cwd(), '../shared/testdata');
const sources = ['en16931/cii/examples', 'en16931/ubl/examples', 'en16931/test/testfiles', 'facturx/tests/fixtures/xml'].flatMap((d) =>
  readdirSync(path.join(testdata, d))
    // MINIMUM / BASIC WL are not EN 16931 invoices; Order-X and ZUGFeRD 1.0 are not read.
    .filter((f) => /\.xml$/i.test(f) && !/order-x|zugferd|minimum|basicwl/.test(f))
    .map((f) => path.join(d, f)),
);
const fatalIds = (bytes: Uint8Array) => [...new Set(validateInvoice(readXmlInvoice(bytes)).findings.filter((f) => f.severity === 'fatal').map((f) => f.ruleId))];

/** No BT-110 in these sources: UBL's TaxTotal/TaxAmount (and so BR-CO-14/15) cannot be met. */
const ublGaps: Record<string, string[]> = { 'CII_example7.xml': ['BR-CO-14', 'BR-CO-15'], 'XRechnung-O.xml': ['BR-CO-14', 'BR-CO-15'] };

describe('written invoices pass the EN 16931 rules', () => {
  it('covers 67 EN 16931 invoices', () => expect(sources).toHaveLength(67));
  for (const rel of sources) {
    it(rel, () => {
      const { model } = readXmlInvoice(new Uint8Array(readFileSync(path.join(testdata, rel))));
      expect(fatalIds(writeCii(model, { profile: 'EN 16931', keepSpecificationId: true })), 'CII').toEqual([]);
      expect(fatalIds(writeUbl(model)).sort(), 'UBL').toEqual(ublGaps[path.basename(rel)] ?? []);
    });
  }
});
