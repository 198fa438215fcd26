import { sql } from 'kysely';
import type { MigrationContext } from '../migrator.js';

/**
 * Found by the Chorus import bench: the documents trigger looked up an invoice's attachments by
 * `invoice_id` alone, which no index leads with, so every document insert scanned the whole
 * documents table (150 ms at 90,000 rows, growing with the register). Scoping the lookup by
 * tenant uses the existing `documents_invoice (tenant_id, invoice_id)` index. Same result.
 */
export async function up({ db }: MigrationContext): Promise<void> {
  await sql`
create or replace function facteur_search_from_document() returns trigger language plpgsql as $f$
begin
  if tg_op <> 'INSERT' and old.invoice_id is not null then
    update invoice_search set has_attachment = exists (
      select 1 from documents d where d.tenant_id = old.tenant_id and d.invoice_id = old.invoice_id and d.role = 'attachment')
    where invoice_id = old.invoice_id;
  end if;
  if tg_op <> 'DELETE' and new.invoice_id is not null then
    update invoice_search set has_attachment = exists (
      select 1 from documents d where d.tenant_id = new.tenant_id and d.invoice_id = new.invoice_id and d.role = 'attachment')
    where invoice_id = new.invoice_id;
  end if;
  return null;
end $f$;
`.execute(db);
}
