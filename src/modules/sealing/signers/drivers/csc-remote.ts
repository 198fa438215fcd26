import { hashOids, OID, type HashName } from '../../asn1/oids.js';
import { parseCertificate } from '../../asn1/x509.js';
import { sealingErrors } from '../../sealing.errors.js';
import type { Signer } from '../signer.js';

export type CscSignerOptions = {
  /** Service base URL, e.g. https://qtsp.example/csc/v2 */
  baseUrl: string;
  credentialId: string;
  /** OAuth2 access token for the service (a secret: never logged, never in errors). */
  accessToken: string;
  /** Credential PIN for explicit authorization, when the service asks for one (a secret). */
  pin?: string;
  /** Set by configuration when the provider's key is in a qualified remote QSCD. */
  qscd?: boolean;
  timeoutMs?: number;
  fetch?: typeof fetch;
};

type CredentialInfo = {
  key?: { status?: string; algo?: string[] };
  cert?: { status?: string; certificates?: string[] };
};

const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');

/**
 * Remote signing in the Cloud Signature Consortium API shape (v2): credentials/info gives the
 * certificate chain, credentials/authorize returns a SAD for the hash, signatures/signHash
 * returns the signature. Only the hash of the signed attributes leaves the process.
 */
export async function createCscSigner(o: CscSignerOptions): Promise<Signer> {
  const doFetch = o.fetch ?? fetch;
  const call = async <T>(path: string, body: Record<string, unknown>): Promise<T> => {
    let res: Response;
    try {
      res = await doFetch(`${o.baseUrl.replace(/\/$/, '')}/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${o.accessToken}` },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(o.timeoutMs ?? 15_000),
      });
    } catch (e) {
      throw sealingErrors.remoteSigner(0, (e as Error).name === 'TimeoutError' ? 'timeout' : 'network error');
    }
    const text = await res.text();
    if (res.status !== 200) {
      let reason = `HTTP ${res.status}`;
      try {
        const j = JSON.parse(text) as { error?: string };
        if (j.error) reason = String(j.error).slice(0, 80);
      } catch {
        /* not JSON */
      }
      throw sealingErrors.remoteSigner(res.status, reason);
    }
    return JSON.parse(text) as T;
  };

  const info = await call<CredentialInfo>('credentials/info', { credentialID: o.credentialId, certificates: 'chain', certInfo: false });
  const certs = (info.cert?.certificates ?? []).map((c) => new Uint8Array(Buffer.from(c, 'base64')));
  if (!certs.length) throw sealingErrors.keyNotFound('certificat absent de la réponse credentials/info');
  const certificate = certs[0];
  const cert = parseCertificate(certificate);
  const keyOid = cert.x509.publicKey.asymmetricKeyType;
  const keyAlgorithm = keyOid === 'rsa' ? 'rsa' : keyOid === 'ec' ? 'ecdsa' : undefined;
  if (!keyAlgorithm) throw sealingErrors.unsupportedKey(String(keyOid));
  const signAlgo = (hash: HashName) =>
    keyAlgorithm === 'rsa' ? OID.rsaEncryption : { 'SHA-256': OID.ecdsaWithSha256, 'SHA-384': OID.ecdsaWithSha384, 'SHA-512': OID.ecdsaWithSha512, 'SHA-1': '' }[hash];

  return {
    driver: 'csc-remote',
    keyProtection: 'remote',
    qscd: o.qscd ?? false,
    keyAlgorithm,
    certificate,
    chain: certs.slice(1).filter((c) => !Buffer.from(parseCertificate(c).issuerDer).equals(Buffer.from(parseCertificate(c).subjectDer))),
    async sign({ digest, hash }) {
      const hashes = [b64(digest)];
      const auth = await call<{ SAD?: string }>('credentials/authorize', {
        credentialID: o.credentialId,
        numSignatures: 1,
        hashes,
        hashAlgorithmOID: hashOids[hash],
        ...(o.pin !== undefined ? { PIN: o.pin } : {}),
      });
      if (!auth.SAD) throw sealingErrors.remoteSigner(200, 'no SAD');
      const r = await call<{ signatures?: string[] }>('signatures/signHash', {
        credentialID: o.credentialId,
        SAD: auth.SAD,
        hashes,
        hashAlgorithmOID: hashOids[hash],
        signAlgo: signAlgo(hash),
      });
      const sig = r.signatures?.[0];
      if (!sig) throw sealingErrors.remoteSigner(200, 'no signature returned');
      return new Uint8Array(Buffer.from(sig, 'base64'));
    },
  };
}
