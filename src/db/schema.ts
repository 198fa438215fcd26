import type { ColumnType, Generated } from 'kysely';

/** Row types of the foundation tables. Modules with their own tables declare them beside their repository. */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type GeneratedTs = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T = unknown> = ColumnType<T, string | T, string | T>;

export type TenantsTable = {
  id: string;
  slug: string;
  name: string;
  kind: 'collectivite' | 'company';
  settings: Json<Record<string, unknown>>;
  created_at: GeneratedTs;
};

export type ServicesTable = {
  id: string;
  tenant_id: string;
  code: string;
  name: string;
  is_default: Generated<boolean>;
  created_at: GeneratedTs;
};

export type Role = 'platform_operator' | 'tenant_admin' | 'finance_agent' | 'service_agent' | 'viewer';

export type UsersTable = {
  id: string;
  tenant_id: string | null;
  email: string;
  display_name: string;
  role: Role;
  password_hash: string | null;
  must_change_password: Generated<boolean>;
  active: Generated<boolean>;
  phone: string | null;
  created_at: GeneratedTs;
};

export type UserServicesTable = { user_id: string; service_id: string; tenant_id: string };

export type SessionsTable = {
  id: string;
  token_hash: string;
  user_id: string;
  csrf_token: string;
  expires_at: Timestamp;
  created_at: GeneratedTs;
};

export type ApiKeysTable = {
  id: string;
  tenant_id: string;
  name: string;
  prefix: string;
  key_hash: string;
  scopes: Json<string[]>;
  created_by: string | null;
  created_at: GeneratedTs;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
};

export type InvoicesTable = {
  id: string;
  tenant_id: string;
  service_id: string | null;
  source: 'chorus' | 'paper' | 'email' | 'upload' | 'api';
  external_id: string | null;
  number: string;
  type: Generated<'invoice' | 'credit_note'>;
  supplier_name: string;
  supplier_siret: string | null;
  supplier_siren: string | null;
  supplier_vat_id: string | null;
  buyer_name: string | null;
  buyer_siret: string | null;
  issue_date: string | null;
  due_date: string | null;
  received_at: Timestamp;
  currency: Generated<string>;
  total_ht: string | null;
  total_tva: string | null;
  total_ttc: string | null;
  engagement_number: string | null;
  status: string;
  status_changed_at: Timestamp;
  version: Generated<number>;
  dgp_days: Generated<number>;
  dgp_started_at: Timestamp | null;
  dgp_suspended_at: Timestamp | null;
  dgp_due_on: string | null;
  import_error: string | null;
  model: Json | null;
  validation: Json | null;
  created_at: GeneratedTs;
  updated_at: GeneratedTs;
};

export type DocumentsTable = {
  id: string;
  tenant_id: string;
  invoice_id: string | null;
  role: 'original' | 'pdf' | 'attachment' | 'certificate' | 'other';
  filename: string;
  mime: string;
  size: ColumnType<number, number, number>;
  sha256: string;
  created_at: GeneratedTs;
};

export type JournalHeadsTable = { tenant_id: string; seq: ColumnType<number, number, number>; hash: string };

export type JournalTable = {
  id: string;
  tenant_id: string;
  seq: ColumnType<number, number, number>;
  at: Timestamp;
  type: string;
  invoice_id: string | null;
  actor: Json;
  data: Json;
  prev_hash: string;
  hash: string;
};

export type OutboxTable = {
  id: string;
  tenant_id: string | null;
  kind: string;
  idempotency_key: string;
  invoice_id: string | null;
  payload: Json;
  status: Generated<'pending' | 'processing' | 'done' | 'failed' | 'dead'>;
  attempts: Generated<number>;
  max_attempts: Generated<number>;
  next_attempt_at: GeneratedTs;
  locked_until: Timestamp | null;
  last_error: string | null;
  external_id: string | null;
  created_at: GeneratedTs;
  updated_at: GeneratedTs;
};

export type Database = {
  tenants: TenantsTable;
  services: ServicesTable;
  users: UsersTable;
  user_services: UserServicesTable;
  sessions: SessionsTable;
  api_keys: ApiKeysTable;
  invoices: InvoicesTable;
  documents: DocumentsTable;
  journal_heads: JournalHeadsTable;
  journal: JournalTable;
  outbox: OutboxTable;
};
