import { sql } from 'kysely';
import type { MigrationContext } from '../migrator.js';
import { enableTenantRls } from '../rls.js';

/**
 * Search (range 0400–0499). A narrow projection of each invoice, `invoice_search`, kept by
 * triggers on the tables that feed it (invoices, documents, journal), so every writer — the
 * register, the workflow, sync jobs — keeps it current without knowing about search.
 * It is list-partitioned on `archived`: the online partition holds the retention window (current
 * fiscal year and the three before), the archive partition the rest (see docs/search.md).
 */
export async function up({ db }: MigrationContext): Promise<void> {
  await sql`
create extension if not exists unaccent;
create extension if not exists pg_trgm;
create extension if not exists btree_gin;

-- French stemming on unaccented words: 'Écoles' and 'ecole' meet at the lexeme 'ecol'.
create text search configuration facteur_fr (copy = french);
alter text search configuration facteur_fr alter mapping for hword, hword_part, word with unaccent, french_stem;

-- unaccent() is only stable (it reads a dictionary by name); fixing the dictionary makes it immutable.
create function facteur_unaccent(text) returns text
  language sql immutable parallel safe strict
  as $f$ select public.unaccent('public.unaccent'::regdictionary, $1) $f$;

create function facteur_norm_text(text) returns text
  language sql immutable parallel safe strict
  as $f$ select lower(facteur_unaccent($1)) $f$;

-- References (invoice and engagement numbers) compare without case, accents, spaces or separators.
create function facteur_norm_ref(text) returns text
  language sql immutable parallel safe strict
  as $f$ select upper(regexp_replace(facteur_unaccent($1), '[^[:alnum:]]', '', 'g')) $f$;

-- Item names and descriptions of the EN 16931 lines (BT-153, BT-154), bounded for hostile models.
create function facteur_model_lines(m jsonb) returns text
  language sql immutable parallel safe
  as $f$
    select left(coalesce(string_agg(concat_ws(' ', l -> 'item' ->> 'name', l -> 'item' ->> 'description'), ' '), ''), 100000)
    from jsonb_array_elements(case when jsonb_typeof(m -> 'lines') = 'array' then m -> 'lines' else '[]'::jsonb end)
         with ordinality as t(l, n)
    where n <= 2000 and jsonb_typeof(l) = 'object' and jsonb_typeof(l -> 'item') = 'object'
  $f$;

create function facteur_fiscal_year(issue date, received timestamptz) returns smallint
  language sql immutable parallel safe
  as $f$ select extract(year from coalesce(issue, (received at time zone 'Europe/Paris')::date))::smallint $f$;

create function facteur_search_doc(num text, supplier text, lines text, comments text, reasons text, ocr text) returns tsvector
  language sql immutable parallel safe
  as $f$
    select setweight(to_tsvector('facteur_fr', coalesce(num, '') || ' ' || coalesce(supplier, '')), 'A')
        || setweight(to_tsvector('facteur_fr', left(coalesce(lines, ''), 100000)), 'B')
        || setweight(to_tsvector('facteur_fr', left(coalesce(comments, '') || ' ' || coalesce(reasons, ''), 100000)), 'C')
        || setweight(to_tsvector('facteur_fr', left(coalesce(ocr, ''), 200000)), 'D')
  $f$;

create table invoice_search (
  invoice_id text not null references invoices(id) on delete cascade,
  tenant_id text not null,
  archived boolean not null default false,
  service_id text,
  status text not null,
  source text not null,
  type text not null,
  number text not null,
  number_norm text not null default '',
  supplier_name text not null,
  supplier_norm text not null default '',
  supplier_siret text,
  supplier_siren text,
  engagement_norm text,
  issue_date date,
  due_on date,
  received_at timestamptz not null,
  fiscal_year smallint not null,
  total_ht numeric(18, 2),
  total_ttc numeric(18, 2),
  has_attachment boolean not null default false,
  lines_text text not null default '',
  ocr_text text not null default '',
  comments_text text not null default '',
  reasons_text text not null default '',
  doc tsvector not null default ''::tsvector,
  primary key (invoice_id, archived)
) partition by list (archived);
create table invoice_search_online partition of invoice_search for values in (false);
create table invoice_search_archive partition of invoice_search for values in (true);

-- Chosen from EXPLAIN on the bench data (docs/search.md): every index leads with the tenant.
create index invoice_search_received on invoice_search (tenant_id, received_at desc, invoice_id desc);
create index invoice_search_service_received on invoice_search (tenant_id, service_id, received_at desc, invoice_id desc);
create index invoice_search_status_received on invoice_search (tenant_id, status, received_at desc, invoice_id desc);
create index invoice_search_facets on invoice_search (tenant_id, fiscal_year, status, service_id);
create index invoice_search_number on invoice_search (tenant_id, number_norm);
create index invoice_search_siren on invoice_search (tenant_id, supplier_siren, supplier_siret);
create index invoice_search_engagement on invoice_search (tenant_id, engagement_norm) where engagement_norm is not null;
create index invoice_search_due on invoice_search (tenant_id, due_on) where due_on is not null;
create index invoice_search_doc on invoice_search using gin (tenant_id, doc);
create index invoice_search_number_trgm on invoice_search using gin (tenant_id, number_norm gin_trgm_ops);
create index invoice_search_supplier_trgm on invoice_search using gin (tenant_id, supplier_norm gin_trgm_ops);

-- Derived columns and the document are computed here, whoever writes the row.
create function facteur_search_before() returns trigger language plpgsql as $f$
begin
  if tg_op = 'INSERT' or new.number is distinct from old.number or new.supplier_name is distinct from old.supplier_name
     or new.lines_text is distinct from old.lines_text or new.ocr_text is distinct from old.ocr_text
     or new.comments_text is distinct from old.comments_text or new.reasons_text is distinct from old.reasons_text then
    new.number_norm := coalesce(facteur_norm_ref(new.number), '');
    new.supplier_norm := coalesce(facteur_norm_text(new.supplier_name), '');
    new.doc := facteur_search_doc(new.number, new.supplier_name, new.lines_text, new.comments_text, new.reasons_text, new.ocr_text);
  end if;
  return new;
end $f$;
create trigger invoice_search_before before insert or update on invoice_search
  for each row execute function facteur_search_before();

create function facteur_search_from_invoice() returns trigger language plpgsql as $f$
begin
  if tg_op = 'INSERT' then
    insert into invoice_search (invoice_id, tenant_id, service_id, status, source, type, number, supplier_name, supplier_siret,
      supplier_siren, engagement_norm, issue_date, due_on, received_at, fiscal_year, total_ht, total_ttc, lines_text)
    values (new.id, new.tenant_id, new.service_id, new.status, new.source, new.type, new.number, new.supplier_name, new.supplier_siret,
      coalesce(new.supplier_siren, left(new.supplier_siret, 9)),
      nullif(facteur_norm_ref(coalesce(new.engagement_number, new.model ->> 'purchaseOrderReference')), ''),
      new.issue_date, coalesce(new.dgp_due_on, new.due_date), new.received_at, facteur_fiscal_year(new.issue_date, new.received_at),
      new.total_ht, new.total_ttc, coalesce(facteur_model_lines(new.model), ''));
  else
    update invoice_search set
      tenant_id = new.tenant_id, service_id = new.service_id, status = new.status, source = new.source, type = new.type,
      number = new.number, supplier_name = new.supplier_name, supplier_siret = new.supplier_siret,
      supplier_siren = coalesce(new.supplier_siren, left(new.supplier_siret, 9)),
      engagement_norm = nullif(facteur_norm_ref(coalesce(new.engagement_number, new.model ->> 'purchaseOrderReference')), ''),
      issue_date = new.issue_date, due_on = coalesce(new.dgp_due_on, new.due_date), received_at = new.received_at,
      fiscal_year = facteur_fiscal_year(new.issue_date, new.received_at), total_ht = new.total_ht, total_ttc = new.total_ttc,
      lines_text = case when new.model is distinct from old.model then coalesce(facteur_model_lines(new.model), '') else lines_text end
    where invoice_id = new.id;
  end if;
  return null;
end $f$;
create trigger invoices_search_sync after insert or update on invoices
  for each row execute function facteur_search_from_invoice();

create function facteur_search_from_document() returns trigger language plpgsql as $f$
declare inv text;
begin
  foreach inv in array array[case when tg_op <> 'INSERT' then old.invoice_id end, case when tg_op <> 'DELETE' then new.invoice_id end] loop
    if inv is not null then
      update invoice_search set has_attachment = exists (select 1 from documents d where d.invoice_id = inv and d.role = 'attachment')
      where invoice_id = inv;
    end if;
  end loop;
  return null;
end $f$;
create trigger documents_search_sync after insert or update or delete on documents
  for each row execute function facteur_search_from_document();

-- Journal reasons (suspension, rejection motifs) and comments join the searchable text as they arrive.
create function facteur_search_from_journal() returns trigger language plpgsql as $f$
declare t text;
begin
  if new.type = 'invoice.commented' then
    t := coalesce(new.data ->> 'text', new.data ->> 'comment');
    if t is not null and t <> '' then
      update invoice_search set comments_text = left(comments_text || ' ' || t, 100000) where invoice_id = new.invoice_id;
    end if;
  else
    t := new.data ->> 'reason';
    if t is not null and t <> '' then
      update invoice_search set reasons_text = left(reasons_text || ' ' || t, 100000) where invoice_id = new.invoice_id;
    end if;
  end if;
  return null;
end $f$;
create trigger journal_search_sync after insert on journal
  for each row when (new.invoice_id is not null and new.type in ('invoice.transitioned', 'invoice.commented'))
  execute function facteur_search_from_journal();

create table search_views (
  id text primary key,
  tenant_id text not null references tenants(id),
  user_id text not null references users(id),
  name text not null,
  query jsonb not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (user_id, name)
);
create index search_views_user on search_views (tenant_id, user_id);
`.execute(db);

  // Invoices already registered before this migration.
  await sql`
insert into invoice_search (invoice_id, tenant_id, service_id, status, source, type, number, supplier_name, supplier_siret,
  supplier_siren, engagement_norm, issue_date, due_on, received_at, fiscal_year, total_ht, total_ttc, lines_text, has_attachment, reasons_text, comments_text)
select i.id, i.tenant_id, i.service_id, i.status, i.source, i.type, i.number, i.supplier_name, i.supplier_siret,
  coalesce(i.supplier_siren, left(i.supplier_siret, 9)),
  nullif(facteur_norm_ref(coalesce(i.engagement_number, i.model ->> 'purchaseOrderReference')), ''),
  i.issue_date, coalesce(i.dgp_due_on, i.due_date), i.received_at, facteur_fiscal_year(i.issue_date, i.received_at),
  i.total_ht, i.total_ttc, coalesce(facteur_model_lines(i.model), ''),
  exists (select 1 from documents d where d.invoice_id = i.id and d.role = 'attachment'),
  coalesce((select left(string_agg(j.data ->> 'reason', ' ' order by j.seq), 100000) from journal j
            where j.tenant_id = i.tenant_id and j.invoice_id = i.id and j.type = 'invoice.transitioned'), ''),
  coalesce((select left(string_agg(coalesce(j.data ->> 'text', j.data ->> 'comment'), ' ' order by j.seq), 100000) from journal j
            where j.tenant_id = i.tenant_id and j.invoice_id = i.id and j.type = 'invoice.commented'), '')
from invoices i`.execute(db);

  await enableTenantRls(db, ['invoice_search', 'search_views']);
}
