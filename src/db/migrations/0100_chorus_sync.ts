import { sql } from 'kysely';
import type { MigrationContext } from '../migrator.js';
import { enableTenantRls } from '../rls.js';

/** Chorus connector tables (range 0100–0199 belongs to the chorus module). */
export async function up({ db }: MigrationContext): Promise<void> {
  await sql`
create table chorus_connectors (
  tenant_id text primary key references tenants(id),
  settings jsonb not null,
  enabled boolean not null default true,
  cursor_status_at timestamptz,
  last_sync_at timestamptz,
  last_sync_counts jsonb,
  last_error text,
  updated_at timestamptz not null default now()
);

create table chorus_invoices (
  tenant_id text not null references tenants(id),
  id_facture bigint not null,
  invoice_id text not null references invoices(id),
  id_structure bigint,
  chorus_status text not null,
  status_at timestamptz not null,
  last_histo_id bigint not null default 0,
  push_error text,
  push_error_at timestamptz,
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id_facture)
);
create index chorus_invoices_invoice on chorus_invoices (tenant_id, invoice_id);
`.execute(db);
  await enableTenantRls(db, ['chorus_connectors', 'chorus_invoices']);
}
