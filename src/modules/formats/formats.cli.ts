/**
 * CLI commands of the formats module, wired into the `facteur` binary by the lead:
 *   facteur validate <file> [--json] [--rules en16931,facturx,br-fr]
 *   facteur convert <in> --to cii|ubl|facturx [--profile …] --out <file>
 * Exit codes: 0 = conforming / written, 1 = at least one fatal finding (validate) or conversion
 * refused, 2 = unreadable input or bad usage.
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import { AppError, isAppError } from '../../shared/errors.js';
import { readFacturX } from './facturx/index.js';
import { detectFormat } from './formats.detect.js';
import { readXmlInvoice, type ParsedInvoice } from './formats.read.js';
import { readPivot } from './pivot/index.js';
import { validateInvoice } from './formats.validate.js';
import { listRulesets, type Finding, type ValidationReport } from './rules/index.js';
import './rules/br-fr/register.js';
import './rules/facturx/register.js';
import { facturXProfileOfGuideline } from './rules/facturx/index.js';
import { FACTURX_PROFILES, writeCii, type FacturXProfile } from './writers/cii.js';
import { writeUbl } from './writers/ubl.js';

/** Refuse absurd inputs before reading them into memory. */
export const MAX_INPUT_BYTES = 100 * 1024 * 1024;

export type LoadedInvoice = {
  parsed: ParsedInvoice;
  /** 'pdf' when the XML came out of a Factur-X PDF, 'pivot' out of a Chorus PIVOT */
  container: 'xml' | 'pdf' | 'pivot';
  /** Factur-X container defects (PDF input only) */
  containerProblems: string[];
  /** PIVOT only: which invoice of the flow (1-based) */
  index?: number;
};

const unreadable = (detail: string, cause?: unknown) =>
  new AppError({ code: 'formats.unreadable', status: 422, message: `Fichier illisible : ${detail}.`, details: { detail }, cause });

/**
 * Reads a CII/UBL XML, a Factur-X PDF or a Chorus PIVOT (XML or zip; one entry per structured
 * invoice it carries). Throws AppError `formats.unreadable` for anything else.
 */
export async function loadInvoiceFile(file: string): Promise<LoadedInvoice[]> {
  let bytes: Uint8Array;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw unreadable(`« ${file} » n’est pas un fichier`);
    if (info.size > MAX_INPUT_BYTES) throw unreadable(`« ${file} » dépasse ${MAX_INPUT_BYTES / 1024 / 1024} Mo`);
    bytes = new Uint8Array(await readFile(file));
  } catch (e) {
    if (isAppError(e)) throw e;
    throw unreadable(`impossible de lire « ${file} » (${(e as NodeJS.ErrnoException).code ?? 'erreur'})`, e);
  }
  const kind = detectFormat(bytes);
  if (kind === 'pdf') {
    const fx = readFacturX(bytes);
    if (!fx.xml) throw unreadable('ce PDF ne contient pas de XML Factur-X/ZUGFeRD');
    return [{ parsed: readXmlInvoice(fx.xml), container: 'pdf', containerProblems: fx.problems }];
  }
  if (kind === 'pivot' || kind === 'zip') {
    const pivot = readPivot(bytes);
    const loaded = pivot.invoices.flatMap((inv, i) =>
      inv.structured ? [{ parsed: readXmlInvoice(inv.structured), container: 'pivot' as const, containerProblems: [], index: i + 1 }] : [],
    );
    if (loaded.length === 0) throw unreadable('ce flux PIVOT ne contient aucune facture structurée (CII, UBL ou Factur-X)');
    return loaded;
  }
  if (kind === 'cii' || kind === 'ubl-invoice' || kind === 'ubl-creditnote' || kind === 'unknown') {
    // 'unknown' still goes through the XML reader, whose error says precisely what is wrong.
    return [{ parsed: readXmlInvoice(bytes), container: 'xml', containerProblems: [] }];
  }
  throw unreadable(`format ${String(kind).toUpperCase()} non pris en charge ici (attendu : XML CII/UBL, PDF Factur-X ou PIVOT)`);
}

export type CliIo = { stdout: (s: string) => void; stderr: (s: string) => void };

type Parsed = { positional: string[]; flags: Map<string, string | true> };
const VALUED = new Set(['--rules', '--to', '--profile', '--out']);

