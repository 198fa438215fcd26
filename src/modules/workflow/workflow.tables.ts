import type { ColumnType, Generated, Kysely } from 'kysely';
import type { Db, Tx } from '../../db/db.js';
import type { Database } from '../../db/schema.js';

/** Row types of the tables created by migration 0200 (kept here, not in the shared schema). */
type Ts = ColumnType<Date, Date | string, Date | string>;
type GenTs = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T = unknown> = ColumnType<T, string, string>;

export type WorkflowTables = {
  workflow_circuits: {
    id: string;
    tenant_id: string;
    name: string;
    priority: number;
    conditions: Json<Record<string, unknown>>;
    steps: Json<unknown[]>;
    active: Generated<boolean>;
    created_at: GenTs;
    updated_at: GenTs;
  };
  workflow_instances: {
    id: string;
    tenant_id: string;
    invoice_id: string;
    circuit_id: string;
    steps: Json<unknown[]>;
    current_step: number;
    status: 'active' | 'done' | 'refused' | 'cancelled';
    proposal: Json<Record<string, unknown> | null>;
    version: Generated<number>;
    created_at: GenTs;
    updated_at: GenTs;
  };
  workflow_tasks: {
    id: string;
    tenant_id: string;
    instance_id: string;
    invoice_id: string;
    step_index: number;
    kind: 'visa' | 'signature';
    assignee: Json<Record<string, unknown>>;
    status: 'pending' | 'approved' | 'refused' | 'sent_back' | 'cancelled';
    acted_by: string | null;
    acted_at: Ts | null;
    comment: string | null;
    created_at: GenTs;
  };
  workflow_delegations: {
    id: string;
    tenant_id: string;
    from_user_id: string;
    to_user_id: string;
    starts_on: string;
    ends_on: string;
    created_at: GenTs;
  };
  workflow_attestations: {
    id: string;
    tenant_id: string;
    invoice_id: string;
    attested_by: string;
    attested_at: Ts;
    partial: boolean;
    accepted_amount: string | null;
    comment: string | null;
  };
  workflow_dgp: {
    tenant_id: string;
    invoice_id: string;
    dgp_days: number;
    comptable_days: number;
    period_started_at: Ts | null;
    period_days: number;
    due_on: string | null;
    interrupted_at: Ts | null;
    balance_days: number | null;
    completed_at: Ts | null;
    mandated_on: string | null;
    paid_on: string | null;
    updated_at: GenTs;
  };
  workflow_reauth_codes: {
    id: string;
    tenant_id: string;
    user_id: string;
    code_hash: string;
    expires_at: Ts;
    attempts: Generated<number>;
    used_at: Ts | null;
    created_at: GenTs;
  };
  workflow_supplier_contacts: { tenant_id: string; supplier_key: string; email: string; updated_at: GenTs };
  notifications: {
    id: string;
    tenant_id: string;
    user_id: string;
    event_type: string;
    invoice_id: string | null;
    service_id: string | null;
    title: string;
    body: string;
    link: string | null;
    dedupe_key: string;
    digest_pending: Generated<boolean>;
    digested_at: Ts | null;
    read_at: Ts | null;
    created_at: Ts;
  };
  notification_subscriptions: {
    id: string;
    tenant_id: string;
    user_id: string;
    event_type: string;
    service_id: string | null;
    channel: 'email' | 'sms';
    mode: 'immediate' | 'digest' | 'off';
  };
  notification_feed_cursors: { tenant_id: string; last_seq: number };
};

export type WDb = Kysely<Database & WorkflowTables>;

/** The same connection or transaction, typed with this module's tables as well. */
export const wdb = (db: Db | Tx): WDb => db as unknown as WDb;
