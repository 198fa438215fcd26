import { createRequire } from 'node:module';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KeyObject } from 'node:crypto';
import { parseCertificate } from '../asn1/x509.js';
import { run } from './tools.js';

export const SOFTHSM_MODULE = '/usr/lib/softhsm/libsofthsm2.so';

/**
 * A throw-away softhsm2 token in `dir` (SOFTHSM2_CONF points to a temp config with a temp
 * token directory), holding one private key and its certificate under `id`/`label`.
 * Sets process.env.SOFTHSM2_CONF: softhsm reads it when the module is initialized.
 */
export function createSoftHsmToken(o: { dir: string; label: string; pin: string; soPin: string; key: KeyObject; cert: Uint8Array; keyLabel: string; id: string }): { conf: string } {
  const tokens = join(o.dir, 'tokens');
  mkdirSync(tokens, { recursive: true });
  const conf = join(o.dir, 'softhsm2.conf');
  writeFileSync(conf, `directories.tokendir = ${tokens}\nobjectstore.backend = file\nlog.level = ERROR\n`);
  process.env.SOFTHSM2_CONF = conf;
  const env = { ...process.env, SOFTHSM2_CONF: conf };
  const init = run('softhsm2-util', ['--init-token', '--free', '--label', o.label, '--pin', o.pin, '--so-pin', o.soPin], { env });
  if (init.code !== 0) throw new Error(`softhsm2-util --init-token failed: ${init.err}`);
  const keyFile = join(o.dir, 'key.pem');
  writeFileSync(keyFile, o.key.export({ format: 'pem', type: 'pkcs8' }) as string, { mode: 0o600 });
  const imp = run('softhsm2-util', ['--import', keyFile, '--token', o.label, '--label', o.keyLabel, '--id', o.id, '--pin', o.pin], { env });
  if (imp.code !== 0) throw new Error(`softhsm2-util --import failed: ${imp.err}`);
  // softhsm2-util cannot import certificates: create the certificate object through PKCS#11.
  const require = createRequire(import.meta.url);
  const p = require('pkcs11js') as typeof import('pkcs11js');
  const lib = new p.PKCS11();
  lib.load(SOFTHSM_MODULE);
  lib.C_Initialize();
  try {
    const slot = lib.C_GetSlotList(true).find((s) => lib.C_GetTokenInfo(s).label.trim() === o.label)!;
    const session = lib.C_OpenSession(slot, p.CKF_SERIAL_SESSION | p.CKF_RW_SESSION);
    lib.C_Login(session, p.CKU_USER, o.pin);
    const c = parseCertificate(o.cert);
    lib.C_CreateObject(session, [
      { type: p.CKA_CLASS, value: p.CKO_CERTIFICATE },
      { type: p.CKA_CERTIFICATE_TYPE, value: p.CKC_X_509 },
      { type: p.CKA_TOKEN, value: true },
      { type: p.CKA_LABEL, value: o.keyLabel },
      { type: p.CKA_ID, value: Buffer.from(o.id, 'hex') },
      { type: p.CKA_SUBJECT, value: Buffer.from(c.subjectDer) },
      { type: p.CKA_VALUE, value: Buffer.from(o.cert) },
    ]);
    lib.C_Logout(session);
    lib.C_CloseSession(session);
  } finally {
    lib.C_Finalize();
    lib.close();
  }
  return { conf };
}
