import { sql, type Kysely } from 'kysely';

/**
 * Row-level security on tenant-owned tables, behind the repositories' own tenant filters:
 * a row is visible when its tenant is the transaction's `app.tenant_id`, or to system work ('*').
 */
export async function enableTenantRls(db: Kysely<any>, tables: string[]): Promise<void> {
  for (const table of tables) {
    await sql
      .raw(
        `alter table ${table} enable row level security;
         create policy ${table}_tenant on ${table}
           using (tenant_id = current_setting('app.tenant_id', true) or current_setting('app.tenant_id', true) = '*')
           with check (tenant_id = current_setting('app.tenant_id', true) or current_setting('app.tenant_id', true) = '*');`,
      )
      .execute(db);
  }
}
