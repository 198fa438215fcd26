import { sql } from 'kysely';
import type { MigrationContext } from '../migrator.js';
import { enableTenantRls } from '../rls.js';

export async function up({ db }: MigrationContext): Promise<void> {
  await sql`
create table sb_suppliers (
  id text primary key,
  tenant_id text not null references tenants(id),
  external_id text not null,
  name text not null,
  siren text not null,
  siret text,
  vat_status text not null check (vat_status in ('liable', 'franchise')),
  vat_id text,
  category text not null default 'standard',
  address jsonb not null default '{}'::jsonb,
  email text,
  iban text,
  bounced_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (tenant_id, external_id)
);

create table sb_mandates (
  id text primary key,
  tenant_id text not null references tenants(id),
  supplier_id text not null references sb_suppliers(id),
  reference text not null,
  start_date date not null,
  end_date date,
  operations text not null default 'Prestations de point relais',
  contestation_days integer not null default 30 check (contestation_days between 1 and 365),
  channel text not null check (channel in ('email', 'paper')),
  email_consent_at timestamptz,
  series_prefix text not null,
  status text not null check (status in ('draft', 'signed', 'active', 'expired', 'revoked')),
  allow_credit_notes boolean not null default true,
  document_sha256 text,
  expiry_alerted_at timestamptz,
  created_at timestamptz not null default now(),
  unique (tenant_id, reference)
);
create index sb_mandates_supplier on sb_mandates (tenant_id, supplier_id);

create table sb_series (
  tenant_id text not null,
  prefix text not null,
  next_number bigint not null default 1,
  primary key (tenant_id, prefix)
);

create table sb_rate_cards (
  id text primary key,
  tenant_id text not null references tenants(id),
  event_type text not null,
  supplier_category text not null default 'standard',
  label text not null,
  unit_price numeric(18, 6) not null,
  vat_rate numeric(5, 2) not null default 20,
  valid_from date not null,
  valid_to date
);
create index sb_rate_cards_lookup on sb_rate_cards (tenant_id, event_type, supplier_category);

create table sb_activity (
  tenant_id text not null,
  period text not null,
  supplier_ref text not null,
  event_date date not null,
  event_type text not null,
  quantity numeric(18, 3) not null default 1,
  amount numeric(18, 2),
  import_id text not null
);
create index sb_activity_period on sb_activity (tenant_id, period, supplier_ref);

create table sb_activity_imports (
  id text primary key,
  tenant_id text not null,
  period text not null,
  source_sha256 text not null,
  rows bigint not null default 0,
  rejected bigint not null default 0,
  status text not null default 'running',
  created_at timestamptz not null default now(),
  unique (tenant_id, period, source_sha256)
);

create table sb_runs (
  id text primary key,
  tenant_id text not null references tenants(id),
  period text not null,
  status text not null check (status in ('running', 'done', 'failed')),
  started_at timestamptz not null default now(),
  finished_at timestamptz,
  report jsonb
);
create unique index sb_runs_period on sb_runs (tenant_id, period);

create table sb_invoices (
  id text primary key,
  tenant_id text not null references tenants(id),
  run_id text references sb_runs(id),
  supplier_id text not null references sb_suppliers(id),
  mandate_id text not null references sb_mandates(id),
  number text not null,
  type_code text not null,
  period text not null,
  issue_date date not null,
  total_ht numeric(18, 2) not null,
  total_tva numeric(18, 2) not null,
  total_ttc numeric(18, 2) not null,
  status text not null check (status in ('numbered', 'sealed', 'delivered', 'accepted', 'contested', 'credited')),
  channel text not null,
  pdf_sha256 text,
  credit_note_of text references sb_invoices(id),
  delivered_at timestamptz,
  contest_until date,
  model jsonb not null,
  created_at timestamptz not null default now(),
  unique (tenant_id, number)
);
create unique index sb_invoices_run_supplier on sb_invoices (run_id, supplier_id) where run_id is not null;
create index sb_invoices_supplier on sb_invoices (tenant_id, supplier_id, issue_date desc);
create index sb_invoices_status on sb_invoices (tenant_id, status);

create table sb_contestations (
  id text primary key,
  tenant_id text not null references tenants(id),
  invoice_id text not null references sb_invoices(id),
  reason text not null,
  status text not null check (status in ('open', 'accepted', 'refused')),
  answer text,
  credit_note_id text references sb_invoices(id),
  created_at timestamptz not null default now(),
  resolved_at timestamptz
);
`.execute(db);
  await enableTenantRls(db, ['sb_suppliers', 'sb_mandates', 'sb_series', 'sb_rate_cards', 'sb_activity', 'sb_activity_imports', 'sb_runs', 'sb_invoices', 'sb_contestations']);
}
