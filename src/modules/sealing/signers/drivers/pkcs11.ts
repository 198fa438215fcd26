import { createHash, timingSafeEqual } from 'node:crypto';
import { createRequire } from 'node:module';
import { integerFromBytes, nullDer, octetString, oid, seq } from '../../asn1/der.js';
import { hashOids, type HashName } from '../../asn1/oids.js';
import { parseCertificate } from '../../asn1/x509.js';
import { sealingErrors } from '../../sealing.errors.js';
import type { Signer } from '../signer.js';

type Pkcs11Module = typeof import('pkcs11js');
type Pkcs11 = InstanceType<Pkcs11Module['PKCS11']>;

// pkcs11js is a native addon: loaded lazily so that hosts without it can still use other key sources.
const require = createRequire(import.meta.url);
function loadBinding(): Pkcs11Module {
  try {
    return require('pkcs11js') as Pkcs11Module;
  } catch (e) {
    throw sealingErrors.signerFailed('module natif pkcs11js indisponible', e);
  }
}

const modules = new Map<string, { lib: Pkcs11; users: number }>();
const logins = new Map<string, { pinHash: Buffer; users: number }>();

function openModule(mod: Pkcs11Module, path: string): Pkcs11 {
  const hit = modules.get(path);
  if (hit) {
    hit.users++;
    return hit.lib;
  }
  const lib = new mod.PKCS11();
  try {
    lib.load(path);
    lib.C_Initialize();
  } catch (e) {
    if ((e as { code?: number }).code !== mod.CKR_CRYPTOKI_ALREADY_INITIALIZED) throw sealingErrors.signerFailed('initialisation PKCS#11 impossible', e);
  }
  modules.set(path, { lib, users: 1 });
  return lib;
}

function releaseModule(path: string): void {
  const hit = modules.get(path);
  if (!hit) return;
  if (--hit.users > 0) return;
  modules.delete(path);
  try {
    hit.lib.C_Finalize();
    hit.lib.close();
  } catch {
    /* already finalized */
  }
}

export type Pkcs11SignerOptions = {
  modulePath: string;
  tokenLabel: string;
  /** User PIN, read by the caller from a file or a secret; never logged. */
  pin: string;
  keyLabel?: string;
  keyId?: Uint8Array;
  /** Certificate when the token does not hold it. */
  certificate?: Uint8Array;
  chain?: Uint8Array[];
  /** Set by configuration when the HSM is a certified QSCD. */
  qscd?: boolean;
};

/** DigestInfo for CKM_RSA_PKCS: the token receives only the hash (RFC 8017 9.2). */
function digestInfo(hash: HashName, digest: Uint8Array): Uint8Array {
  return seq(seq(oid(hashOids[hash]), nullDer()), octetString(digest));
}

/** CKM_ECDSA returns r||s; CMS wants the DER Ecdsa-Sig-Value. */
function rawEcdsaToDer(raw: Uint8Array): Uint8Array {
  const half = raw.length / 2;
  return seq(integerFromBytes(raw.subarray(0, half)), integerFromBytes(raw.subarray(half)));
}

