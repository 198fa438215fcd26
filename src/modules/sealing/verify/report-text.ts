import type { SignatureReport, VerifyReport } from './verify.models.js';

const yes = (b: boolean) => (b ? 'oui' : 'NON');
const cn = (dn: string) => dn.split(', ').find((p) => p.startsWith('CN=')) ?? dn.split(', ')[0];

function signatureLines(s: SignatureReport): string[] {
  const l: string[] = [];
  l.push(`Signature #${s.index}${s.fieldName ? ` (${s.fieldName})` : ''} — ${s.kind === 'document-timestamp' ? 'horodatage de document' : 'signature'}${s.subFilter ? `, ${s.subFilter}` : ''}`);
  if (s.signer) l.push(`  Signataire : ${s.signer.subject}`, `  Émetteur : ${s.signer.issuer}`);
  l.push(`  Plages signées : ${s.byteRange.value ? JSON.stringify(s.byteRange.value) : 'invalides'} — document entier signé : ${yes(s.byteRange.coversWholeFile)}`);
  l.push(`  Empreinte (${s.integrity.digestAlgorithm ?? '?'}) conforme : ${yes(s.integrity.digestMatches)} — signature CMS valide : ${yes(s.integrity.signatureValid)}`);
  if (s.kind === 'signature') {
    l.push(`  Attributs signés : ${s.attributes.signed.join(', ') || '—'}${s.attributes.unsigned.length ? ` ; non signés : ${s.attributes.unsigned.join(', ')}` : ''}`);
    l.push(`  Niveau PAdES atteint : ${s.pades.level}${s.pades.problems.length ? ` (${s.pades.problems.join(' ; ')})` : ''}`);
  }
  l.push(`  Heure de signature : ${s.signingTime.used} (${{ timestamp: 'prouvée par horodatage', claimed: 'déclarée (/M), non prouvée', 'verification-time': 'heure de vérification' }[s.signingTime.source]})`);
  if (s.timestamp) l.push(`  Horodatage : ${s.timestamp.genTime ?? '?'} par ${s.timestamp.tsa ?? '?'} — valide : ${yes(s.timestamp.valid)}, de confiance : ${yes(s.timestamp.trusted)}`);
  l.push(`  Chaîne de certification : ${s.chain.certificates.map((c) => cn(c.subject)).join(' → ') || '—'} — de confiance : ${yes(s.chain.trusted)}${s.chain.anchor ? ` (ancre : ${s.chain.anchor})` : ''}`);
  l.push(`  Certificats valides à l'heure de signature : ${yes(s.validityAtSigningTime.ok)}`);
  l.push(`  Révocation : ${s.revocation.status}${s.revocation.checked.length ? ` (${s.revocation.checked.map((c) => `${cn(c.subject)}: ${c.status}${c.source ? ` via ${c.source}` : ''}`).join(' ; ')})` : ''}`);
  l.push(`  Modifications après signature : ${s.changesAfterSigning.status}${s.changesAfterSigning.details.length ? ` — ${s.changesAfterSigning.details.join(' ; ')}` : ''}`);
  l.push(`  Verdict : ${s.valid ? 'VALIDE' : 'NON VALIDE'}${s.problems.length ? ` — ${s.problems.join(' ; ')}` : ''}`);
  return l;
}

/** Human-readable verification report (French, as shown to buyers checking an acte d'engagement). */
export function formatVerifyReport(r: VerifyReport, file: string): string {
  const out = [`Fichier : ${file} (${r.fileSize} octets) — ${r.signatures.length} signature(s)${r.dss ? ', DSS présent' : ''}`];
  for (const s of r.signatures) out.push(...signatureLines(s));
  out.push(`Résultat : ${r.valid ? 'VALIDE' : 'NON VALIDE'}${r.problems.length ? ` — ${r.problems.join(' ; ')}` : ''}`);
  return out.join('\n') + '\n';
}
