import { parseArgs } from 'node:util';
import type { Db } from '../../db/db.js';
import { systemClock, type Clock } from '../../shared/clock.js';
import { formatEuros } from '../../shared/money.js';
import { loadUserPrincipal } from '../identity/identity.usecases.js';
import type { Principal } from '../identity/identity.models.js';
import { findTenantBySlug } from '../tenants/tenants.usecases.js';
import { searchErrors } from './search.errors.js';
import { csvLines } from './search.csv.js';
import { exportSearch, runSearch } from './search.usecases.js';

type Io = { stdout: (s: string) => void; stderr: (s: string) => void };

export const searchUsage = `facteur search --tenant <slug> [--q <texte>] [filtres…] [--json | --csv]
  filtres : --supplier --siret --siren --number [--fuzzy] --status a,b --service <code>,… --source chorus,…
            --issue-from/--issue-to --received-from/--received-to --due-from/--due-to (AAAA-MM-JJ)
            --amount-min --amount-max [--ht] --engagement --fiscal-year 2025,2026 --has-attachment true|false
            --overdue true|false --archives --sort receivedAt|issueDate|dueDate|totalTtc|totalHt|supplierName|number|relevance
            --dir asc|desc --limit N --cursor <c> --facets --as <e-mail> (applique le périmètre de cet utilisateur)`;

const flagToField: Record<string, string> = {
  q: 'q', supplier: 'supplier', siret: 'siret', siren: 'siren', number: 'number', status: 'status', source: 'source',
  'issue-from': 'issueFrom', 'issue-to': 'issueTo', 'received-from': 'receivedFrom', 'received-to': 'receivedTo', 'due-from': 'dueFrom', 'due-to': 'dueTo',
  'amount-min': 'amountMin', 'amount-max': 'amountMax', engagement: 'engagement', 'fiscal-year': 'fiscalYear', 'has-attachment': 'hasAttachment',
  overdue: 'overdue', sort: 'sort', dir: 'dir', limit: 'limit', cursor: 'cursor',
};

/**
 * `facteur search`: the same query model as the API. Without `--as`, an operator sees the whole
 * tenant; with it, the user's service scope applies exactly as in the web workspace.
 * `deps` lets tests (and the lead's composition) pass an open database.
 */
export async function runSearchCommand(argv: string[], io: Io, deps?: { db: Db; clock?: Clock }): Promise<number> {
  const strings = Object.fromEntries([...Object.keys(flagToField), 'tenant', 'service', 'as'].map((k) => [k, { type: 'string' as const }]));
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { ...strings, fuzzy: { type: 'boolean' }, ht: { type: 'boolean' }, archives: { type: 'boolean' }, facets: { type: 'boolean' }, json: { type: 'boolean' }, csv: { type: 'boolean' }, help: { type: 'boolean' } } });
  } catch (e) {
    io.stderr(`${(e as Error).message}\n\n${searchUsage}`);
    return 2;
  }
  const v = parsed.values as Record<string, string | boolean | undefined>;
  if (v.help) {
    io.stdout(searchUsage);
    return 0;
  }
  if (!v.tenant) {
    io.stderr(`--tenant est obligatoire\n\n${searchUsage}`);
    return 2;
  }
  const own = deps ? null : await openFromConfig();
  const db = deps?.db ?? own!.db;
  const clock = deps?.clock ?? systemClock;
  try {
    const tenant = await findTenantBySlug(db, String(v.tenant)); // throws tenants.not_found
    const raw: Record<string, unknown> = {};
    for (const [flag, field] of Object.entries(flagToField)) if (typeof v[flag] === 'string') raw[field] = v[flag];
    if (v.fuzzy) raw.numberMode = 'fuzzy';
    if (v.ht) raw.amountBasis = 'ht';
    if (v.archives) raw.includeArchives = true;
    if (v.facets) raw.facets = true;
    if (typeof v.service === 'string') raw.serviceId = await serviceIds(db, tenant.id, v.service);
    const principal = await principalFor(db, tenant.id, v.as as string | undefined);
    if (v.csv) {
      const { limit: _l, ...all } = raw;
      for await (const chunk of csvLines(await exportSearch({ db, clock }, principal, tenant.id, all))) io.stdout(chunk.replace(/\r\n$/, ''));
      return 0;
    }
    const page = await runSearch({ db, clock }, principal, tenant.id, raw);
    if (v.json) {
      io.stdout(JSON.stringify(page, null, 2));
      return 0;
    }
    for (const i of page.items) {
      io.stdout([i.number.padEnd(20), i.receivedAt.slice(0, 10), i.status.padEnd(13), (i.totalTtc ? formatEuros(i.totalTtc, i.currency) : '').padStart(16), ' ', i.supplierName].join(' '));
    }
    if (page.total !== undefined) io.stdout(`${page.total} facture(s)`);
    if (page.nextCursor) io.stdout(`suite : --cursor ${page.nextCursor}`);
    return 0;
  } finally {
    await own?.close();
  }
}

async function openFromConfig() {
  const { loadConfig } = await import('../../config/config.js');
  const { openDatabase } = await import('../../db/db.js');
  const cfg = loadConfig();
  return openDatabase({ url: cfg.database.url, dataDir: cfg.dataDir });
}

async function serviceIds(db: Db, tenantId: string, codes: string): Promise<string[]> {
  const list = codes.split(',').map((c) => c.trim()).filter(Boolean);
  const rows = await db.selectFrom('services').select(['id', 'code']).where('tenant_id', '=', tenantId).where('code', 'in', list).execute();
  const unknown = list.filter((c) => !rows.some((r) => r.code === c));
  if (unknown.length) throw searchErrors.invalidQuery('service', `service inconnu : ${unknown.join(', ')}`);
  return rows.map((r) => r.id);
}

async function principalFor(db: Db, tenantId: string, email: string | undefined): Promise<Principal> {
  if (!email) return { kind: 'system', component: 'cli' };
  const u = await db.selectFrom('users').select('id').where('email', '=', email.toLowerCase()).where('tenant_id', '=', tenantId).executeTakeFirst();
  const p = u ? await loadUserPrincipal(db, u.id) : null;
  if (!p) throw searchErrors.invalidQuery('as', `utilisateur inconnu dans ce locataire : ${email}`);
  return p;
}
