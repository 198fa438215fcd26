import { createDecipheriv, createHash, createHmac, createPrivateKey, createPublicKey, pbkdf2Sync, timingSafeEqual, type KeyObject } from 'node:crypto';
import { children, parseDer, readInteger, readOid, type Node } from '../asn1/der-reader.js';
import { OID, hashFromOid, nodeHash, type HashName } from '../asn1/oids.js';
import { parseCertificate } from '../asn1/x509.js';
import { sealingErrors } from '../sealing.errors.js';

const MAX_ITERATIONS = 10_000_000;

/** PKCS#12 password encoding: BMPString (UTF-16BE) with a two-byte terminator (RFC 7292 B.1). */
function bmpPassword(pw: string): Buffer {
  const b = Buffer.alloc(pw.length * 2 + 2);
  for (let i = 0; i < pw.length; i++) b.writeUInt16BE(pw.charCodeAt(i), i * 2);
  return b;
}

/** The PKCS#12 key derivation (RFC 7292 appendix B.2). id 1 = key, 2 = IV, 3 = MAC key. */
export function pkcs12Kdf(hash: HashName, password: Buffer, salt: Uint8Array, id: number, iterations: number, length: number): Buffer {
  const u = createHash(nodeHash[hash]).digest().length;
  const v = hash === 'SHA-384' || hash === 'SHA-512' ? 128 : 64;
  const fill = (src: Uint8Array) => {
    if (!src.length) return Buffer.alloc(0);
    const n = v * Math.ceil(src.length / v);
    const out = Buffer.alloc(n);
    for (let i = 0; i < n; i++) out[i] = src[i % src.length];
    return out;
  };
  const D = Buffer.alloc(v, id);
  const I = Buffer.concat([fill(salt), fill(password)]);
  const out: Buffer[] = [];
  let produced = 0;
  while (produced < length) {
    let A = createHash(nodeHash[hash]).update(D).update(I).digest();
    for (let r = 1; r < iterations; r++) A = createHash(nodeHash[hash]).update(A).digest();
    out.push(A);
    produced += u;
    const B = fill(A);
    for (let j = 0; j < I.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const x = I[j + k] + B[k] + carry;
        I[j + k] = x & 0xff;
        carry = x >> 8;
      }
    }
  }
  return Buffer.concat(out).subarray(0, length);
}

function octets(n: Node): Uint8Array {
  return n.constructed ? Buffer.concat(children(n).map((c) => c.value)) : n.value;
}

const aes: Record<string, string> = { [OID.aes128Cbc]: 'aes-128-cbc', [OID.aes192Cbc]: 'aes-192-cbc', [OID.aes256Cbc]: 'aes-256-cbc', [OID.desEde3Cbc]: 'des-ede3-cbc' };
const prfHash: Record<string, HashName> = { [OID.hmacSha1]: 'SHA-1', [OID.hmacSha256]: 'SHA-256', [OID.hmacSha384]: 'SHA-384', [OID.hmacSha512]: 'SHA-512' };

/** Decrypts EncryptedData content: PBES2 (PBKDF2 + AES/3DES) or PKCS#12 PBE with 3DES. */
function decrypt(alg: Node, data: Uint8Array, password: string): Buffer {
  const [algOid, params] = children(alg);
  const o = readOid(algOid);
  if (o === OID.pbes2) {
    const [kdf, scheme] = children(params);
    const [kdfOid, kdfParams] = children(kdf);
    if (readOid(kdfOid) !== OID.pbkdf2) throw sealingErrors.p12Unreadable('unsupported key derivation');
    const kp = children(kdfParams);
    const salt = kp[0].value;
    const iter = Number(readInteger(kp[1]));
    if (iter > MAX_ITERATIONS) throw sealingErrors.p12Unreadable('iteration count too large');
    const prfNode = kp.slice(2).find((n) => n.tag === 0x30);
    const prf = prfNode ? prfHash[readOid(children(prfNode)[0])] : 'SHA-1';
    const [encOid, ivNode] = children(scheme);
    const cipher = aes[readOid(encOid)];
    if (!cipher || !prf) throw sealingErrors.p12Unreadable('unsupported cipher');
    const keyLen = cipher === 'des-ede3-cbc' ? 24 : Number(cipher.slice(4, 7)) / 8;
    const key = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iter, keyLen, nodeHash[prf]);
    const d = createDecipheriv(cipher, key, ivNode.value);
    return Buffer.concat([d.update(data), d.final()]);
  }
  if (o === OID.pbeSha1And3DesCbc) {
    const [salt, it] = children(params);
    const iter = Number(readInteger(it));
    if (iter > MAX_ITERATIONS) throw sealingErrors.p12Unreadable('iteration count too large');
    const pw = bmpPassword(password);
    const key = pkcs12Kdf('SHA-1', pw, salt.value, 1, iter, 24);
    const iv = pkcs12Kdf('SHA-1', pw, salt.value, 2, iter, 8);
    const d = createDecipheriv('des-ede3-cbc', key, iv);
    return Buffer.concat([d.update(data), d.final()]);
  }
  // RC2-40 (OpenSSL "-legacy") is not available in Node's OpenSSL build.
  throw sealingErrors.p12Unreadable(`unsupported encryption ${o}; re-export the file with AES (openssl pkcs12 -export without -legacy)`);
}

