/**
 * The French and Factur-X rule sets must never throw: they run on every example of the test data
 * and on seeded random mutations of a rich fixture (elements deleted, texts blanked or garbled).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseXml, type XmlElement } from '../../../../shared/xml.js';
import { readInvoiceElement, readXmlInvoice } from '../../formats.read.js';
import { validateFacturX } from '../facturx/index.js';
import { validateBrFr } from './index.js';

const testdata = path.resolve(process.cwd(), '../shared/testdata');
const files = ['en16931/cii/examples', 'en16931/ubl/examples', 'en16931/test/testfiles', 'facturx/tests/fixtures/xml'].flatMap((d) =>
  readdirSync(path.join(testdata, d))
    .filter((f) => /\.xml$/i.test(f) && !/order-x|zugferd/.test(f))
    .map((f) => path.join(testdata, d, f)),
);

/** Small deterministic PRNG (mulberry32) so failures replay. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function all(e: XmlElement, out: XmlElement[] = []): XmlElement[] {
  out.push(e);
  for (const c of e.children) all(c, out);
  return out;
}

describe('BR-FR and Factur-X rules never throw', () => {
  it('on every example (CII and UBL), in both BR-FR modes', () => {
    for (const f of files) {
      const parsed = readXmlInvoice(new Uint8Array(readFileSync(f)));
      expect(() => validateBrFr(parsed, 'fatal'), f).not.toThrow();
      expect(() => validateBrFr(parsed, 'warning'), f).not.toThrow();
      expect(() => validateFacturX(parsed), f).not.toThrow();
    }
  });

  it('on 200 seeded mutations of the EXTENDED fixture', () => {
    const bytes = new Uint8Array(readFileSync(path.join(testdata, 'facturx/tests/fixtures/xml/factur-x-extended.xml')));
    const next = rng(20261122);
    for (let i = 0; i < 200; i++) {
      const { root } = parseXml(bytes);
      const nodes = all(root).slice(1);
      for (let k = 0; k < 1 + Math.floor(next() * 5); k++) {
        const n = nodes[Math.floor(next() * nodes.length)];
        const r = next();
        if (r < 0.4 && n.parent) n.parent.children = n.parent.children.filter((c) => c !== n);
        else if (r < 0.7) n.text = '';
        else n.text = ['-1e9', '20260230', 'B2B', '0225', ' ', 'GROUP', '#X#', 'S9', 'ZZZ'][Math.floor(next() * 9)];
      }
      const parsed = readInvoiceElement(root, bytes);
      expect(() => validateBrFr(parsed), `mutation ${i}`).not.toThrow();
      expect(() => validateFacturX(parsed), `mutation ${i}`).not.toThrow();
    }
  });
});
