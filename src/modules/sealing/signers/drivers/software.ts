import { createPrivateKey, createPublicKey, sign as cryptoSign, type KeyObject } from 'node:crypto';
import { nodeHash } from '../../asn1/oids.js';
import { parseCertificate } from '../../asn1/x509.js';
import { sealingErrors } from '../../sealing.errors.js';
import type { Signer } from '../signer.js';

export type SoftwareSignerOptions = {
  privateKey: KeyObject | string | Uint8Array;
  certificate: Uint8Array;
  chain?: Uint8Array[];
  driver?: string;
};

/** A key held in process memory (from a PKCS#12 file or PEM): advanced, never qualified. */
export function createSoftwareSigner({ privateKey, certificate, chain = [], driver = 'software' }: SoftwareSignerOptions): Signer {
  const key =
    typeof privateKey === 'string' || privateKey instanceof Uint8Array
      ? createPrivateKey(typeof privateKey === 'string' ? privateKey : { key: Buffer.from(privateKey), format: 'der', type: 'pkcs8' })
      : privateKey;
  const type = key.asymmetricKeyType;
  if (type !== 'rsa' && type !== 'ec') throw sealingErrors.unsupportedKey(String(type));
  const cert = parseCertificate(certificate);
  const certKey = cert.x509.publicKey.export({ format: 'der', type: 'spki' });
  const ownKey = createPublicKey(key).export({ format: 'der', type: 'spki' });
  if (!Buffer.from(certKey).equals(ownKey)) throw sealingErrors.keyNotFound('la clé privée ne correspond pas au certificat');
  return {
    driver,
    keyProtection: 'software',
    qscd: false,
    keyAlgorithm: type === 'rsa' ? 'rsa' : 'ecdsa',
    certificate,
    chain,
    async sign({ data, hash }) {
      // ECDSA output from Node is the DER Ecdsa-Sig-Value CMS expects; RSA defaults to PKCS#1 v1.5.
      return new Uint8Array(cryptoSign(nodeHash[hash], data, key));
    },
  };
}