function parseArgs(argv: string[], command: string): Parsed {
  const args = argv[0] === command ? argv.slice(1) : argv;
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 0) flags.set(a.slice(0, eq), a.slice(eq + 1));
    else if (VALUED.has(a)) {
      if (i + 1 >= args.length) throw new UsageError(`l’option ${a} attend une valeur`);
      flags.set(a, args[++i]);
    } else if (a.startsWith('--')) flags.set(a, true);
    else positional.push(a);
  }
  return { positional, flags };
}

class UsageError extends Error {}

const flag = (p: Parsed, name: string) => (typeof p.flags.get(name) === 'string' ? (p.flags.get(name) as string) : undefined);

/** The Factur-X profile a loaded invoice declares (BT-24), if any. */
function declaredProfile(inv: LoadedInvoice): FacturXProfile | undefined {
  return inv.parsed.syntax.kind === 'cii' ? facturXProfileOfGuideline(inv.parsed.model.specificationId) : undefined;
}

/**
 * Default rule sets: EN 16931 (except for MINIMUM / BASIC WL, which are not EN 16931 invoices),
 * Factur-X profile rules for Factur-X documents, and the French rules (Facteur is a French hub).
 */
function defaultRules(inv: LoadedInvoice): string[] {
  const profile = declaredProfile(inv);
  const rules: string[] = [];
  if (profile !== 'MINIMUM' && profile !== 'BASIC WL') rules.push('en16931');
  if (profile || inv.container === 'pdf') rules.push('facturx');
  rules.push('br-fr');
  return rules;
}

function containerFindings(inv: LoadedInvoice): Finding[] {
  return inv.containerProblems.map((p) => ({
    ruleId: 'FX-CONTAINER',
    severity: 'fatal' as const,
    message: { fr: `Conteneur Factur-X : ${p}`, en: `Factur-X container: ${p}` },
  }));
}

const label = { fatal: 'BLOQUANT', warning: 'AVERTISSEMENT', info: 'INFO' } as const;

function frenchReport(file: string, inv: LoadedInvoice, report: ValidationReport): string {
  const m = inv.parsed.model;
  const profile = declaredProfile(inv);
  const out = [
    `Fichier : ${file}`,
    `Facture : ${m.number ?? '(sans numéro)'} — ${inv.parsed.format.toUpperCase()}${inv.container === 'pdf' ? ' dans un PDF Factur-X' : ''}${inv.container === 'pivot' ? ` (facture n° ${inv.index} du flux PIVOT)` : ''}${profile ? `, profil ${profile}` : ''}`,
    `Règles appliquées : ${report.rulesets.join(', ')}`,
    report.fatalCount > 0
      ? `Résultat : NON CONFORME — ${report.fatalCount} erreur(s) bloquante(s), ${report.warningCount} avertissement(s)`
      : `Résultat : CONFORME — ${report.warningCount} avertissement(s)`,
  ];
  for (const f of report.findings) {
    out.push(`  [${label[f.severity]}] ${f.ruleId} — ${f.message.fr}`);
    if (f.location) out.push(`      à ${f.location}`);
  }
  return out.join('\n') + '\n';
}

/** `facteur validate <file> [--json] [--rules a,b,c]`. */
export async function runValidateCommand(argv: string[], io: CliIo): Promise<number> {
  let args: Parsed;
  try {
    args = parseArgs(argv, 'validate');
    if (args.positional.length !== 1) throw new UsageError('usage : facteur validate <fichier> [--json] [--rules en16931,facturx,br-fr]');
  } catch (e) {
    io.stderr(`${(e as Error).message}\n`);
    return 2;
  }
  const file = args.positional[0];
  let invoices: LoadedInvoice[];
  try {
    invoices = await loadInvoiceFile(file);
  } catch (e) {
    io.stderr(`${isAppError(e) ? e.message : `Fichier illisible : ${(e as Error).message}`}\n`);
    return 2;
  }
  const explicit = flag(args, '--rules')?.split(',').map((r) => r.trim()).filter(Boolean);
  const unknown = (explicit ?? []).filter((r) => !listRulesets().includes(r));
  if (unknown.length > 0) {
    io.stderr(`Jeu(x) de règles inconnu(s) : ${unknown.join(', ')} (disponibles : ${listRulesets().join(', ')})\n`);
    return 2;
  }
  const results = invoices.map((inv) => {
    const requested = explicit ?? defaultRules(inv);
    const report = validateInvoice(inv.parsed, { rules: requested });
    if (requested.includes('facturx')) {
      const extra = containerFindings(inv);
      report.findings.unshift(...extra);
      report.fatalCount += extra.length;
    }
    return { inv, report };
  });
  if (args.flags.has('--json')) {
    const json = results.map(({ inv, report }) => ({
      file,
      ...(inv.index !== undefined ? { pivotInvoice: inv.index } : {}),
      format: inv.parsed.format,
      container: inv.container,
      profile: declaredProfile(inv) ?? null,
      number: inv.parsed.model.number ?? null,
      ...report,
    }));
    io.stdout(JSON.stringify(json.length === 1 ? json[0] : json, null, 2) + '\n');
  } else {
    io.stdout(results.map(({ inv, report }) => frenchReport(file, inv, report)).join('\n'));
  }
  return results.some((r) => r.report.fatalCount > 0) ? 1 : 0;
}

