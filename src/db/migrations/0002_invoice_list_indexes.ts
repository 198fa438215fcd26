import { sql } from 'kysely';
import type { MigrationContext } from '../migrator.js';

/** Supplier search in the list is a substring match: a trigram index keeps it off sequential scans. */
export async function up({ db }: MigrationContext): Promise<void> {
  await sql`create extension if not exists pg_trgm`.execute(db);
  await sql`create index invoices_supplier_trgm on invoices using gin (supplier_name gin_trgm_ops)`.execute(db);
  await sql`create index invoices_tenant_number on invoices (tenant_id, number)`.execute(db);
}
