/**
 * Round trip over every valid example of the shared test data: read → write → read gives the same
 * model. Same syntax: strict deep equality. Cross syntax (CII ⇄ UBL): deep equality after
 * `crossSyntaxView`, which removes only what the two bindings place differently (see there).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EInvoice } from '../formats.models.js';
import { readXmlInvoice } from '../formats.read.js';
import { facturXProfileOf, writeCii } from './cii.js';
import { crossSyntaxView } from './roundtrip-view.js';
import { writeUbl } from './ubl.js';

const testdata = path.resolve(process.cwd(), '../shared/testdata');
const dir = (rel: string) =>
  readdirSync(path.join(testdata, rel))
    .filter((f) => /\.xml$/i.test(f))
    .map((f) => path.join(rel, f));
const files = [
  ...dir('en16931/cii/examples'),
  ...dir('en16931/ubl/examples'),
  ...dir('en16931/test/testfiles'),
  ...dir('facturx/tests/fixtures/xml').filter((f) => /factur-x-|ubl-21-/.test(f)),
];

function toCii(model: EInvoice): Uint8Array {
  const profile = facturXProfileOf(model.specificationId);
  // Factur-X fixtures go out in their own profile; other CII (CEN, XRechnung) as EN 16931 keeping BT-24.
  return profile ? writeCii(model, { profile }) : writeCii(model, { profile: 'EN 16931', keepSpecificationId: true });
}

describe('round trip read → write → read', () => {
  it('covers every valid example (62 EN 16931 + 7 Factur-X fixtures)', () => {
    expect(files.length).toBe(69);
  });

  for (const rel of files) {
    const parsed = readXmlInvoice(new Uint8Array(readFileSync(path.join(testdata, rel))));
    const model = parsed.model;
    it(`${rel}: same syntax, exact model`, () => {
      const again = parsed.format === 'cii' ? readXmlInvoice(toCii(model)) : readXmlInvoice(writeUbl(model));
      expect(again.format).toBe(parsed.format);
      expect(again.model).toStrictEqual(model);
    });
    it(`${rel}: cross syntax, same model on the shared subset`, () => {
      const other = parsed.format === 'cii' ? readXmlInvoice(writeUbl(model)) : readXmlInvoice(toCii(model));
      expect(crossSyntaxView(other.model)).toEqual(crossSyntaxView(model));
    });
  }
});
