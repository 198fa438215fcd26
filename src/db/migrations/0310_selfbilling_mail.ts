import { sql } from 'kysely';
import type { MigrationContext } from '../migrator.js';
import { enableTenantRls } from '../rls.js';

/**
 * Self-billing mail follow-up: the delivery reports (DSN) already recorded, keyed on the report's own
 * Message-ID so that reading the same report twice changes nothing, and the mandate expiry alerts
 * already sent, one per mandate and threshold.
 */
export async function up({ db }: MigrationContext): Promise<void> {
  await sql`
create table sb_bounces (
  tenant_id text not null references tenants(id),
  dsn_message_id text not null,
  invoice_id text not null references sb_invoices(id),
  recipient text,
  status text not null,
  reason text not null,
  changed boolean not null,
  recorded_at timestamptz not null default now(),
  primary key (tenant_id, dsn_message_id)
);
create index sb_bounces_invoice on sb_bounces (tenant_id, invoice_id);

create table sb_mandate_alerts (
  tenant_id text not null references tenants(id),
  mandate_id text not null references sb_mandates(id),
  threshold_days integer not null,
  end_date date not null,
  recipients integer not null,
  sent_at timestamptz not null default now(),
  primary key (tenant_id, mandate_id, threshold_days)
);
`.execute(db);
  await enableTenantRls(db, ['sb_bounces', 'sb_mandate_alerts']);
}
