import { isSelfSigned, parseCertificate } from '../../asn1/x509.js';
import { readP12 } from '../p12.js';
import type { Signer } from '../signer.js';
import { createSoftwareSigner } from './software.js';

/**
 * Signer from a PKCS#12 file. The password is passed as a value read by the caller from a file
 * or a secret store, never from the command line; it is not kept after the key is decrypted.
 */
export function createP12Signer({ p12, password }: { p12: Uint8Array; password: string }): Signer {
  const { privateKey, certificate, chain } = readP12(p12, password);
  // Roots are not embedded in the CMS: the verifier must hold them as trust anchors.
  const intermediates = chain.filter((c) => !isSelfSigned(parseCertificate(c)));
  return createSoftwareSigner({ privateKey, certificate, chain: intermediates, driver: 'p12' });
}
