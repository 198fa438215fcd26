/**
 * French texts of every notification. One function per event builds the in-app title/body, the
 * e-mail (subject, text, html) and the SMS line from the same data, so the channels agree.
 */

export const notificationEvents = [
  'invoice_received',
  'task_assigned',
  'deadline_near',
  'deadline_overdue',
  'push_failed',
  'refusal_proposed',
  'chorus_alert',
] as const;
export type NotificationEvent = (typeof notificationEvents)[number];

export const eventLabels: Record<NotificationEvent, string> = {
  invoice_received: 'Facture reçue',
  task_assigned: 'Tâche à traiter',
  deadline_near: 'Échéance proche',
  deadline_overdue: 'Délai de paiement dépassé',
  push_failed: 'Échec d’envoi vers Chorus Pro',
  refusal_proposed: 'Refus à arbitrer',
  chorus_alert: 'Alerte du connecteur Chorus Pro',
};

export type InvoiceRef = { id: string; number: string; supplierName: string; totalTtc: string | null };

export type Rendered = { title: string; body: string; subject: string; text: string; html: string; sms: string };

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const euros = (v: string | null) => (v === null ? 'montant non renseigné' : `${v.replace('.', ',')} €`);
export const invoiceLink = (publicUrl: string, invoiceId: string) => `${publicUrl.replace(/\/$/, '')}/factures/${encodeURIComponent(invoiceId)}`;

function build(title: string, lines: string[], link: string | null, sms: string): Rendered {
  const body = lines.join('\n');
  const text = `Bonjour,\n\n${body}\n${link ? `\nOuvrir la facture : ${link}\n` : ''}\n— Facteur`;
  const html = `<p>Bonjour,</p>${lines.map((l) => `<p>${esc(l)}</p>`).join('')}${link ? `<p><a href="${esc(link)}">Ouvrir la facture</a></p>` : ''}<p>— Facteur</p>`;
  return { title, body, subject: `[Facteur] ${title}`, text, html, sms: link ? `${sms} ${link}` : sms };
}

export const templates = {
  invoice_received: (inv: InvoiceRef, link: string) =>
    build(`Facture ${inv.number} reçue`, [`La facture ${inv.number} de ${inv.supplierName} (${euros(inv.totalTtc)}) a été reçue pour votre service.`], link, `Facteur : facture ${inv.number} reçue.`),
  task_assigned: (inv: InvoiceRef, link: string, step: { label: string; kind: string }) =>
    build(
      `${step.kind === 'signature' ? 'Signature' : 'Visa'} attendu : facture ${inv.number}`,
      [`Une étape du circuit vous attend : « ${step.label} » pour la facture ${inv.number} de ${inv.supplierName} (${euros(inv.totalTtc)}).`],
      link,
      `Facteur : ${step.kind === 'signature' ? 'signature' : 'visa'} attendu, facture ${inv.number}.`,
    ),
  deadline_near: (inv: InvoiceRef, link: string, d: { daysLeft: number; dueOn: string }) =>
    build(
      `Échéance dans ${d.daysLeft} jour${d.daysLeft > 1 ? 's' : ''} : facture ${inv.number}`,
      [`La facture ${inv.number} de ${inv.supplierName} (${euros(inv.totalTtc)}) doit être mandatée au plus tard le ${frDate(d.dueOn)} (encore ${d.daysLeft} jour${d.daysLeft > 1 ? 's' : ''}).`],
      link,
      `Facteur : facture ${inv.number} à mandater avant le ${frDate(d.dueOn)}.`,
    ),
  deadline_overdue: (inv: InvoiceRef, link: string, d: { daysLate: number; dueOn: string }) =>
    build(
      `Délai dépassé : facture ${inv.number}`,
      [`Le délai de mandatement de la facture ${inv.number} de ${inv.supplierName} a expiré le ${frDate(d.dueOn)} (${d.daysLate} jour${d.daysLate > 1 ? 's' : ''} de retard). Des intérêts moratoires courent à l'échéance du délai global.`],
      link,
      `Facteur : délai dépassé pour la facture ${inv.number}.`,
    ),
  push_failed: (inv: InvoiceRef, link: string, d: { error: string }) =>
    build(`Échec d’envoi vers Chorus Pro : facture ${inv.number}`, [`Le statut de la facture ${inv.number} n'a pas pu être transmis à Chorus Pro après plusieurs essais.`, `Erreur : ${d.error}`], link, `Facteur : échec d'envoi Chorus, facture ${inv.number}.`),
  chorus_sync_failing: (d: { failures: number; since: string; error: string | null }) =>
    build(
      'Synchronisation Chorus Pro en échec',
      [`Les ${d.failures} dernières synchronisations avec Chorus Pro ont échoué (depuis le ${frDate(d.since)}) : les nouvelles factures n'arrivent plus.`, `Dernière erreur : ${d.error ?? 'non précisée'}`, 'Vérifiez les réglages du connecteur (identifiants PISTE, compte technique).'],
      null,
      'Facteur : synchronisation Chorus Pro en échec.',
    ),
  chorus_password_expiring: (d: { expiresOn: string; daysLeft: number }) =>
    build(
      d.daysLeft <= 0 ? 'Mot de passe Chorus Pro expiré' : `Mot de passe Chorus Pro : expiration dans ${d.daysLeft} jour${d.daysLeft > 1 ? 's' : ''}`,
      [
        d.daysLeft <= 0
          ? `Le mot de passe du compte technique Chorus Pro a expiré le ${frDate(d.expiresOn)} : la synchronisation va échouer.`
          : `Le mot de passe du compte technique Chorus Pro expire le ${frDate(d.expiresOn)}.`,
        'Renouvelez-le sur Chorus Pro puis saisissez-le dans les réglages du connecteur.',
      ],
      null,
      `Facteur : mot de passe Chorus Pro ${d.daysLeft <= 0 ? 'expiré' : `expire le ${frDate(d.expiresOn)}`}.`,
    ),
  refusal_proposed: (inv: InvoiceRef, link: string, d: { proposal: string; reason: string }) =>
    build(
      `Refus au circuit : facture ${inv.number}`,
      [`Une étape du circuit a refusé la facture ${inv.number} de ${inv.supplierName} et propose ${d.proposal === 'reject' ? 'un rejet' : 'une suspension'}.`, `Motif : ${d.reason}`],
      link,
      `Facteur : refus au circuit, facture ${inv.number}.`,
    ),
};

