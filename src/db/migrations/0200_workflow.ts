import { sql } from 'kysely';
import type { MigrationContext } from '../migrator.js';
import { enableTenantRls } from '../rls.js';

/** Workflow and notification tables (range 0200–0299 belongs to workflow/notifications). */
export async function up({ db }: MigrationContext): Promise<void> {
  await sql`
create table workflow_circuits (
  id text primary key,
  tenant_id text not null references tenants(id),
  name text not null,
  priority integer not null default 100,
  conditions jsonb not null default '{}'::jsonb,
  steps jsonb not null,
  active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index workflow_circuits_tenant on workflow_circuits (tenant_id, active, priority);

create table workflow_instances (
  id text primary key,
  tenant_id text not null references tenants(id),
  invoice_id text not null references invoices(id),
  circuit_id text not null references workflow_circuits(id),
  steps jsonb not null,
  current_step integer not null default 0,
  status text not null check (status in ('active', 'done', 'refused', 'cancelled')),
  proposal jsonb,
  version integer not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index workflow_instances_one_active on workflow_instances (tenant_id, invoice_id) where status in ('active', 'refused');
create index workflow_instances_invoice on workflow_instances (tenant_id, invoice_id);

create table workflow_tasks (
  id text primary key,
  tenant_id text not null references tenants(id),
  instance_id text not null references workflow_instances(id),
  invoice_id text not null references invoices(id),
  step_index integer not null,
  kind text not null check (kind in ('visa', 'signature')),
  assignee jsonb not null,
  status text not null check (status in ('pending', 'approved', 'refused', 'sent_back', 'cancelled')),
  acted_by text,
  acted_at timestamptz,
  comment text,
  created_at timestamptz not null default now()
);
create index workflow_tasks_pending on workflow_tasks (tenant_id, status, invoice_id);
create unique index workflow_tasks_one_pending on workflow_tasks (instance_id) where status = 'pending';

create table workflow_delegations (
  id text primary key,
  tenant_id text not null references tenants(id),
  from_user_id text not null references users(id),
  to_user_id text not null references users(id),
  starts_on date not null,
  ends_on date not null,
  created_at timestamptz not null default now(),
  check (ends_on >= starts_on),
  check (from_user_id <> to_user_id)
);
create index workflow_delegations_to on workflow_delegations (tenant_id, to_user_id);

create table workflow_attestations (
  id text primary key,
  tenant_id text not null references tenants(id),
  invoice_id text not null references invoices(id),
  attested_by text not null,
  attested_at timestamptz not null,
  partial boolean not null default false,
  accepted_amount numeric(18, 2),
  comment text
);
create index workflow_attestations_invoice on workflow_attestations (tenant_id, invoice_id);

create table workflow_dgp (
  tenant_id text not null references tenants(id),
  invoice_id text not null references invoices(id),
  dgp_days integer not null,
  comptable_days integer not null,
  period_started_at timestamptz,
  period_days integer not null,
  due_on date,
  interrupted_at timestamptz,
  balance_days integer,
  completed_at timestamptz,
  mandated_on date,
  paid_on date,
  updated_at timestamptz not null default now(),
  primary key (tenant_id, invoice_id)
);

create table workflow_reauth_codes (
  id text primary key,
  tenant_id text not null references tenants(id),
  user_id text not null references users(id),
  code_hash text not null,
  expires_at timestamptz not null,
  attempts integer not null default 0,
  used_at timestamptz,
  created_at timestamptz not null default now()
);
create index workflow_reauth_user on workflow_reauth_codes (tenant_id, user_id, created_at desc);

create table workflow_supplier_contacts (
  tenant_id text not null references tenants(id),
  supplier_key text not null,
  email text not null,
  updated_at timestamptz not null default now(),
  primary key (tenant_id, supplier_key)
);

create table notifications (
  id text primary key,
  tenant_id text not null references tenants(id),
  user_id text not null references users(id),
  event_type text not null,
  invoice_id text,
  service_id text,
  title text not null,
  body text not null,
  link text,
  dedupe_key text not null,
  digest_pending boolean not null default false,
  digested_at timestamptz,
  read_at timestamptz,
  created_at timestamptz not null,
  unique (user_id, dedupe_key)
);
create index notifications_inbox on notifications (tenant_id, user_id, created_at desc);
create index notifications_unread on notifications (tenant_id, user_id) where read_at is null;
create index notifications_digest on notifications (tenant_id, user_id) where digest_pending;

create table notification_subscriptions (
  id text primary key,
  tenant_id text not null references tenants(id),
  user_id text not null references users(id),
  event_type text not null,
  service_id text,
  channel text not null check (channel in ('email', 'sms')),
  mode text not null check (mode in ('immediate', 'digest', 'off'))
);
create unique index notification_subscriptions_key on notification_subscriptions (user_id, event_type, channel, coalesce(service_id, ''));

create table notification_feed_cursors (
  tenant_id text primary key references tenants(id),
  last_seq bigint not null default 0
);
`.execute(db);
  await enableTenantRls(db, [
    'workflow_circuits',
    'workflow_instances',
    'workflow_tasks',
    'workflow_delegations',
    'workflow_attestations',
    'workflow_dgp',
    'workflow_reauth_codes',
    'workflow_supplier_contacts',
    'notifications',
    'notification_subscriptions',
    'notification_feed_cursors',
  ]);
}
