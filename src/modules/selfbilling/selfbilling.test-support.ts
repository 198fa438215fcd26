import { Readable } from 'node:stream';
import { sql } from 'kysely';
import type { Db } from '../../db/db.js';
import { createTestPki } from '../sealing/testing/test-pki.js';
import type { SignerConfig } from '../sealing/signers/signer-config.js';
import type { SealProfile } from '../sealing/sealing.models.js';
import { createTenant } from '../tenants/tenants.usecases.js';
import { importActivity } from './selfbilling.activity.js';
import { addRateCard, createMandate } from './selfbilling.mandates.js';
import { importSuppliers } from './selfbilling.suppliers.js';
import type { SelfBillingSettings } from './selfbilling.settings.js';

const system = { kind: 'system' as const, component: 'test' };

function luhnDigit(body: string): string {
  for (let d = 0; d < 10; d++) {
    const s = body + d;
    let sum = 0;
    for (let i = 0; i < s.length; i++) {
      let v = s.charCodeAt(s.length - 1 - i) - 48;
      if (i % 2 === 1) v = v * 2 > 9 ? v * 2 - 9 : v * 2;
      sum += v;
    }
    if (sum % 10 === 0) return String(d);
  }
  throw new Error('unreachable');
}

/** A valid SIREN/SIRET pair derived from a number (test data only). */
export function sirenFor(n: number) {
  const body = String(30_000_000 + n).slice(-8);
  const siren = body + luhnDigit(body);
  const nic = siren + '0001';
  return { siren, siret: nic + luhnDigit(nic) };
}

export const issuerSettings: SelfBillingSettings = {
  issuer: { legalName: 'Relais Colis Express SAS', siren: '552100554', vatId: 'FR40552100554', address: { line1: '1 avenue des Colis', postCode: '75012', city: 'Paris', countryCode: 'FR' } },
};

/** A test seal identity (software key) as the render pool needs it. */
export function testSeal(): { signer: SignerConfig; profile: SealProfile } {
  const pki = createTestPki({ kind: 'ec' });
  return {
    signer: { type: 'pem', privateKeyPem: pki.seal.key.export({ type: 'pkcs8', format: 'pem' }).toString(), certificate: pki.seal.cert, chain: [pki.intermediate.cert] },
    profile: { name: 'autofacturation', defaultLevel: 'B-B', tsaUrls: [], reason: 'Autofacturation' },
  };
}

/** A company with `n` suppliers (every 4th in VAT franchise, every 3rd on paper), mandates, rate cards and activity. */
export async function seedSelfBilling(db: Db, { n, period = '2026-10', slug = `co-${Math.random().toString(36).slice(2, 8)}`, emails = true }: { n: number; period?: string; slug?: string; emails?: boolean }) {
  const { tenantId } = await createTenant(db, { slug, name: 'Relais Colis Express', kind: 'company', settings: { selfBilling: issuerSettings } }, system);
  const rows = ['external_id;name;siren;siret;vat_status;email;iban;address;postcode;city'];
  for (let i = 1; i <= n; i++) {
    const { siren, siret } = sirenFor(i);
    rows.push(`R${i};Relais ${i};${siren};${siret};${i % 4 === 0 ? 'franchise' : 'liable'};${emails ? `relais${i}@example.test` : ''};FR7630006000011234567890189;${i} rue du Commerce;69001;Lyon`);
  }
  const imported = await importSuppliers(db, { tenantId, input: Readable.from([rows.join('\n')]), principal: system });
  for (let i = 1; i <= n; i++) {
    await createMandate(db, tenantId, { supplierExternalId: `R${i}`, reference: `MDT-R${i}`, startDate: '2026-01-01', endDate: '2027-12-31', channel: i % 3 === 0 ? 'paper' : 'email', status: 'active', contestationDays: 15 }, system);
  }
  await addRateCard(db, tenantId, { eventType: 'colis_remis', label: 'Colis remis au destinataire', unitPrice: '0.35', validFrom: '2026-01-01' });
  await addRateCard(db, tenantId, { eventType: 'colis_retour', label: 'Colis retourné', unitPrice: '0.20', validFrom: '2026-01-01' });
  const events: string[] = ['date;supplier;type;quantity;amount'];
  for (let i = 1; i <= n; i++) {
    for (let d = 1; d <= 3; d++) events.push(`2026-10-0${d};R${i};colis_remis;${10 + ((i * d) % 7)};`);
    events.push(`2026-10-15;R${i};colis_retour;${i % 5};`);
  }
  await importActivity({ db, tenantId, period, input: Readable.from([Buffer.from(events.join('\n'))]), principal: system });
  return { tenantId, imported };
}

export async function numbersOf(db: Db, tenantId: string) {
  const r = await sql<{ number: string }>`select number from sb_invoices where tenant_id = ${tenantId} order by number`.execute(db);
  return r.rows.map((x) => x.number);
}