export function digestMail(name: string, items: Array<{ eventType: string; title: string; link: string | null; createdAt: Date }>, publicUrl: string) {
  const groups = new Map<string, typeof items>();
  for (const i of items) groups.set(i.eventType, [...(groups.get(i.eventType) ?? []), i]);
  const label = (t: string) => eventLabels[t as NotificationEvent] ?? t;
  const textParts: string[] = [];
  const htmlParts: string[] = [];
  for (const [type, list] of groups) {
    textParts.push(`${label(type)} (${list.length}) :\n${list.map((i) => `  - ${i.title}${i.link ? ` — ${i.link}` : ''}`).join('\n')}`);
    htmlParts.push(`<h3>${esc(label(type))} (${list.length})</h3><ul>${list.map((i) => `<li>${i.link ? `<a href="${esc(i.link)}">${esc(i.title)}</a>` : esc(i.title)}</li>`).join('')}</ul>`);
  }
  const subject = `[Facteur] Votre récapitulatif : ${items.length} notification${items.length > 1 ? 's' : ''}`;
  const inbox = `${publicUrl.replace(/\/$/, '')}/notifications`;
  return {
    subject,
    text: `Bonjour ${name},\n\nVoici le récapitulatif de vos notifications :\n\n${textParts.join('\n\n')}\n\nVotre boîte de réception : ${inbox}\n\n— Facteur`,
    html: `<p>Bonjour ${esc(name)},</p><p>Voici le récapitulatif de vos notifications :</p>${htmlParts.join('')}<p><a href="${esc(inbox)}">Votre boîte de réception</a></p><p>— Facteur</p>`,
  };
}

export function supplierMail(kind: 'suspended' | 'rejected', d: { buyerName: string; number: string; reasonLabel: string | null; reason: string; documents?: string }) {
  const what = kind === 'suspended' ? 'suspendue' : 'rejetée';
  const lines = [
    `Votre facture n° ${d.number} adressée à ${d.buyerName} a été ${what}.`,
    `Motif : ${d.reasonLabel ? `${d.reasonLabel} — ` : ''}${d.reason}`,
    kind === 'suspended'
      ? 'Le délai de paiement est interrompu. Il recommencera à courir à la réception de l’ensemble des éléments demandés (art. R.2192-27 à R.2192-29 du code de la commande publique). Merci de répondre à ce message avec le document corrigé.'
      : 'Cette facture ne sera pas payée en l’état. Merci d’émettre, le cas échéant, une nouvelle facture.',
  ];
  return {
    subject: `Facture n° ${d.number} ${what} — ${d.buyerName}`,
    text: `Madame, Monsieur,\n\n${lines.join('\n\n')}\n\nCordialement,\n${d.buyerName}`,
    html: `<p>Madame, Monsieur,</p>${lines.map((l) => `<p>${esc(l)}</p>`).join('')}<p>Cordialement,<br>${esc(d.buyerName)}</p>`,
  };
}

export function frDate(day: string) {
  const [y, m, d] = day.split('-');
  return `${d}/${m}/${y}`;
}
