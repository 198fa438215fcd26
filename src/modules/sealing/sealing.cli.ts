import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { isAppError } from '../../shared/errors.js';
import { pemToDerList } from './asn1/x509.js';
import { sealingErrors } from './sealing.errors.js';
import { sealLevels, type SealEvent, type SealLevel, type SealProfile, type VisibleSeal } from './sealing.models.js';
import { sealPdf } from './sealing.usecases.js';
import { createSignerFromConfig, type SignerConfig } from './signers/signer-config.js';
import { createHttpTsaClient } from './tsa/drivers/http.js';
import { formatVerifyReport } from './verify/report-text.js';
import { verifyPdf } from './verify/verify-pdf.js';

export type CliIo = {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  /** Environment, passed in by the entry point (modules never read process.env). */
  env: Record<string, string | undefined>;
  cwd?: string;
};

const profileSchema = z.object({
  name: z.string().min(1),
  defaultLevel: z.enum(['B-B', 'B-T', 'B-LT', 'B-LTA']).default('B-B'),
  tsaUrls: z.array(z.string().url()).default([]),
  hash: z.enum(['SHA-256', 'SHA-384', 'SHA-512']).optional(),
  reason: z.string().optional(),
  location: z.string().optional(),
  contactInfo: z.string().optional(),
  qualifiedCertificate: z.boolean().optional(),
  fieldName: z.string().optional(),
});

export const sealUsage = `Usage : facteur seal <entrée.pdf> --out <sortie.pdf> [--profile <profil.json>] [--level B-B|B-T|B-LT|B-LTA]
  Clé : --p12 <fichier.p12> (--p12-password-file <fichier> | --p12-password-env <VARIABLE>)
      | --pkcs11-module <lib.so> --pkcs11-token <libellé> [--pkcs11-key <libellé>] (--pkcs11-pin-file <f> | --pkcs11-pin-env <VAR>) [--cert <cert.pem>]
  [--chain <ac.pem>]… [--root <racine.pem>]… (racine : pour la DSS en B-LT/B-LTA)
  [--tsa <url>]… [--visible page,x,y,largeur,hauteur] [--reason <texte>] [--json]
  Les mots de passe et PIN ne sont jamais acceptés en argument : fichier ou variable d'environnement.
`;
export const verifyUsage = `Usage : facteur verify <fichier.pdf> [--json] [--trust <ac.pem>]…
`;

/** Reads a secret from a file or an environment variable; the value never appears in output. */
function readSecret(io: CliIo, file: string | undefined, envName: string | undefined, what: string): string {
  if (file) {
    try {
      return readFileSync(resolve(io.cwd ?? '.', file), 'utf8').replace(/\r?\n$/, '');
    } catch {
      throw sealingErrors.secretUnavailable(`${what} : fichier illisible`);
    }
  }
  if (envName) {
    const v = io.env[envName];
    if (v === undefined) throw sealingErrors.secretUnavailable(`${what} : variable ${envName} absente`);
    return v;
  }
  throw sealingErrors.secretUnavailable(`${what} : indiquez un fichier ou une variable d'environnement`);
}

function parseVisible(v: string | undefined): VisibleSeal | undefined {
  if (!v) return undefined;
  const n = v.split(',').map(Number);
  if (n.length !== 5 || n.some((x) => !Number.isFinite(x)) || n[0] < 1 || n[3] <= 0 || n[4] <= 0) throw new UsageError('--visible attend page,x,y,largeur,hauteur');
  return { page: n[0], x: n[1], y: n[2], width: n[3], height: n[4] };
}

class UsageError extends Error {}

function report(io: CliIo, e: unknown, usage: string): number {
  if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    io.stderr(`${(e as Error).message}\n${usage}`);
    return 2;
  }
  if (isAppError(e)) {
    io.stderr(`Erreur ${e.code} : ${e.message}\n`);
    return 1;
  }
  const fsCode = (e as { code?: string }).code;
  if (fsCode === 'ENOENT' || fsCode === 'EACCES' || fsCode === 'EISDIR') {
    io.stderr(`Erreur sealing.file_unreadable : fichier introuvable ou illisible (${(e as { path?: string }).path ?? '?'}).\n`);
    return 1;
  }
  if (e instanceof SyntaxError) {
    io.stderr('Erreur sealing.bad_profile : profil JSON illisible.\n');
    return 1;
  }
  io.stderr('Erreur interne.\n');
  return 1;
}

