/** Every official valid example (CII, UBL, VEFA test files) passes EN 16931 v1.3.16 without finding. */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readXmlInvoice } from '../../formats.read.js';
import { validateInvoice } from '../../formats.validate.js';

const root = path.resolve(process.cwd(), '../shared/testdata/en16931');
const examples = ['cii/examples', 'ubl/examples', 'test/testfiles'].flatMap((d) =>
  readdirSync(path.join(root, d)).map((f) => path.join(d, f)),
);

describe('official valid examples', () => {
  it('lists the 62 examples', () => {
    expect(examples).toHaveLength(62);
  });
  it.each(examples)('%s has no fatal finding (and no warning)', (rel) => {
    const report = validateInvoice(readXmlInvoice(readFileSync(path.join(root, rel))));
    expect(report.rulesets).toEqual(['en16931@validation-1.3.16 (Schematron 1.3.16, 2026-04-10)']);
    expect(report.findings.filter((f) => f.severity === 'fatal')).toEqual([]);
    expect(report.warningCount).toBe(0);
  });
});
