import { sql } from 'kysely';
import type { MigrationContext } from '../migrator.js';
import { enableTenantRls } from '../rls.js';

export async function up({ db }: MigrationContext): Promise<void> {
  await sql`
create table tenants (
  id text primary key,
  slug text not null unique,
  name text not null,
  kind text not null default 'collectivite' check (kind in ('collectivite', 'company')),
  settings jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now()
);

create table services (
  id text primary key,
  tenant_id text not null references tenants(id),
  code text not null,
  name text not null,
  is_default boolean not null default false,
  created_at timestamptz not null default now(),
  unique (tenant_id, code)
);

create table users (
  id text primary key,
  tenant_id text references tenants(id),
  email text not null unique,
  display_name text not null,
  role text not null check (role in ('platform_operator', 'tenant_admin', 'finance_agent', 'service_agent', 'viewer')),
  password_hash text,
  must_change_password boolean not null default false,
  active boolean not null default true,
  phone text,
  created_at timestamptz not null default now(),
  check ((role = 'platform_operator') = (tenant_id is null))
);

create table user_services (
  user_id text not null references users(id),
  service_id text not null references services(id),
  tenant_id text not null references tenants(id),
  primary key (user_id, service_id)
);

create table sessions (
  id text primary key,
  token_hash text not null unique,
  user_id text not null references users(id),
  csrf_token text not null,
  expires_at timestamptz not null,
  created_at timestamptz not null default now()
);
create index sessions_user on sessions (user_id);

create table api_keys (
  id text primary key,
  tenant_id text not null references tenants(id),
  name text not null,
  prefix text not null unique,
  key_hash text not null,
  scopes jsonb not null,
  created_by text references users(id),
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);

create table invoices (
  id text primary key,
  tenant_id text not null references tenants(id),
  service_id text references services(id),
  source text not null check (source in ('chorus', 'paper', 'email', 'upload', 'api')),
  external_id text,
  number text not null,
  type text not null default 'invoice' check (type in ('invoice', 'credit_note')),
  supplier_name text not null,
  supplier_siret text,
  supplier_siren text,
  supplier_vat_id text,
  buyer_name text,
  buyer_siret text,
  issue_date date,
  due_date date,
  received_at timestamptz not null,
  currency text not null default 'EUR',
  total_ht numeric(18, 2),
  total_tva numeric(18, 2),
  total_ttc numeric(18, 2),
  engagement_number text,
  status text not null,
  status_changed_at timestamptz not null,
  version integer not null default 1,
  dgp_days integer not null default 30,
  dgp_started_at timestamptz,
  dgp_suspended_at timestamptz,
  dgp_due_on date,
  import_error text,
  model jsonb,
  validation jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index invoices_external on invoices (tenant_id, source, external_id) where external_id is not null;
create index invoices_tenant_received on invoices (tenant_id, received_at desc, id desc);
create index invoices_tenant_service_received on invoices (tenant_id, service_id, received_at desc, id desc);
create index invoices_tenant_status on invoices (tenant_id, status, received_at desc);

create table documents (
  id text primary key,
  tenant_id text not null references tenants(id),
  invoice_id text references invoices(id),
  role text not null check (role in ('original', 'pdf', 'attachment', 'certificate', 'other')),
  filename text not null,
  mime text not null,
  size bigint not null,
  sha256 text not null,
  created_at timestamptz not null default now()
);
create index documents_invoice on documents (tenant_id, invoice_id);

create table journal_heads (
  tenant_id text primary key,
  seq bigint not null,
  hash text not null
);

create table journal (
  id text primary key,
  tenant_id text not null,
  seq bigint not null,
  at timestamptz not null,
  type text not null,
  invoice_id text,
  actor jsonb not null,
  data jsonb not null,
  prev_hash text not null,
  hash text not null,
  unique (tenant_id, seq)
);
create index journal_invoice on journal (tenant_id, invoice_id, seq);

create table outbox (
  id text primary key,
  tenant_id text,
  kind text not null,
  idempotency_key text not null unique,
  invoice_id text,
  payload jsonb not null,
  status text not null default 'pending' check (status in ('pending', 'processing', 'done', 'failed', 'dead')),
  attempts integer not null default 0,
  max_attempts integer not null default 8,
  next_attempt_at timestamptz not null default now(),
  locked_until timestamptz,
  last_error text,
  external_id text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index outbox_due on outbox (status, next_attempt_at);
create index outbox_invoice on outbox (tenant_id, invoice_id);
`.execute(db);

  // Second wall behind the repositories' tenant filters (see src/db/rls.ts).
  await enableTenantRls(db, ['services', 'user_services', 'api_keys', 'invoices', 'documents', 'journal', 'journal_heads']);
}