/** A key held in a PKCS#11 token (HSM; softhsm2 in tests). Signing calls are serialized per session. */
export function createPkcs11Signer(o: Pkcs11SignerOptions): Signer {
  const mod = loadBinding();
  const lib = openModule(mod, o.modulePath);
  let session: Buffer;
  let loginKey = '';
  try {
    const slot = lib.C_GetSlotList(true).find((s) => lib.C_GetTokenInfo(s).label.trim() === o.tokenLabel);
    if (!slot) throw sealingErrors.keyNotFound(`jeton « ${o.tokenLabel} »`);
    session = lib.C_OpenSession(slot, mod.CKF_SERIAL_SESSION);
    loginKey = `${o.modulePath}#${o.tokenLabel}`;
    const pinHash = createHash('sha256').update(o.pin).digest();
    const state = logins.get(loginKey);
    if (state) {
      // PKCS#11 login is per token for the whole process: another signer already logged in, so
      // the PIN is checked against the one that succeeded rather than silently accepted.
      if (!timingSafeEqual(state.pinHash, pinHash)) {
        lib.C_CloseSession(session);
        throw sealingErrors.badPin();
      }
      state.users++;
    } else {
      try {
        lib.C_Login(session, mod.CKU_USER, o.pin);
      } catch (e) {
        lib.C_CloseSession(session);
        const code = (e as { code?: number }).code;
        if (code === mod.CKR_PIN_INCORRECT || code === mod.CKR_PIN_LEN_RANGE) throw sealingErrors.badPin();
        if (code === mod.CKR_PIN_LOCKED) throw sealingErrors.signerFailed('PIN bloqué');
        throw sealingErrors.signerFailed('connexion au jeton refusée', e);
      }
      logins.set(loginKey, { pinHash, users: 1 });
    }
  } catch (e) {
    releaseModule(o.modulePath);
    throw e;
  }
  const endSession = () => {
    try {
      const state = logins.get(loginKey);
      if (state && --state.users === 0) {
        logins.delete(loginKey);
        lib.C_Logout(session);
      }
      lib.C_CloseSession(session);
    } catch {
      /* token removed or session already closed */
    }
    releaseModule(o.modulePath);
  };
  const fail = (e: unknown): never => {
    endSession();
    throw e;
  };
  const find = (cls: number) => {
    const tpl: { type: number; value: number | string | Buffer }[] = [{ type: mod.CKA_CLASS, value: cls }];
    if (o.keyLabel) tpl.push({ type: mod.CKA_LABEL, value: o.keyLabel });
    if (o.keyId) tpl.push({ type: mod.CKA_ID, value: Buffer.from(o.keyId) });
    lib.C_FindObjectsInit(session, tpl);
    const found = lib.C_FindObjects(session, 2);
    lib.C_FindObjectsFinal(session);
    return found;
  };
  const keys = find(mod.CKO_PRIVATE_KEY);
  if (keys.length !== 1) fail(sealingErrors.keyNotFound(keys.length ? 'plusieurs clés correspondent' : 'clé privée absente du jeton'));
  const key = keys[0];
  const keyType = lib.C_GetAttributeValue(session, key, [{ type: mod.CKA_KEY_TYPE }])[0].value as Buffer;
  // CK_ULONG, native (little-endian on the platforms Facteur supports).
  const kt = keyType.length >= 4 ? keyType.readUInt32LE(0) : keyType[0];
  if (kt !== mod.CKK_RSA && kt !== mod.CKK_EC) fail(sealingErrors.unsupportedKey(`type PKCS#11 ${kt}`));
  let certificate = o.certificate;
  if (!certificate) {
    const certs = find(mod.CKO_CERTIFICATE);
    if (!certs.length) fail(sealingErrors.keyNotFound('certificat absent du jeton'));
    certificate = new Uint8Array(lib.C_GetAttributeValue(session, certs[0], [{ type: mod.CKA_VALUE }])[0].value as Buffer);
  }
  try {
    parseCertificate(certificate!);
  } catch (e) {
    fail(sealingErrors.keyNotFound(`certificat illisible : ${(e as Error).message}`));
  }
  const keyAlgorithm = kt === mod.CKK_RSA ? 'rsa' : 'ecdsa';
  let queue: Promise<unknown> = Promise.resolve();
  let closed = false;

  return {
    driver: 'pkcs11',
    keyProtection: 'hsm',
    qscd: o.qscd ?? false,
    keyAlgorithm,
    certificate,
    chain: o.chain ?? [],
    sign({ digest, hash }) {
      const run = async () => {
        if (closed) throw sealingErrors.signerFailed('session PKCS#11 fermée');
        try {
          const mech = keyAlgorithm === 'rsa' ? mod.CKM_RSA_PKCS : mod.CKM_ECDSA;
          lib.C_SignInit(session, { mechanism: mech }, key);
          const input = Buffer.from(keyAlgorithm === 'rsa' ? digestInfo(hash, digest) : digest);
          const sig = lib.C_Sign(session, input, Buffer.alloc(1024));
          return keyAlgorithm === 'rsa' ? new Uint8Array(sig) : rawEcdsaToDer(new Uint8Array(sig));
        } catch (e) {
          if ((e as { code?: string }).code?.toString().startsWith('sealing.')) throw e;
          throw sealingErrors.signerFailed('signature PKCS#11 refusée', e);
        }
      };
      const p = queue.then(run, run);
      queue = p.catch(() => undefined);
      return p;
    },
    async close() {
      if (closed) return;
      closed = true;
      await queue;
      endSession();
    },
  };
}
