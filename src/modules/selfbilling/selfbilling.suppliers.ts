import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { sql } from 'kysely';
import { withTenant, type Db } from '../../db/db.js';
import { readCsvObjects } from '../../shared/csv.js';
import { newId } from '../../shared/ids.js';
import { actorOf, type Principal } from '../identity/identity.models.js';
import { appendJournal } from '../journal/journal.repository.js';
import { isValidIban, isValidSiren, isValidSiret } from './selfbilling.models.js';
import './selfbilling.events.js';

export type SupplierRow = {
  externalId: string;
  name: string;
  siren: string;
  siret: string | null;
  vatStatus: 'liable' | 'franchise';
  vatId: string | null;
  category: string;
  address: { line1: string; postCode: string; city: string; countryCode: string };
  email: string | null;
  iban: string | null;
};

export type Rejected = { line: number; externalId: string | null; reasons: string[] };

/** Checks one CSV row; returns the supplier or the list of reasons it is rejected. */
export function validateSupplierRow(r: Record<string, string>): { ok: true; supplier: SupplierRow } | { ok: false; reasons: string[] } {
  const reasons: string[] = [];
  const externalId = r.external_id || r.id || '';
  if (!externalId) reasons.push('identifiant externe manquant');
  if (!r.name && !r.nom) reasons.push('nom manquant');
  const siret = (r.siret ?? '').replace(/\s/g, '') || null;
  let siren = (r.siren ?? '').replace(/\s/g, '');
  if (!siren && siret) siren = siret.slice(0, 9);
  if (!isValidSiren(siren)) reasons.push(`SIREN « ${siren} » invalide (clé de contrôle)`);
  if (siret && (!isValidSiret(siret) || !siret.startsWith(siren))) reasons.push(`SIRET « ${siret} » invalide`);
  const vat = (r.vat_status || r.tva || 'liable').toLowerCase();
  const vatStatus = vat === 'franchise' || vat === '293b' ? 'franchise' : vat === 'liable' || vat === 'assujetti' ? 'liable' : null;
  if (!vatStatus) reasons.push(`régime de TVA « ${vat} » inconnu (liable ou franchise)`);
  const email = r.email || null;
  if (email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) reasons.push(`e-mail « ${email} » invalide`);
  const iban = r.iban ? r.iban.replace(/\s+/g, '').toUpperCase() : null;
  if (iban && !isValidIban(iban)) reasons.push('IBAN invalide (clé de contrôle)');
  if (reasons.length) return { ok: false, reasons };
  return {
    ok: true,
    supplier: {
      externalId,
      name: r.name || r.nom,
      siren,
      siret,
      vatStatus: vatStatus!,
      vatId: r.vat_id || null,
      category: r.category || 'standard',
      address: { line1: r.address || r.adresse || '', postCode: r.postcode || r.code_postal || '', city: r.city || r.ville || '', countryCode: r.country || 'FR' },
      email,
      iban,
    },
  };
}

/**
 * Imports or updates suppliers from CSV, idempotent on the external id. Bad rows are reported with
 * their reasons and never stop the import; good rows are written in batches.
 */
export async function importSuppliers(db: Db, { tenantId, input, principal, batchSize = 1000 }: { tenantId: string; input: Readable; principal: Principal; batchSize?: number }) {
  const rejected: Rejected[] = [];
  let inserted = 0;
  let updated = 0;
  const hash = createHash('sha256');
  let batch: SupplierRow[] = [];
  const seen = new Set<string>();
  const flush = async () => {
    if (!batch.length) return;
    const rows = batch;
    batch = [];
    await withTenant(db, tenantId, async (tx) => {
      const res = await sql<{ inserted: boolean }>`
        insert into sb_suppliers (id, tenant_id, external_id, name, siren, siret, vat_status, vat_id, category, address, email, iban)
        select * from unnest(${sql.val(rows.map(() => newId('supplier')))}::text[], ${sql.val(rows.map(() => tenantId))}::text[],
          ${sql.val(rows.map((r) => r.externalId))}::text[], ${sql.val(rows.map((r) => r.name))}::text[], ${sql.val(rows.map((r) => r.siren))}::text[],
          ${sql.val(rows.map((r) => r.siret))}::text[], ${sql.val(rows.map((r) => r.vatStatus))}::text[], ${sql.val(rows.map((r) => r.vatId))}::text[],
          ${sql.val(rows.map((r) => r.category))}::text[], ${sql.val(rows.map((r) => JSON.stringify(r.address)))}::jsonb[],
          ${sql.val(rows.map((r) => r.email))}::text[], ${sql.val(rows.map((r) => r.iban))}::text[])
        on conflict (tenant_id, external_id) do update set
          name = excluded.name, siren = excluded.siren, siret = excluded.siret, vat_status = excluded.vat_status, vat_id = excluded.vat_id,
          category = excluded.category, address = excluded.address, email = excluded.email, iban = excluded.iban, updated_at = now(),
          bounced_at = case when sb_suppliers.email is distinct from excluded.email then null else sb_suppliers.bounced_at end
        returning (xmax = 0) as inserted`.execute(tx);
      for (const r of res.rows) r.inserted ? inserted++ : updated++;
    });
  };
  async function* hashed() {
    for await (const chunk of input) {
      hash.update(chunk as Buffer);
      yield chunk as Buffer;
    }
  }
  try {
    for await (const { line, row } of readCsvObjects(hashed())) {
      const v = validateSupplierRow(row);
      if (!v.ok) {
        rejected.push({ line, externalId: row.external_id || row.id || null, reasons: v.reasons });
        continue;
      }
      if (seen.has(v.supplier.externalId)) {
        rejected.push({ line, externalId: v.supplier.externalId, reasons: ['identifiant externe en double dans le fichier'] });
        continue;
      }
      seen.add(v.supplier.externalId);
      batch.push(v.supplier);
      if (batch.length >= batchSize) await flush();
    }
  } catch (e) {
    // A malformed tail (unclosed quote) is reported; every complete row before it is kept.
    rejected.push({ line: -1, externalId: null, reasons: [(e as Error).message] });
  }
  await flush();
  const sourceSha256 = hash.digest('hex');
  await withTenant(db, tenantId, (tx) =>
    appendJournal(tx, { tenantId, type: 'selfbilling.suppliers_imported', actor: actorOf(principal), data: { inserted, updated, rejected: rejected.length, sourceSha256 } }),
  );
  return { inserted, updated, rejected };
}
