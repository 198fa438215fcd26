/**
 * Runs the official VEFA unit-test sets (test/*-unit-UBL, test/cii) of the EN 16931 artefacts
 * against our validator, following the algorithm of testdata/README.md: each inline document is
 * taken as a standalone document (its own bytes), validated, and each <success>/<error>/<warning>
 * expectation is checked on the named rule only. Used by vefa.test.ts and bench/vefa-progress.ts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseXml, type XmlElement } from '../../../../shared/xml.js';
import { readXmlInvoice } from '../../formats.read.js';
import { validateEn16931 } from './index.js';

const VEFA_NS = 'http://difi.no/xsd/vefa/validator/1.0';
export const VEFA_DIRS = ['test/Invoice-unit-UBL', 'test/CreditNote-unit-UBL', 'test/cii'];

export type VefaExpectation = {
  file: string;
  testIndex: number;
  kind: 'success' | 'error' | 'warning';
  ruleId: string;
  description?: string;
  agrees: boolean;
  /** what our validator reported for that rule id */
  observed: string;
};

const kids = (e: XmlElement, name: string) => e.children.filter((c) => c.ns === VEFA_NS && c.name === name);

export function runVefaFile(file: string): VefaExpectation[] {
  const bytes = readFileSync(file);
  const { root, text } = parseXml(bytes);
  const out: VefaExpectation[] = [];
  kids(root, 'test').forEach((test, testIndex) => {
    const assert = kids(test, 'assert')[0];
    const doc = test.children.find((c) => !(c.ns === VEFA_NS && c.name === 'assert'));
    const description = assert ? kids(assert, 'description')[0]?.text.trim().replace(/\s+/g, ' ') : undefined;
    let failed: Array<{ ruleId: string; severity: string }> = [];
    let error: string | undefined;
    if (doc) {
      try {
        const parsed = readXmlInvoice(new TextEncoder().encode(text.slice(doc.start, doc.end)));
        failed = validateEn16931(parsed);
      } catch (e) {
        error = (e as Error).message;
      }
    } else error = 'no inline document';
    for (const kind of ['success', 'error', 'warning'] as const) {
      for (const exp of assert ? kids(assert, kind) : []) {
        const ruleId = exp.text.trim();
        const hits = failed.filter((f) => f.ruleId === ruleId);
        const agrees =
          error === undefined &&
          (kind === 'success'
            ? hits.length === 0
            : hits.some((h) => h.severity === (kind === 'error' ? 'fatal' : 'warning')));
        const observed = error ? `error: ${error}` : hits.length ? hits.map((h) => h.severity).join(',') : 'not failed';
        out.push({ file: path.basename(path.dirname(file)) + '/' + path.basename(file), testIndex, kind, ruleId, description, agrees, observed });
      }
    }
  });
  return out;
}

export function vefaFiles(testdataRoot: string): string[] {
  return VEFA_DIRS.flatMap((d) => {
    const dir = path.join(testdataRoot, d);
    return readdirSync(dir)
      .filter((f) => f.endsWith('.xml'))
      .sort()
      .map((f) => path.join(dir, f));
  });
}
