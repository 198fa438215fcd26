import path from 'node:path';
import { z } from 'zod';
import { AppError } from '../shared/errors.js';

/**
 * Typed configuration, validated once at boot. Nothing else in `src/` reads `process.env`:
 * every module receives its slice from the composition root, and tests build configs explicitly.
 */
const bool = z
  .union([z.boolean(), z.enum(['true', 'false', '1', '0', 'yes', 'no'])])
  .transform((v) => v === true || v === 'true' || v === '1' || v === 'yes');

const port = z.coerce.number().int().min(0).max(65535);

export const configSchema = z.object({
  server: z.object({
    host: z.string().min(1).default('0.0.0.0'),
    port: port.default(3000),
    publicUrl: z.string().url().default('http://localhost:3000'),
    trustProxy: bool.default(false),
    maxUploadBytes: z.coerce.number().int().positive().default(25 * 1024 * 1024),
  }),
  database: z.object({
    /** Absent: embedded PGlite in `dataDir`. */
    url: z.string().regex(/^postgres(ql)?:\/\//, 'doit commencer par postgres:// ou postgresql://').optional(),
    poolSize: z.coerce.number().int().min(1).max(200).default(10),
  }),
  dataDir: z.string().min(1).default('./data'),
  blobs: z.object({
    driver: z.enum(['fs', 'memory', 's3']).default('fs'),
    /** For `fs`: folder of the content-addressed store; defaults to `<dataDir>/blobs`. */
    dir: z.string().optional(),
    s3: z
      .object({
        endpoint: z.string().url(),
        bucket: z.string().min(1),
        region: z.string().default('us-east-1'),
        accessKeyId: z.string().min(1),
        secretAccessKey: z.string().min(1),
      })
      .optional(),
  }),
  security: z.object({
    /** 32-byte key (base64 or hex) encrypting connector secrets at rest. Generated in `dataDir` when embedded. */
    secretKey: z.string().optional(),
    sessionTtlMinutes: z.coerce.number().int().min(1).max(7 * 24 * 60).default(8 * 60),
    loginMaxAttempts: z.coerce.number().int().min(1).default(10),
    loginWindowSeconds: z.coerce.number().int().min(1).default(300),
    secureCookies: bool.default(false),
  }),
  demo: z.object({
    enabled: bool.default(false),
    /** In demo mode, run the in-project Chorus Pro sandbox and feed the demo tenant from it. */
    chorus: bool.default(true),
    /**
     * In demo mode, connect the demo tenant to this already running Chorus-compatible endpoint (the
     * in-project sandbox started by a test, with its default credentials) instead of starting one.
     */
    chorusUrl: z.string().url().optional(),
  }),
  log: z.object({
    level: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  }),
  seal: z.object({
    /** PKCS#12 of the electronic seal; its password is read from a file, never from the environment's value directly. */
    p12File: z.string().optional(),
    p12PasswordFile: z.string().optional(),
    tsaUrls: z.string().optional(),
    level: z.enum(['B-B', 'B-T', 'B-LT', 'B-LTA']).default('B-B'),
  }),
  sms: z.object({
    /** HTTP SMS gateway; absent = SMS stay in the outbox of an in-memory driver (nothing leaves). */
    gatewayUrl: z.string().url().optional(),
    gatewayToken: z.string().optional(),
  }),
  chorus: z.object({
    /** Minutes between two synchronisations of every configured tenant. */
    syncEveryMinutes: z.coerce.number().int().min(1).max(1440).default(5),
  }),
  mail: z.object({
    smtpUrl: z.string().optional(),
    from: z.string().default('Facteur <facteur@localhost>'),
  }),
  /**
   * The one IMAP mailbox receiving the delivery reports (DSN) of self-billing e-mails: they are all
   * sent from MAIL_FROM, and each report names its invoice through the Message-ID, so one global box
   * serves every issuer tenant. Absent: no bounce job.
   */
  bounces: z.object({
    imapUrl: z.string().regex(/^imaps?:\/\/[^/\s]+(\/.*)?$/, 'imap://hôte:port ou imaps://hôte:port attendu').optional(),
    user: z.string().min(1).optional(),
    passwordFile: z.string().min(1).optional(),
    mailbox: z.string().min(1).default('INBOX'),
    processedMailbox: z.string().min(1).optional(),
    ignoredMailbox: z.string().min(1).optional(),
    everyMinutes: z.coerce.number().int().min(1).max(59).default(10),
  }),
});

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;

/** Environment variable → config path. The README's configuration table mirrors this list. */
export const envMapping: Array<{ env: string; path: string[]; doc: string }> = [
  { env: 'HOST', path: ['server', 'host'], doc: "Adresse d'écoute HTTP" },
  { env: 'PORT', path: ['server', 'port'], doc: 'Port HTTP (3000)' },
  { env: 'PUBLIC_URL', path: ['server', 'publicUrl'], doc: 'URL publique (liens des e-mails)' },
  { env: 'TRUST_PROXY', path: ['server', 'trustProxy'], doc: 'Derrière un reverse proxy' },
  { env: 'MAX_UPLOAD_BYTES', path: ['server', 'maxUploadBytes'], doc: 'Taille maximale d’un dépôt (25 Mo)' },
  { env: 'DATABASE_URL', path: ['database', 'url'], doc: 'PostgreSQL ; absent = PGlite embarqué' },
  { env: 'DATABASE_POOL_SIZE', path: ['database', 'poolSize'], doc: 'Connexions PostgreSQL par processus' },
  { env: 'DATA_DIR', path: ['dataDir'], doc: 'Dossier des données embarquées (./data)' },
  { env: 'BLOB_STORE', path: ['blobs', 'driver'], doc: 'fs | memory | s3' },
  { env: 'BLOB_DIR', path: ['blobs', 'dir'], doc: 'Dossier du stockage fs (DATA_DIR/blobs)' },
  { env: 'S3_ENDPOINT', path: ['blobs', 's3', 'endpoint'], doc: 'Point d’accès S3' },
  { env: 'S3_BUCKET', path: ['blobs', 's3', 'bucket'], doc: 'Bucket S3' },
  { env: 'S3_REGION', path: ['blobs', 's3', 'region'], doc: 'Région S3' },
  { env: 'S3_ACCESS_KEY_ID', path: ['blobs', 's3', 'accessKeyId'], doc: 'Clé d’accès S3' },
  { env: 'S3_SECRET_ACCESS_KEY', path: ['blobs', 's3', 'secretAccessKey'], doc: 'Secret S3' },
  { env: 'SECRET_KEY', path: ['security', 'secretKey'], doc: 'Clé de chiffrement des secrets (32 octets, base64 ou hex)' },
  { env: 'SESSION_TTL_MINUTES', path: ['security', 'sessionTtlMinutes'], doc: 'Durée d’une session (480)' },
  { env: 'SECURE_COOKIES', path: ['security', 'secureCookies'], doc: 'Cookies Secure (HTTPS)' },
  { env: 'FACTEUR_DEMO', path: ['demo', 'enabled'], doc: 'Locataire et bac à sable de démonstration' },
  { env: 'FACTEUR_DEMO_CHORUS', path: ['demo', 'chorus'], doc: 'En démonstration, factures du bac à sable Chorus Pro' },
  { env: 'FACTEUR_DEMO_CHORUS_URL', path: ['demo', 'chorusUrl'], doc: 'En démonstration, URL d’un bac à sable Chorus Pro déjà lancé (au lieu d’en démarrer un)' },
  { env: 'LOG_LEVEL', path: ['log', 'level'], doc: 'debug | info | warn | error | silent' },
  { env: 'SEAL_P12_FILE', path: ['seal', 'p12File'], doc: 'Cachet électronique (PKCS#12)' },
  { env: 'SEAL_P12_PASSWORD_FILE', path: ['seal', 'p12PasswordFile'], doc: 'Fichier contenant le mot de passe du PKCS#12' },
  { env: 'SEAL_TSA_URLS', path: ['seal', 'tsaUrls'], doc: 'Horodateurs RFC 3161, séparés par des virgules' },
  { env: 'SEAL_LEVEL', path: ['seal', 'level'], doc: 'Niveau PAdES par défaut : B-B, B-T, B-LT, B-LTA' },
  { env: 'SMTP_URL', path: ['mail', 'smtpUrl'], doc: 'smtp://utilisateur:motdepasse@hôte:port' },
  { env: 'SMS_GATEWAY_URL', path: ['sms', 'gatewayUrl'], doc: 'Passerelle SMS HTTP' },
  { env: 'SMS_GATEWAY_TOKEN', path: ['sms', 'gatewayToken'], doc: 'Jeton de la passerelle SMS' },
  { env: 'CHORUS_SYNC_EVERY_MINUTES', path: ['chorus', 'syncEveryMinutes'], doc: 'Période de synchronisation Chorus Pro (5)' },
  { env: 'MAIL_FROM', path: ['mail', 'from'], doc: 'Expéditeur des e-mails' },
  { env: 'BOUNCE_IMAP_URL', path: ['bounces', 'imapUrl'], doc: 'Boîte IMAP des avis de non-remise (imap:// ou imaps://)' },
  { env: 'BOUNCE_IMAP_USER', path: ['bounces', 'user'], doc: 'Utilisateur IMAP des avis de non-remise' },
  { env: 'BOUNCE_IMAP_PASSWORD_FILE', path: ['bounces', 'passwordFile'], doc: 'Fichier contenant le mot de passe IMAP' },
  { env: 'BOUNCE_IMAP_MAILBOX', path: ['bounces', 'mailbox'], doc: 'Dossier lu (INBOX)' },
  { env: 'BOUNCE_IMAP_PROCESSED_MAILBOX', path: ['bounces', 'processedMailbox'], doc: 'Dossier où ranger les avis traités (sinon marqués lus)' },
  { env: 'BOUNCE_IMAP_IGNORED_MAILBOX', path: ['bounces', 'ignoredMailbox'], doc: 'Dossier où ranger les messages qui ne sont pas des avis (sinon laissés en place)' },
  { env: 'BOUNCE_IMAP_EVERY_MINUTES', path: ['bounces', 'everyMinutes'], doc: 'Période de relève de la boîte (10)' },
];

function setPath(target: Record<string, unknown>, p: string[], value: unknown) {
  let cur = target;
  for (const key of p.slice(0, -1)) {
    cur[key] = (cur[key] as Record<string, unknown>) ?? {};
    cur = cur[key] as Record<string, unknown>;
  }
  cur[p[p.length - 1]] = value;
}

function deepMerge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    if (v && typeof v === 'object' && !Array.isArray(v) && out[k] && typeof out[k] === 'object') {
      out[k] = deepMerge(out[k] as Record<string, unknown>, v as Record<string, unknown>);
    } else if (v !== undefined) out[k] = v;
  }
  return out;
}

