import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/config.js';
import { decodeKey } from '../config/config.js';
import { openDatabase, type Db } from '../db/db.js';
import type { DbKind } from '../db/migrator.js';
import { systemClock, type Clock } from '../shared/clock.js';
import { AppError } from '../shared/errors.js';
import { createLogger, type Logger } from '../shared/logger.js';
import type { BlobStore } from '../modules/documents/documents.port.js';
import { createFsBlobStore } from '../modules/documents/drivers/fs.js';
import { createMemoryBlobStore } from '../modules/documents/drivers/memory.js';
import { createLoginLimiter, type LoginLimiter } from '../modules/identity/identity.usecases.js';
import type { DocumentAnalyser } from '../modules/invoices/invoices.intake.js';
import type { TransitionDecider } from '../modules/invoices/invoices.routes.js';
import { analyseDocument } from '../modules/invoices/invoices.analyse.js';
import type { SealLevel, SealProfile } from '../modules/sealing/sealing.models.js';
import type { SignerConfig } from '../modules/sealing/signers/signer-config.js';

export type SealIdentity = { signer: SignerConfig; profile: SealProfile; level: SealLevel; demo: boolean };

export type AppServices = {
  config: Config;
  logger: Logger;
  clock: Clock;
  db: Db;
  dbKind: DbKind;
  /** PostgreSQL only: raw pool for COPY streams. */
  pgPool?: import('pg').Pool;
  blobs: BlobStore;
  secretKey: Buffer;
  loginLimiter: LoginLimiter;
  /** The hub's electronic seal (self-billing, certificates), or null when none is configured. */
  seal?: SealIdentity | null;
  analyseDocument?: DocumentAnalyser;
  decideTransition?: TransitionDecider;
  extraRoutes?: Array<(app: FastifyInstance) => Promise<void> | void>;
  close: () => Promise<void>;
};

function createBlobStore(config: Config): BlobStore {
  switch (config.blobs.driver) {
    case 'memory':
      return createMemoryBlobStore();
    case 'fs':
      return createFsBlobStore({ dir: config.blobs.dir ?? path.join(config.dataDir, 'blobs') });
    case 's3':
      throw new AppError({
        code: 'config.unsupported',
        status: 500,
        message: "BLOB_STORE=s3 : le port de stockage objet est défini mais son pilote n'est pas encore livré. Utilisez BLOB_STORE=fs sur un volume partagé.",
      });
  }
}

/** The secret key from config, or (embedded mode only) one generated once and kept in the data folder. */
function resolveSecretKey(config: Config): Buffer {
  if (config.security.secretKey) return decodeKey(config.security.secretKey)!;
  if (config.database.url) {
    throw new AppError({ code: 'config.invalid', status: 500, message: 'Configuration invalide :\n- SECRET_KEY : obligatoire avec PostgreSQL (32 octets en base64 ou hexadécimal)' });
  }
  const file = path.join(config.dataDir, 'secret.key');
  fs.mkdirSync(config.dataDir, { recursive: true });
  if (!fs.existsSync(file)) fs.writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600 });
  return decodeKey(fs.readFileSync(file, 'utf8').trim())!;
}

/**
 * The seal from SEAL_P12_FILE + SEAL_P12_PASSWORD_FILE. In demo mode without one, a throwaway
 * self-signed test seal is generated so the self-billing flow can be tried; it is not qualified.
 */
async function resolveSeal(config: Config, logger: Logger): Promise<SealIdentity | null> {
  const tsaUrls = (config.seal.tsaUrls ?? '').split(',').map((u) => u.trim()).filter(Boolean);
  const profile: SealProfile = { name: 'cachet', defaultLevel: config.seal.level, tsaUrls, reason: 'Cachet électronique Facteur' };
  if (config.seal.p12File) {
    if (!config.seal.p12PasswordFile) throw new AppError({ code: 'config.invalid', status: 500, message: 'Configuration invalide :\n- SEAL_P12_PASSWORD_FILE : obligatoire avec SEAL_P12_FILE' });
    const password = fs.readFileSync(config.seal.p12PasswordFile, 'utf8').trim();
    return { signer: { type: 'p12', p12: new Uint8Array(fs.readFileSync(config.seal.p12File)), password }, profile, level: config.seal.level, demo: false };
  }
  if (!config.demo.enabled) return null;
  const { testSeal } = await import('../modules/selfbilling/selfbilling.test-support.js');
  logger.warn({}, 'cachet de démonstration (certificat de test, non qualifié) : configurez SEAL_P12_FILE en production');
  const t = testSeal();
  return { ...t, profile: { ...t.profile, tsaUrls }, level: 'B-B', demo: true };
}

/** The composition root: builds every service once. */
export async function composeApp(config: Config, opts: { clock?: Clock; logger?: Logger } = {}): Promise<AppServices> {
  const logger = opts.logger ?? createLogger({ level: config.log.level });
  const clock = opts.clock ?? systemClock;
  const blobs = createBlobStore(config);
  const secretKey = resolveSecretKey(config);
  const seal = await resolveSeal(config, logger);
  const handle = await openDatabase({ url: config.database.url, dataDir: config.dataDir, poolSize: config.database.poolSize, logger: logger.child('db') });
  return {
    config,
    logger,
    clock,
    db: handle.db,
    dbKind: handle.kind,
    pgPool: handle.pgPool,
    blobs,
    secretKey,
    seal,
    loginLimiter: createLoginLimiter({ max: config.security.loginMaxAttempts, windowMs: config.security.loginWindowSeconds * 1000, clock }),
    analyseDocument,
    close: handle.close,
  };
}