export type P12Contents = { privateKey: KeyObject; certificate: Uint8Array; chain: Uint8Array[] };

/**
 * Reads a PKCS#12 file: verifies the MAC (wrong password → sealing.bad_password), decrypts the
 * bags, and returns the key, the certificate matching it and the other certificates.
 */
export function readP12(der: Uint8Array, password: string): P12Contents {
  let pfx: Node[];
  try {
    pfx = children(parseDer(der, 'PFX'));
  } catch (e) {
    throw sealingErrors.p12Unreadable((e as Error).message);
  }
  try {
    const authSafe = children(pfx[1]);
    if (readOid(authSafe[0]) !== OID.pkcs7Data) throw sealingErrors.p12Unreadable('public-key integrity mode not supported');
    const content = octets(children(authSafe[1])[0]);
    if (pfx[2]) {
      const [digestInfo, salt, it] = children(pfx[2]);
      const [alg, mac] = children(digestInfo);
      const hash = hashFromOid(readOid(children(alg)[0]));
      if (!hash) throw sealingErrors.p12Unreadable('unsupported MAC');
      const iter = it ? Number(readInteger(it)) : 1;
      if (iter > MAX_ITERATIONS) throw sealingErrors.p12Unreadable('iteration count too large');
      const len = createHash(nodeHash[hash]).digest().length;
      const ok = (pw: Buffer) => {
        const key = pkcs12Kdf(hash, pw, salt.value, 3, iter, len);
        const calc = createHmac(nodeHash[hash], key).update(content).digest();
        return calc.length === mac.value.length && timingSafeEqual(calc, mac.value);
      };
      // An empty password is encoded either as an empty string or as just the terminator.
      if (!ok(bmpPassword(password)) && !(password === '' && ok(Buffer.alloc(0)))) throw sealingErrors.badPassword();
    }
    const keys: KeyObject[] = [];
    const certs: Uint8Array[] = [];
    for (const ci of children(parseDer(content, 'AuthenticatedSafe'))) {
      const [t, c] = children(ci);
      const type = readOid(t);
      let safe: Uint8Array;
      if (type === OID.pkcs7Data) safe = octets(children(c)[0]);
      else if (type === OID.pkcs7EncryptedData) {
        const eci = children(children(children(c)[0])[1]);
        const enc = eci[2];
        const data = enc.constructed ? Buffer.concat(children(enc).map((x) => x.value)) : enc.value;
        try {
          safe = decrypt(eci[1], data, password);
        } catch (e) {
          if ((e as { code?: string }).code?.startsWith('sealing.')) throw e;
          throw pfx[2] ? sealingErrors.p12Unreadable('decryption failed') : sealingErrors.badPassword();
        }
      } else continue;
      for (const bag of children(parseDer(safe, 'SafeContents'))) {
        const [idNode, valWrap] = children(bag);
        const id = readOid(idNode);
        const val = children(valWrap)[0];
        if (id === OID.certBag) {
          const [certType, certVal] = children(val);
          if (readOid(certType) === OID.x509Certificate) certs.push(new Uint8Array(octets(children(certVal)[0])));
        } else if (id === OID.keyBag) keys.push(createPrivateKey({ key: Buffer.from(val.raw), format: 'der', type: 'pkcs8' }));
        else if (id === OID.pkcs8ShroudedKeyBag) {
          try {
            keys.push(createPrivateKey({ key: Buffer.from(val.raw), format: 'der', type: 'pkcs8', passphrase: password }));
          } catch {
            throw pfx[2] ? sealingErrors.p12Unreadable('private key decryption failed') : sealingErrors.badPassword();
          }
        }
      }
    }
    if (!keys.length) throw sealingErrors.keyNotFound('aucune clé privée dans le PKCS#12');
    const key = keys[0];
    const spki = key.asymmetricKeyType ? Buffer.from(createPublicDer(key)) : Buffer.alloc(0);
    const certificate = certs.find((c) => Buffer.from(parseCertificate(c).x509.publicKey.export({ format: 'der', type: 'spki' })).equals(spki));
    if (!certificate) throw sealingErrors.keyNotFound('aucun certificat ne correspond à la clé');
    return { privateKey: key, certificate, chain: certs.filter((c) => c !== certificate) };
  } catch (e) {
    if ((e as { code?: string }).code?.startsWith('sealing.')) throw e;
    throw sealingErrors.p12Unreadable((e as Error).message.slice(0, 120));
  }
}

function createPublicDer(key: KeyObject): Buffer {
  return createPublicKey(key).export({ format: 'der', type: 'spki' }) as Buffer;
}
