import type { ColumnType, Kysely, Transaction } from 'kysely';
import type { Db, Tx } from '../../db/db.js';
import type { Database } from '../../db/schema.js';

type Ts = ColumnType<Date, Date | string, Date | string>;
type GeneratedTs = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T = unknown> = ColumnType<T, string, string>;

export type ChorusConnectorsTable = {
  tenant_id: string;
  /** ChorusConnectorSettings with clientSecret/password encrypted (encryptSecret). */
  settings: Json<Record<string, unknown>>;
  enabled: ColumnType<boolean, boolean | undefined, boolean>;
  cursor_status_at: Ts | null;
  last_sync_at: Ts | null;
  last_sync_counts: Json | null;
  last_error: string | null;
  /** Consecutive passes that failed (as a whole, or for some invoices); 0 after a clean pass. */
  failure_streak: ColumnType<number, number | undefined, number>;
  failing_since: Ts | null;
  updated_at: GeneratedTs;
};

/** One row per Chorus invoice known to a tenant: what of its history has been applied. */
export type ChorusInvoicesTable = {
  tenant_id: string;
  id_facture: ColumnType<number, number, number>;
  invoice_id: string;
  id_structure: ColumnType<number, number, number> | null;
  chorus_status: string;
  status_at: Ts;
  last_histo_id: ColumnType<number, number | undefined, number>;
  push_error: string | null;
  push_error_at: Ts | null;
  updated_at: GeneratedTs;
};

export type ChorusDatabase = Database & { chorus_connectors: ChorusConnectorsTable; chorus_invoices: ChorusInvoicesTable };
export type ChorusDb = Kysely<ChorusDatabase>;
export type ChorusTx = Transaction<ChorusDatabase>;

/** The shared handle typed with this module's tables (declared here, not in the shared schema). */
export const chorusDb = (db: Db | Tx) => db as unknown as ChorusDb;

export type KnownChorusInvoice = {
  idFacture: number;
  invoiceId: string;
  chorusStatus: string;
  statusAt: Date;
  lastHistoId: number;
  /** The register's status (an `import_error` record is taken again on each pass). */
  localStatus: string;
  receivedAt: Date;
};

export async function findKnownInvoices(db: Db | Tx, tenantId: string, ids: number[]): Promise<Map<number, KnownChorusInvoice>> {
  const out = new Map<number, KnownChorusInvoice>();
  if (!ids.length) return out;
  const rows = await chorusDb(db)
    .selectFrom('chorus_invoices as c')
    .innerJoin('invoices as i', (j) => j.onRef('i.id', '=', 'c.invoice_id').onRef('i.tenant_id', '=', 'c.tenant_id'))
    .select(['c.id_facture', 'c.invoice_id', 'c.chorus_status', 'c.status_at', 'c.last_histo_id', 'i.status', 'i.received_at'])
    .where('c.tenant_id', '=', tenantId)
    .where('c.id_facture', 'in', ids)
    .execute();
  for (const r of rows) {
    out.set(Number(r.id_facture), {
      idFacture: Number(r.id_facture),
      invoiceId: r.invoice_id,
      chorusStatus: r.chorus_status,
      statusAt: new Date(r.status_at),
      lastHistoId: Number(r.last_histo_id),
      localStatus: r.status,
      receivedAt: new Date(r.received_at),
    });
  }
  return out;
}

export async function findByInvoiceId(db: Db | Tx, tenantId: string, invoiceId: string) {
  return chorusDb(db).selectFrom('chorus_invoices').selectAll().where('tenant_id', '=', tenantId).where('invoice_id', '=', invoiceId).executeTakeFirst();
}
