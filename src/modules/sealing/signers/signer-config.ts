import { createCscSigner } from './drivers/csc-remote.js';
import { createP12Signer } from './drivers/p12.js';
import { createPkcs11Signer } from './drivers/pkcs11.js';
import { createSoftwareSigner } from './drivers/software.js';
import type { Signer } from './signer.js';

/**
 * Serializable description of a key source: what a worker thread or a config file needs to
 * build its own Signer (Signer objects hold native handles and cannot cross threads).
 * Secrets (password, PIN, token) are values already read from a file or a secret store.
 */
export type SignerConfig =
  | { type: 'p12'; p12: Uint8Array; password: string }
  | { type: 'pem'; privateKeyPem: string; certificate: Uint8Array; chain?: Uint8Array[] }
  | { type: 'pkcs11'; modulePath: string; tokenLabel: string; pin: string; keyLabel?: string; certificate?: Uint8Array; chain?: Uint8Array[]; qscd?: boolean }
  | { type: 'csc'; baseUrl: string; credentialId: string; accessToken: string; pin?: string; qscd?: boolean };

export async function createSignerFromConfig(cfg: SignerConfig): Promise<Signer> {
  switch (cfg.type) {
    case 'p12':
      return createP12Signer({ p12: cfg.p12, password: cfg.password });
    case 'pem':
      return createSoftwareSigner({ privateKey: cfg.privateKeyPem, certificate: cfg.certificate, chain: cfg.chain ?? [] });
    case 'pkcs11':
      return createPkcs11Signer(cfg);
    case 'csc':
      return createCscSigner(cfg);
  }
}
