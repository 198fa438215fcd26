import { sql } from 'kysely';
import type { Db } from '../src/db/db.js';

/** French vocabulary for synthetic invoices: trades, family names, legal forms, line texts, motifs. */
export const trades = ['Électricité', 'Boulangerie', 'Peintures', 'Transports', 'Cabinet', 'Imprimerie', 'Plomberie', 'Espaces Verts', 'Fournitures', 'Bâtiment', 'Menuiserie', 'Restauration', 'Nettoyage', 'Informatique', 'Signalisation'];
export const families = ['Dupont', 'Martin', 'Bernard', 'Durand', 'Lefèvre', 'Moreau', 'Girard', 'Rousseau', 'Fontaine', 'Chevalier', 'Garnier', 'Faure', 'Mercier', 'Blanc'];
const forms = ['SARL', 'SAS', '& Fils', 'et Associés', 'du Rhône', 'de Bretagne'];
export const lineTexts = [
  ['Remplacement des luminaires', 'Éclairage public, rue des Écoles'], ['Fournitures scolaires', 'Cahiers, stylos et classeurs pour les écoles maternelles'],
  ['Travaux de peinture', 'Salles de classe, deux couches acryliques'], ['Entretien des espaces verts', 'Tonte et taille des haies du parc municipal'],
  ['Repas de la cantine', 'Restauration scolaire, mois de mars'], ['Réparation de la chaudière', 'Gymnase, remplacement du brûleur'],
  ['Nettoyage des locaux', 'Mairie et médiathèque, prestation mensuelle'], ['Impression du bulletin municipal', '5 000 exemplaires, quadrichromie'],
  ['Transport scolaire', 'Circuit du matin, ramassage des élèves'], ['Maintenance informatique', 'Postes de travail et serveurs de la mairie'],
  ['Signalisation routière', 'Panneaux de limitation de vitesse et marquage au sol'], ['Menuiserie', 'Pose de fenêtres double vitrage, école élémentaire'],
  ['Plomberie', 'Remplacement des robinets des sanitaires'], ['Location de matériel', 'Nacelle élévatrice pour travaux en hauteur'],
  ['Fourniture de pain', 'Livraison quotidienne à la cuisine centrale'], ['Désherbage des trottoirs', 'Traitement mécanique sans produits phytosanitaires'],
  ['Honoraires', 'Mission de maîtrise d’œuvre, phase études'], ['Carburant', 'Gazole pour les véhicules des services techniques'],
  ['Vérification des extincteurs', 'Contrôle annuel des bâtiments communaux'], ['Élagage', 'Platanes de l’avenue de la Gare'],
];
export const motifs = ['Bon de commande manquant', 'Montant différent du devis', 'Service fait non constaté', 'Engagement juridique absent', 'RIB illisible', 'Facture en double'];

const lit = (xs: string[]) => sql.raw(`(array[${xs.map((x) => `'${x.replace(/'/g, "''")}'`).join(',')}]::text[])`);

/**
 * Fills tenants, services and `count` invoices server-side (generate_series), so the client's
 * memory stays flat. Tenant sizes follow u^2.5 (a few large cities, many small communes);
 * issue dates cover three fiscal years ending today.
 */