/** `facteur seal`: exit 0 sealed, 1 refused (error code printed), 2 usage. */
export async function runSealCommand(argv: string[], io: CliIo, deps: { onSealed?: (e: SealEvent) => void; httpFetch?: typeof fetch } = {}): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        out: { type: 'string' },
        profile: { type: 'string' },
        level: { type: 'string' },
        p12: { type: 'string' },
        'p12-password-file': { type: 'string' },
        'p12-password-env': { type: 'string' },
        'pkcs11-module': { type: 'string' },
        'pkcs11-token': { type: 'string' },
        'pkcs11-key': { type: 'string' },
        'pkcs11-pin-file': { type: 'string' },
        'pkcs11-pin-env': { type: 'string' },
        cert: { type: 'string' },
        chain: { type: 'string', multiple: true },
        root: { type: 'string', multiple: true },
        tsa: { type: 'string', multiple: true },
        visible: { type: 'string' },
        reason: { type: 'string' },
        json: { type: 'boolean' },
      },
    });
    if (positionals.length !== 1 || !values.out) throw new UsageError('Entrée et --out obligatoires.');
    const cwd = io.cwd ?? '.';
    const file = (p: string) => new Uint8Array(readFileSync(resolve(cwd, p)));
    let profile: SealProfile = { name: 'default', defaultLevel: 'B-B', tsaUrls: [] };
    if (values.profile) {
      const parsed = profileSchema.safeParse(JSON.parse(readFileSync(resolve(cwd, values.profile), 'utf8')));
      if (!parsed.success) throw new UsageError(`Profil invalide : ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`);
      profile = parsed.data;
    }
    if (values.tsa?.length) profile = { ...profile, tsaUrls: values.tsa };
    if (values.reason) profile = { ...profile, reason: values.reason };
    const level = (values.level ?? profile.defaultLevel) as SealLevel;
    if (!sealLevels.includes(level)) throw sealingErrors.badLevel(level);
    const chain = (values.chain ?? []).flatMap((c) => pemToDerList(readFileSync(resolve(cwd, c), 'utf8')));
    let cfg: SignerConfig;
    if (values.p12) {
      cfg = { type: 'p12', p12: file(values.p12), password: readSecret(io, values['p12-password-file'], values['p12-password-env'], 'mot de passe PKCS#12') };
    } else if (values['pkcs11-module']) {
      if (!values['pkcs11-token']) throw new UsageError('--pkcs11-token obligatoire.');
      cfg = {
        type: 'pkcs11',
        modulePath: values['pkcs11-module'],
        tokenLabel: values['pkcs11-token'],
        keyLabel: values['pkcs11-key'],
        pin: readSecret(io, values['pkcs11-pin-file'], values['pkcs11-pin-env'], 'PIN PKCS#11'),
        certificate: values.cert ? pemToDerList(readFileSync(resolve(cwd, values.cert), 'utf8'))[0] : undefined,
        chain,
      };
    } else throw new UsageError('Source de clé obligatoire : --p12 ou --pkcs11-module.');
    const signer = await createSignerFromConfig(cfg);
    const withChain = chain.length && cfg.type === 'p12' ? { ...signer, chain: [...signer.chain, ...chain] } : signer;
    try {
      const tsa = profile.tsaUrls.length ? createHttpTsaClient({ urls: profile.tsaUrls, fetch: deps.httpFetch }) : undefined;
      const trustAnchors = (values.root ?? []).flatMap((c) => pemToDerList(readFileSync(resolve(cwd, c), 'utf8')));
      const { pdf, event } = await sealPdf({
        pdf: file(positionals[0]),
        profile,
        signer: withChain,
        tsa,
        level,
        visible: parseVisible(values.visible),
        trustAnchors,
        httpFetch: deps.httpFetch,
      });
      writeFileSync(resolve(cwd, values.out), pdf);
      deps.onSealed?.(event);
      io.stdout(values.json ? JSON.stringify(event) + '\n' : `Scellé : ${values.out} — niveau ${event.level}, ${event.assurance}, ${event.certificateSubject}\n`);
      return 0;
    } finally {
      await signer.close?.();
    }
  } catch (e) {
    return report(io, e, sealUsage);
  }
}

/** `facteur verify`: exit 0 when every signature is valid and trusted, 1 otherwise, 2 usage/unreadable. */
export async function runVerifyCommand(argv: string[], io: CliIo): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: { json: { type: 'boolean' }, trust: { type: 'string', multiple: true } },
    });
    if (positionals.length !== 1) throw new UsageError('Un fichier PDF est attendu.');
    const cwd = io.cwd ?? '.';
    const anchors = (values.trust ?? []).map((t) => readFileSync(resolve(cwd, t), 'utf8'));
    const r = await verifyPdf(new Uint8Array(readFileSync(resolve(cwd, positionals[0]))), { trustAnchors: anchors });
    io.stdout(values.json ? JSON.stringify(r, null, 2) + '\n' : formatVerifyReport(r, positionals[0]));
    return r.valid ? 0 : 1;
  } catch (e) {
    const code = report(io, e, verifyUsage);
    return code === 1 ? 2 : code;
  }
}