/** Reads the environment (the only place that does) and validates; overrides win over env. */
export function loadConfig(env: Record<string, string | undefined> = process.env, overrides: Partial<ConfigInput> = {}): Config {
  const raw: Record<string, unknown> = { server: {}, database: {}, blobs: {}, security: {}, demo: {}, log: {}, mail: {}, seal: {}, sms: {}, chorus: {}, bounces: {} };
  for (const m of envMapping) {
    const v = env[m.env];
    if (v !== undefined && v !== '') setPath(raw, m.path, v);
  }
  return parseConfig(deepMerge(raw, overrides as Record<string, unknown>));
}

export function parseConfig(raw: unknown): Config {
  const slices = { server: {}, database: {}, blobs: {}, security: {}, demo: {}, log: {}, mail: {}, seal: {}, sms: {}, chorus: {}, bounces: {} };
  const result = configSchema.safeParse({ ...slices, ...(raw as Record<string, unknown>) });
  if (!result.success) {
    const lines = result.error.issues.map((i) => {
      const p = i.path.join('.');
      const env = envMapping.find((m) => m.path.join('.') === p)?.env;
      return `- ${env ?? p} : ${i.message}`;
    });
    throw new AppError({
      code: 'config.invalid',
      status: 500,
      message: `Configuration invalide :\n${lines.join('\n')}`,
    });
  }
  const cfg = result.data;
  cfg.dataDir = path.resolve(cfg.dataDir);
  const givenUrl = (raw as { server?: { publicUrl?: string } })?.server?.publicUrl;
  if (!givenUrl) cfg.server.publicUrl = `http://localhost:${cfg.server.port}`;
  if (cfg.blobs.driver === 's3' && !cfg.blobs.s3) {
    throw new AppError({ code: 'config.invalid', status: 500, message: 'Configuration invalide :\n- BLOB_STORE=s3 exige S3_ENDPOINT, S3_BUCKET, S3_ACCESS_KEY_ID et S3_SECRET_ACCESS_KEY' });
  }
  if (cfg.bounces.imapUrl && (!cfg.bounces.user || !cfg.bounces.passwordFile)) {
    throw new AppError({ code: 'config.invalid', status: 500, message: 'Configuration invalide :\n- BOUNCE_IMAP_URL exige BOUNCE_IMAP_USER et BOUNCE_IMAP_PASSWORD_FILE' });
  }
  if (cfg.security.secretKey && decodeKey(cfg.security.secretKey) === null) {
    throw new AppError({ code: 'config.invalid', status: 500, message: 'Configuration invalide :\n- SECRET_KEY : 32 octets attendus, encodés en base64 ou en hexadécimal' });
  }
  return cfg;
}

/** Decodes a 32-byte key given as hex (64 chars) or base64. */
export function decodeKey(value: string): Buffer | null {
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, 'hex');
  const b = Buffer.from(value, 'base64');
  return b.length === 32 ? b : null;
}
