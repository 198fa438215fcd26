import { dec, toAmount, sumAmounts } from '../../../shared/money.js';
import { addDays, parisDay } from '../../../shared/clock.js';
import type { SandboxAttachment, SandboxInvoiceDefect, SandboxInvoiceDraft, SandboxLine } from './sandbox.models.js';
import type { SandboxState } from './sandbox.state.js';
import { defaultStructure } from './sandbox.state.js';

/** A one-page valid PDF, built once (xref offsets computed) and shared by every seeded invoice. */
function buildTinyPdf(): Buffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    null,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  const content = 'BT /F1 18 Tf 72 770 Td (Facture - bac a sable Chorus Pro) Tj ET';
  objects[3] = `<< /Length ${content.length} >>\nstream\n${content}\nendstream`;
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const off of offsets) out += `${String(off).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

export const tinyPdf: Buffer = buildTinyPdf();

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function luhnDigit(body: string): string {
  // Check digit such that body+digit passes Luhn.
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}

export function isLuhnValid(digits: string): boolean {
  return luhnDigit(digits.slice(0, -1)) === digits.slice(-1);
}

/** SIREN and the full SIRET both pass the Luhn check, like real INSEE numbers. */
export function makeSiret(rand: () => number): string {
  const digits = (n: number) => Array.from({ length: n }, () => Math.floor(rand() * 10)).join('');
  const siren8 = String(1 + Math.floor(rand() * 9)) + digits(7);
  const siren = siren8 + luhnDigit(siren8);
  const nic4 = '0' + digits(3);
  return siren + nic4 + luhnDigit(siren + nic4);
}

/** French IBAN with a valid RIB key and ISO 13616 check digits. */
export function makeIban(rand: () => number): string {
  const digits = (n: number) => Array.from({ length: n }, () => Math.floor(rand() * 10)).join('');
  const bank = '3' + digits(4);
  const branch = digits(5);
  const account = digits(11);
  const key = 97 - Number((89n * BigInt(bank) + 15n * BigInt(branch) + 3n * BigInt(account)) % 97n);
  const bban = bank + branch + account + String(key).padStart(2, '0');
  const check = 98 - Number(BigInt(bban + '152700') % 97n);
  return `FR${String(check).padStart(2, '0')}${bban}`;
}

const trades: Array<[string, string[]]> = [
  ['Boulangerie', ['Pain de campagne', 'Viennoiseries réception', 'Baguettes cantine']],
  ['Menuiserie', ['Porte chêne massif', 'Réparation fenêtres école', 'Étagères bibliothèque']],
  ['Imprimerie', ['Bulletin municipal 2 000 ex.', 'Affiches A3 couleur', 'Enveloppes à fenêtre']],
  ['Transports', ['Sortie scolaire autocar', 'Navette séniors', 'Transport matériel fête']],
  ['Électricité', ['Mise aux normes tableau', 'Éclairage public LED', 'Dépannage salle des fêtes']],
  ['Plomberie', ['Remplacement chauffe-eau', 'Réparation fuite gymnase', 'Robinetterie mairie']],
  ['Librairie', ['Livres médiathèque', 'Manuels scolaires', 'Abonnements presse']],
  ['Traiteur', ['Repas cérémonie 11 novembre', 'Buffet vœux du maire', 'Goûter centre de loisirs']],
  ['Espaces verts', ['Tonte terrains de sport', 'Taille des haies', 'Plantations massifs']],
  ['Informatique', ['Maintenance parc PC', 'Licences bureautique', 'Écrans 24 pouces']],
];
const surnames = ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau', 'Simon', 'Laurent', 'Lefebvre', 'Michel', 'Garcia'];
const forms = ['SARL', 'SAS', 'EURL', 'SA'];
const vatRates = ['20.00', '20.00', '20.00', '10.00', '5.50'];

export type SeedOptions = {
  recipientSiret?: string;
  /** Service codes to spread invoices over; null = no service (default service). */
  serviceCodes?: Array<string | null>;
  /** Current-status instants are spread evenly from `from` by `stepMs` (default: 1 s apart, ending now). */
  from?: Date;
  stepMs?: number;
  seed?: number;
  /** Indices (0-based in this batch) that carry a defect. */
  defects?: Record<number, SandboxInvoiceDefect>;
};

/** Builds a realistic draft: French supplier, 1–4 lines, exact decimal totals, EJ most of the time. */
export function makeDraft(rand: () => number, seq: number, opts: { recipientSiret: string; codeService: string | null; today: string }): SandboxInvoiceDraft {
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
  const tradeIdx = Math.floor(rand() * trades.length);
  const [trade, products] = trades[tradeIdx];
  const surname = pick(surnames);
  // Suppliers repeat across invoices (same trade+surname → same SIRET), as in real inboxes.
  const supplierRand = prng(tradeIdx * 100 + surnames.indexOf(surname));
  const supplier = {
    siret: makeSiret(supplierRand),
    designation: `${trade} ${surname} ${forms[(tradeIdx + surname.length) % forms.length]}`,
    iban: makeIban(supplierRand),
    bic: 'CCBPFRPPXXX',
    codePays: 'FR',
  };
  const lineCount = 1 + Math.floor(rand() * 4);
  const lines: SandboxLine[] = [];
  const vatByRate = new Map<string, string[]>();
  for (let i = 0; i < lineCount; i++) {
    const qty = rand() < 0.2 ? (1 + Math.floor(rand() * 40) / 4).toFixed(2) : String(1 + Math.floor(rand() * 20));
    const unit = toAmount(dec(500 + Math.floor(rand() * 250_000)).div(100));
    const ht = toAmount(dec(qty).times(unit));
    const rate = pick(vatRates);
    lines.push({ numero: i + 1, reference: pick(products), denomination: pick(products), quantite: qty, prixUnitaire: unit, montantHT: ht, tauxTva: rate });
    vatByRate.set(rate, [...(vatByRate.get(rate) ?? []), ht]);
  }
  const totalHT = toAmount(sumAmounts(lines.map((l) => l.montantHT)));
  // VAT is computed per rate on the base, then summed (EN 16931 style).
  const totalTVA = toAmount(sumAmounts([...vatByRate].map(([rate, hts]) => toAmount(sumAmounts(hts).times(rate).div(100)))));
  const ttc = toAmount(dec(totalHT).plus(totalTVA));
  const year = opts.today.slice(0, 4);
  const attachments: SandboxAttachment[] = [{ name: `facture-${seq}.pdf`, mime: 'application/pdf', typePJ: '01', content: tinyPdf }];
  return {
    numeroFacture: `F${year}-${String(seq).padStart(6, '0')}`,
    dateFacture: addDays(opts.today, -Math.floor(rand() * 10)),
    recipientSiret: opts.recipientSiret,
    codeService: opts.codeService,
    supplier,
    typeFacture: 'FACTURE',
    montantHT: totalHT,
    montantTVA: totalTVA,
    montantTTC: ttc,
    engagement: rand() < 0.7 ? `EJ${String(1_000_000_000 + Math.floor(rand() * 8_999_999_999))}` : null,
    numeroMarche: rand() < 0.3 ? `M${year}-${String(Math.floor(rand() * 999)).padStart(3, '0')}` : null,
    lines,
    attachments,
  };
}

let seedSequence = 1;

/** Deposits n invoices straight into the state (no HTTP), made available to the recipient. */
export function seedInvoices(state: SandboxState, n: number, opts: SeedOptions = {}): number[] {
  const rand = prng(opts.seed ?? seedSequence * 7919);
  const recipientSiret = opts.recipientSiret ?? defaultStructure.siret;
  const codes = opts.serviceCodes ?? [null, 'FINANCES', 'SERVICES_TECHNIQUES', 'CULTURE', 'EDUCATION'];
  const step = opts.stepMs ?? 1000;
  // By default the batch ends now, so every invoice falls inside a window ending today.
  const from = opts.from ? opts.from.getTime() : state.clock.now().getTime() - n * step - 3;
  const today = parisDay(new Date(from));
  const flow = state.nextFlowNumber();
  const ids: number[] = [];
  for (let i = 0; i < n; i++) {
    const draft = makeDraft(rand, seedSequence++, { recipientSiret, codeService: codes[i % codes.length], today });
    if (opts.defects?.[i]) draft.defect = opts.defects[i];
    const res = state.integrateInvoice(draft, flow, from + i * step);
    if (!('idFacture' in res)) throw new Error(`seed failed: ${res.reason}`);
    ids.push(res.idFacture);
  }
  return ids;
}
