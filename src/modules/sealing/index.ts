/**
 * Sealing module: PAdES electronic seals (B-B, B-T, B-LT, B-LTA) with a CAdES signer built on
 * hand-encoded DER, RFC 3161 timestamps, PKCS#12 / PKCS#11 / remote (CSC) key sources, and the
 * verification engine for signed PDFs.
 */
export { sealPdf, assuranceOf } from './sealing.usecases.js';
export type { SealLevel, SealProfile, SealEvent, SealAssurance, SealInput, VisibleSeal, RevocationData } from './sealing.models.js';
export { sealLevels } from './sealing.models.js';
export { sealingErrors } from './sealing.errors.js';
export { verifyPdf, type VerifyOptions } from './verify/verify-pdf.js';
export type { VerifyReport, SignatureReport } from './verify/verify.models.js';
export { formatVerifyReport } from './verify/report-text.js';
export type { Signer, KeyProtection } from './signers/signer.js';
export { createSoftwareSigner } from './signers/drivers/software.js';
export { createP12Signer } from './signers/drivers/p12.js';
export { createPkcs11Signer, type Pkcs11SignerOptions } from './signers/drivers/pkcs11.js';
export { createCscSigner, type CscSignerOptions } from './signers/drivers/csc-remote.js';
export { startCscSandbox, type CscSandbox } from './signers/csc-sandbox.js';
export { createSignerFromConfig, type SignerConfig } from './signers/signer-config.js';
export type { TsaClient, TimestampToken } from './tsa/tsa.js';
export { createHttpTsaClient, type HttpTsaOptions } from './tsa/drivers/http.js';
export { startTestTsa, type TestTsa, type TestTsaMode } from './tsa/test-tsa-server.js';
export { createSealingPool, type SealingPool } from './sealing.pool.js';
export { runSealCommand, runVerifyCommand, type CliIo } from './sealing.cli.js';
export { startOpensslTsa } from './tsa/openssl-tsa-server.js';
