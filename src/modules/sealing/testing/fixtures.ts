import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSignedData } from '../cms/cms-parse.js';
import { OID } from '../asn1/oids.js';
import { createSoftwareSigner } from '../signers/drivers/software.js';
import type { Signer } from '../signers/signer.js';
import type { SealProfile } from '../sealing.models.js';
import { createTestPki, type KeyKind, type TestPki } from './test-pki.js';

export const facturxSample = () =>
  new Uint8Array(readFileSync(join(process.cwd(), '../shared/testdata/facturx/tests/fixtures/pdf/invoice_EN16931.pdf')));
export const signedSamplesDir = () => join(process.cwd(), '../shared/testdata/signed-pdfs/resources');

export type SealFixture = { pki: TestPki; signer: Signer; tsaSigner: Signer; profile: SealProfile };

export function sealFixture(kind: KeyKind = 'rsa', crlBaseUrl?: string): SealFixture {
  const pki = createTestPki({ kind, crlBaseUrl });
  return {
    pki,
    signer: createSoftwareSigner({ privateKey: pki.seal.key, certificate: pki.seal.cert, chain: [pki.intermediate.cert] }),
    tsaSigner: createSoftwareSigner({ privateKey: pki.tsa.key, certificate: pki.tsa.cert, chain: [pki.intermediate.cert] }),
    profile: { name: 'test-invoices', defaultLevel: 'B-B', tsaUrls: [], reason: 'Autofacturation' },
  };
}

/** The CMS in the last signature's /Contents and the bytes its /ByteRange covers. */
export function extractLastSignature(pdf: Uint8Array): { cms: Uint8Array; signedBytes: Uint8Array; byteRange: number[] } {
  const text = Buffer.from(pdf).toString('latin1');
  const all = [...text.matchAll(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g)];
  const m = all[all.length - 1];
  const [a, b, c, d] = m.slice(1, 5).map(Number);
  const hex = text.slice(b + 1, c - 1);
  let cms = Buffer.from(hex, 'hex');
  // Trim the zero padding after the DER structure.
  const len = cms[1] & 0x80 ? cms.readUIntBE(2, cms[1] & 0x7f) + 2 + (cms[1] & 0x7f) : cms[1] + 2;
  cms = cms.subarray(0, len);
  return { cms, signedBytes: Buffer.concat([pdf.subarray(a, a + b), pdf.subarray(c, c + d)]), byteRange: [a, b, c, d] };
}

export function extractTimestampToken(cms: Uint8Array): { token: Uint8Array; signatureValue: Uint8Array } {
  const sd = parseSignedData(cms);
  const si = sd.signerInfos[0];
  const attr = si.unsignedAttrs.find((a) => a.type === OID.signatureTimeStampToken);
  if (!attr) throw new Error('no timestamp token');
  return { token: attr.values[0].raw, signatureValue: si.signature };
}

export function write(dir: string, name: string, data: Uint8Array | string): string {
  const f = join(dir, name);
  writeFileSync(f, data);
  return f;
}
