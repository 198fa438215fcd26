import { randomInt } from 'node:crypto';
import PDFDocument from 'pdfkit';
import { withTenant, type Db } from '../../db/db.js';
import type { Clock } from '../../shared/clock.js';
import { AppError } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import { formatEuros } from '../../shared/money.js';
import type { Principal } from '../identity/identity.models.js';
import { safeEqual, sha256, verifyPassword } from '../identity/identity.passwords.js';
import { enqueueEffect } from '../outbox/outbox.repository.js';
import { workflowErrors } from './workflow.errors.js';
import { wdb } from './workflow.tables.js';

const CODE_TTL_MS = 10 * 60_000;
const CODE_MAX_ATTEMPTS = 5;
const CODES_PER_HOUR = 5;

export type Reauth = { password?: string; code?: string };

/**
 * Sends a one-time code for a signature step: by SMS when the user has a phone number, else by
 * e-mail, always through the outbox. The code is stored hashed and expires after 10 minutes.
 */
export async function requestReauthCode({ db, clock }: { db: Db; clock: Clock }, tenantId: string, p: Principal) {
  if (p.kind !== 'user') throw workflowErrors.forbidden('utilisateur connecté');
  const now = clock.now();
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const id = newId('session');
  const expiresAt = new Date(now.getTime() + CODE_TTL_MS);
  return withTenant(db, tenantId, async (tx) => {
    // Each code allows 5 tries; capping requests keeps guessing a 6-digit code out of reach.
    const recent = await wdb(tx)
      .selectFrom('workflow_reauth_codes')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', p.userId)
      .where('created_at', '>', new Date(now.getTime() - 3_600_000))
      .executeTakeFirstOrThrow();
    if (Number(recent.n) >= CODES_PER_HOUR) throw new AppError({ code: 'workflow.reauth_rate_limited', status: 429, message: 'Trop de codes demandés : réessayez dans une heure ou utilisez votre mot de passe.' });
    const user = await tx.selectFrom('users').select(['email', 'phone']).where('id', '=', p.userId).executeTakeFirstOrThrow();
    await wdb(tx).insertInto('workflow_reauth_codes').values({ id, tenant_id: tenantId, user_id: p.userId, code_hash: sha256(`${id}:${code}`), expires_at: expiresAt, created_at: now }).execute();
    const text = `Facteur : votre code de signature est ${code} (valable 10 minutes). Ne le communiquez à personne.`;
    if (user.phone) {
      await enqueueEffect(tx, { tenantId, kind: 'sms.send', idempotencyKey: `reauth:${id}`, payload: { to: user.phone, text } });
    } else {
      await enqueueEffect(tx, { tenantId, kind: 'mail.send', idempotencyKey: `reauth:${id}`, payload: { to: user.email, subject: '[Facteur] Code de signature', text: `Bonjour,\n\n${text}\n\n— Facteur` } });
    }
    return { channel: user.phone ? ('sms' as const) : ('email' as const), expiresAt: expiresAt.toISOString() };
  });
}

/**
 * Re-authentication before a signature: the account password, or a one-time code still valid.
 * A code is spent on success and counts failed attempts (5 at most), in its own transaction so
 * that a later refusal of the approval does not give attempts back.
 */
export async function verifyReauth({ db, clock }: { db: Db; clock: Clock }, tenantId: string, p: Principal, reauth: Reauth | undefined): Promise<'password' | 'otp'> {
  if (p.kind !== 'user') throw workflowErrors.forbidden('utilisateur connecté');
  if (!reauth || (!reauth.password && !reauth.code)) throw workflowErrors.reauthRequired();
  if (reauth.password) {
    const u = await db.selectFrom('users').select('password_hash').where('id', '=', p.userId).executeTakeFirst();
    if (!(await verifyPassword(u?.password_hash ?? null, reauth.password))) throw workflowErrors.reauthFailed();
    return 'password';
  }
  const code = String(reauth.code).trim();
  const now = clock.now();
  const ok = await withTenant(db, tenantId, async (tx) => {
    const w = wdb(tx);
    const rows = await w
      .selectFrom('workflow_reauth_codes')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', p.userId)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .where('attempts', '<', CODE_MAX_ATTEMPTS)
      .orderBy('created_at', 'desc')
      .limit(3)
      .forUpdate()
      .execute();
    const hit = rows.find((r) => safeEqual(r.code_hash, sha256(`${r.id}:${code}`)));
    if (hit) {
      await w.updateTable('workflow_reauth_codes').set({ used_at: now }).where('id', '=', hit.id).execute();
      return true;
    }
    if (rows.length) await w.updateTable('workflow_reauth_codes').set((eb) => ({ attempts: eb('attempts', '+', 1) })).where('id', 'in', rows.map((r) => r.id)).execute();
    return false;
  });
  if (!ok) throw workflowErrors.reauthFailed();
  return 'otp';
}

export type CertificateData = {
  tenantName: string;
  invoice: { number: string; supplierName: string; supplierSiret: string | null; totalTtc: string | null; engagementNumber: string | null };
  acceptedAmount: string | null;
  circuitName: string;
  approvals: Array<{ label: string; kind: string; by: string; at: Date; delegatedFrom: string | null }>;
  signer: { name: string; email: string };
  reauth: string;
  at: Date;
};

const paris = (d: Date) => new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'long', timeStyle: 'short' }).format(d);

/** The "certificat de service fait" PDF produced by a signature step. */
export function buildServiceDoneCertificate(d: CertificateData): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'A4', margin: 56, info: { Title: `Certificat de service fait — facture ${d.invoice.number}`, Producer: 'Facteur', CreationDate: d.at } });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    doc.on('error', reject);
    doc.fontSize(11).text(d.tenantName);
    doc.moveDown(2).fontSize(18).text('Certificat de service fait', { align: 'center' });
    doc.moveDown(2).fontSize(11);
    doc.text(`Facture n° ${d.invoice.number}`);
    doc.text(`Fournisseur : ${d.invoice.supplierName}${d.invoice.supplierSiret ? ` (SIRET ${d.invoice.supplierSiret})` : ''}`);
    if (d.invoice.engagementNumber) doc.text(`Engagement : ${d.invoice.engagementNumber}`);
    doc.text(`Montant TTC : ${d.invoice.totalTtc ? formatEuros(d.invoice.totalTtc) : 'non renseigné'}`);
    if (d.acceptedAmount) doc.text(`Montant accepté : ${formatEuros(d.acceptedAmount)}`);
    doc.moveDown().text(`Circuit : ${d.circuitName}`);
    for (const a of d.approvals) {
      doc.text(`• ${a.label} (${a.kind === 'signature' ? 'signature' : 'visa'}) — ${a.by}${a.delegatedFrom ? ` par délégation de ${a.delegatedFrom}` : ''}, le ${paris(a.at)}`);
    }
    doc.moveDown(2).text(`Je soussigné(e) ${d.signer.name} (${d.signer.email}) certifie que le service correspondant à la facture ci-dessus a été fait.`);
    doc.moveDown().text(`Signé le ${paris(d.at)} après confirmation d'identité (${d.reauth === 'otp' ? 'code à usage unique' : 'mot de passe'}).`);
    doc.moveDown(2).fontSize(9).fillColor('#555').text("Ce certificat n'est pas encore scellé : son empreinte SHA-256 est consignée au journal de preuve de la facture.");
    doc.end();
  });
}