/** Accepts the profile spellings people type: "EN 16931", "en16931", "basic-wl", "BASICWL" … */
export function parseProfile(v: string): FacturXProfile | undefined {
  const k = v.toUpperCase().replace(/[\s_-]/g, '');
  return FACTURX_PROFILES.find((p) => p.replace(/\s/g, '') === k);
}

/** `facteur convert <in> --to cii|ubl|facturx [--profile P] --out <file>`. */
export async function runConvertCommand(argv: string[], io: CliIo): Promise<number> {
  let args: Parsed;
  let to: string;
  let out: string;
  try {
    args = parseArgs(argv, 'convert');
    to = flag(args, '--to') ?? '';
    out = flag(args, '--out') ?? '';
    if (args.positional.length !== 1 || !['cii', 'ubl', 'facturx'].includes(to) || !out) {
      throw new UsageError('usage : facteur convert <entrée> --to cii|ubl|facturx [--profile MINIMUM|BASIC WL|BASIC|EN 16931|EXTENDED] --out <fichier>');
    }
  } catch (e) {
    io.stderr(`${(e as Error).message}\n`);
    return 2;
  }
  const profileArg = flag(args, '--profile');
  const profile = profileArg === undefined ? undefined : parseProfile(profileArg);
  if (profileArg !== undefined && !profile) {
    io.stderr(`Profil inconnu « ${profileArg} » (MINIMUM, BASIC WL, BASIC, EN 16931, EXTENDED)\n`);
    return 2;
  }
  if (profile && to === 'ubl') {
    io.stderr('L’option --profile ne s’applique qu’aux sorties cii et facturx.\n');
    return 2;
  }
  let inv: LoadedInvoice;
  try {
    const all = await loadInvoiceFile(args.positional[0]);
    if (all.length > 1) throw new AppError({ code: 'formats.unreadable', status: 422, message: `Le flux PIVOT contient ${all.length} factures : la conversion en attend une seule.` });
    inv = all[0];
  } catch (e) {
    io.stderr(`${isAppError(e) ? e.message : `Fichier illisible : ${(e as Error).message}`}\n`);
    return 2;
  }
  const model = inv.parsed.model;
  const targetProfile = profile ?? declaredProfile(inv) ?? 'EN 16931';
  const dropped: string[] = [];
  try {
    let bytes: Uint8Array;
    if (to === 'ubl') bytes = writeUbl(model);
    else {
      const xml = writeCii(model, { profile: targetProfile, onDropped: (p) => dropped.push(p) });
      bytes = to === 'cii' ? xml : await writeFacturXPdf(model, xml, targetProfile);
    }
    await writeFile(out, bytes);
  } catch (e) {
    io.stderr(`Conversion impossible : ${isAppError(e) ? e.message : (e as Error).message}\n`);
    return 1;
  }
  if (dropped.length > 0) {
    io.stderr(`Attention : ${dropped.length} élément(s) non repris par le profil ${targetProfile} :\n${[...new Set(dropped)].map((d) => `  - ${d}`).join('\n')}\n`);
  }
  io.stdout(`Écrit : ${out} (${to === 'ubl' ? 'UBL 2.1' : to === 'cii' ? `CII, profil ${targetProfile}` : `PDF Factur-X, profil ${targetProfile}`})\n`);
  return 0;
}

/** Factur-X PDF/A-3 through the pdf module (rendered from the model, XML embedded as factur-x.xml). */
async function writeFacturXPdf(model: ParsedInvoice['model'], xml: Uint8Array, profile: FacturXProfile): Promise<Uint8Array> {
  const { writeFacturX } = await import('../pdf/index.js');
  return writeFacturX({ model, xml, profile });
}
