/** Test material for the self-billing mail tests: delivery status notifications as an MTA writes them. */

/** The header block of a message as received (the part a DSN returns as text/rfc822-headers). */
export const headersOf = (raw: string) => raw.slice(0, raw.search(/\r?\n\r?\n/)).replace(/\r?\n/g, '\r\n');

/** A multipart/report DSN (RFC 3464) in the shape Postfix writes. */
export function buildDsn({ id, recipient, originalHeaders, action = 'failed', status = '5.1.1', diagnostic = '550 5.1.1 Recipient address rejected: User unknown' }: { id: string; recipient: string; originalHeaders: string; action?: string; status?: string; diagnostic?: string }) {
  const b = `=_dsn_${id.replace(/\W/g, '')}`;
  return [
    'Return-Path: <>',
    'From: MAILER-DAEMON@mx.example.test (Mail Delivery System)',
    'To: autofacturation@relais.test',
    'Subject: Undelivered Mail Returned to Sender',
    `Message-ID: <${id}@mx.example.test>`,
    'Date: Tue, 03 Nov 2026 09:00:00 +0100',
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status;`,
    `\tboundary="${b}"`,
    '',
    `--${b}`,
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'This is the mail system at host mx.example.test.',
    "I'm sorry to have to inform you that your message could not be delivered.",
    '',
    `--${b}`,
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.example.test',
    '',
    `Final-Recipient: rfc822; ${recipient}`,
    `Original-Recipient: rfc822;${recipient}`,
    `Action: ${action}`,
    `Status: ${status}`,
    `Diagnostic-Code: smtp; ${diagnostic}`,
    '',
    `--${b}`,
    'Content-Type: text/rfc822-headers',
    '',
    originalHeaders,
    '',
    `--${b}--`,
    '',
  ].join('\r\n');
}

export const humanMail = (id: string) =>
  ['From: Jeanne Martin <jeanne@relais.example.test>', 'To: autofacturation@relais.test', 'Subject: Question sur ma facture', `Message-ID: <${id}@relais.example.test>`, '', 'Bonjour, pouvez-vous me rappeler ?', ''].join('\r\n');