export async function generateInvoices(db: Db, { tenants, count, chunk = 100_000, seed = 0.42, log }: { tenants: number; count: number; chunk?: number; seed?: number; log: (s: string) => void }) {
  await sql`select setseed(${seed})`.execute(db);
  await sql`insert into tenants (id, slug, name) select 'ten_b' || lpad(g::text, 5, '0'), 'bench-' || g, 'Commune ' || g from generate_series(0, ${sql.lit(tenants - 1)}) g`.execute(db);
  await sql`insert into services (id, tenant_id, code, name, is_default)
    select 'svc_b' || lpad(g::text, 5, '0') || '_' || k, 'ten_b' || lpad(g::text, 5, '0'), 'S' || k, (array['Finances','Voirie','Écoles','Culture','Sports','Urbanisme','Police municipale','CCAS','Restauration','Informatique'])[k], k = 1
    from generate_series(0, ${sql.lit(tenants - 1)}) g, generate_series(1, 10) k where k <= 3 + (g % 8)`.execute(db);
  await sql`create table bench_lines as select i::int as i, n as name, d as descr from unnest(${lit(lineTexts.map((l) => l[0]))}, ${lit(lineTexts.map((l) => l[1]))}) with ordinality as x(n, d, i)`.execute(db);
  await sql`alter table invoices disable trigger invoices_search_sync`.execute(db);
  await sql`alter table documents disable trigger documents_search_sync`.execute(db);
  const nLines = lineTexts.length;
  for (let start = 0; start < count; start += chunk) {
    const n = Math.min(chunk, count - start);
    await sql`
      insert into invoices (id, tenant_id, service_id, source, external_id, number, type, supplier_name, supplier_siret, supplier_siren, issue_date, due_date,
        received_at, total_ht, total_tva, total_ttc, engagement_number, status, status_changed_at, dgp_due_on, model)
      select id, tenant_id, tenant_svc || '_' || (1 + floor(r4 * (3 + (tenant_n % 8))))::int, source, null, num, case when r5 < 0.03 then 'credit_note' else 'invoice' end,
        supplier, siret, left(siret, 9), issue, issue + 30, (issue + (r6 * 10)::int)::timestamp at time zone 'Europe/Paris' + make_interval(hours => 8 + (r6 * 9)::int),
        ht, round(ht * 0.2, 2), round(ht * 1.2, 2), case when r7 < 0.6 then 'EJ-' || extract(year from issue) || '-' || lpad((g % 9999)::text, 4, '0') end,
        status, now(), issue + 40,
        jsonb_build_object('lines', (select jsonb_agg(jsonb_build_object('item', jsonb_build_object('name', l.name, 'description', l.descr)))
                                     from bench_lines l where l.i in (1 + (g * 7) % ${sql.lit(nLines)}, 1 + (sup * 3) % ${sql.lit(nLines)}, case when r7 > 0.5 then 1 + (g * 13) % ${sql.lit(nLines)} end)))
      from (
        select g, 'inv_b' || lpad(g::text, 9, '0') as id, 'ten_b' || lpad(tn::text, 5, '0') as tenant_id, 'svc_b' || lpad(tn::text, 5, '0') as tenant_svc, tn as tenant_n, sup,
          ${lit(trades)}[1 + sup % ${sql.lit(trades.length)}] || ' ' || ${lit(families)}[1 + (sup / ${sql.lit(trades.length)}) % ${sql.lit(families.length)}] || ' ' || ${lit(forms)}[1 + sup % 6] as supplier,
          lpad((100000000 + sup * 7919)::text, 9, '0') || lpad((sup % 99999)::text, 5, '0') as siret,
          'F' || (array['A', 'AC', 'C', ''])[1 + sup % 4] || '-' || extract(year from issue) || '-' || lpad((g % 100000)::text, 5, '0') as num,
          issue, round((exp(r3 * 9) + 20)::numeric, 2) as ht,
          case when r2 < 0.80 then 'chorus' when r2 < 0.88 then 'paper' when r2 < 0.95 then 'email' else 'upload' end as source,
          case when r1 < 0.55 then 'paid' when r1 < 0.65 then 'accounted' when r1 < 0.73 then 'mandated' when r1 < 0.81 then 'service_done'
               when r1 < 0.93 then 'received' when r1 < 0.96 then 'suspended' when r1 < 0.98 then 'rejected' else 'to_verify' end as status,
          r4, r5, r6, r7
        from (
          select g, floor(${sql.lit(tenants)} * power(random(), 2.5))::int as tn, floor(power(random(), 2) * 1260)::int as sup,
            (current_date - (random() * (current_date - make_date(extract(year from current_date)::int - 2, 1, 1)))::int) as issue,
            random() as r1, random() as r2, random() as r3, random() as r4, random() as r5, random() as r6, random() as r7
          from generate_series(${sql.lit(start)}, ${sql.lit(start + n - 1)}) g
        ) a
      ) b`.execute(db);
    log(`  ${start + n} factures`);
  }
  // Attachments for 15 % of invoices, then the search rows in one set-based pass (the bulk path).
  await sql`insert into documents (id, tenant_id, invoice_id, role, filename, mime, size, sha256)
    select 'doc_b' || substr(id, 6), tenant_id, id, 'attachment', 'annexe.pdf', 'application/pdf', 1000, md5(id) from invoices where id like 'inv_b%' and abs(hashtext(id)) % 100 < 15`.execute(db);
  await sql`drop table bench_lines`.execute(db);
  await sql`alter table invoices enable trigger invoices_search_sync`.execute(db);
  await sql`alter table documents enable trigger documents_search_sync`.execute(db);
}

/** Search rows for every invoice, set-based, with the index build deferred: the bulk-import path. */
export async function buildSearchRows(db: Db) {
  const defs = await sql<{ indexname: string; indexdef: string }>`select indexname, indexdef from pg_indexes where tablename = 'invoice_search' and indexname <> 'invoice_search_pkey'`.execute(db);
  for (const d of defs.rows) await sql.raw(`drop index ${d.indexname}`).execute(db);
  await sql`insert into invoice_search (invoice_id, tenant_id, service_id, status, source, type, number, supplier_name, supplier_siret, supplier_siren, engagement_norm,
      issue_date, due_on, received_at, fiscal_year, total_ht, total_ttc, lines_text, has_attachment, reasons_text, ocr_text)
    select i.id, i.tenant_id, i.service_id, i.status, i.source, i.type, i.number, i.supplier_name, i.supplier_siret, i.supplier_siren,
      nullif(facteur_norm_ref(i.engagement_number), ''), i.issue_date, coalesce(i.dgp_due_on, i.due_date), i.received_at, facteur_fiscal_year(i.issue_date, i.received_at),
      i.total_ht, i.total_ttc, coalesce(facteur_model_lines(i.model), ''),
      exists (select 1 from documents d where d.invoice_id = i.id and d.role = 'attachment'),
      case when i.status in ('suspended', 'rejected') then ${lit(motifs)}[1 + abs(hashtext(i.id)) % ${sql.lit(motifs.length)}] else '' end,
      case when i.source = 'paper' then 'Facture scannée ' || i.supplier_name || ' ' || i.number || ' montant total ' || i.total_ttc || ' euros' else '' end
    from invoices i where not exists (select 1 from invoice_search s where s.invoice_id = i.id)`.execute(db);
  // pg_indexes shows partitioned indexes as "ON ONLY", which would skip the partitions.
  for (const d of defs.rows) await sql.raw(d.indexdef.replace(" ON ONLY ", " ON ")).execute(db);
  // A live database gets this from autovacuum after inserts; the visibility map lets facet counts use index-only scans.
  await sql`vacuum (analyze) invoice_search_online`.execute(db);
  await sql`analyze invoices`.execute(db);
}
