import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export type ReceivedMail = { from: string; to: string[]; subject: string; text: string; html: string; messageId: string; raw: string };

function decodeWords(s: string): string {
  return s.replace(/\?=\s+=\?/g, '?==?').replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_m, _cs, enc: string, data: string) =>
    enc.toUpperCase() === 'B' ? Buffer.from(data, 'base64').toString('utf8') : Buffer.from(qpBytes(data.replace(/_/g, ' '))).toString('utf8'),
  );
}

function qpBytes(s: string): number[] {
  const out: number[] = [];
  const src = Buffer.from(s.replace(/=\r?\n/g, ''), 'utf8');
  for (let i = 0; i < src.length; i++) {
    if (src[i] === 0x3d && /^[0-9A-Fa-f]{2}$/.test(String.fromCharCode(src[i + 1], src[i + 2]))) {
      out.push(parseInt(String.fromCharCode(src[i + 1], src[i + 2]), 16));
      i += 2;
    } else out.push(src[i]);
  }
  return out;
}

function splitPart(part: string) {
  const idx = part.search(/\r?\n\r?\n/);
  const head = part.slice(0, idx).replace(/\r?\n[ \t]+/g, ' ');
  const body = part.slice(idx).replace(/^\r?\n\r?\n/, '');
  const header = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(head)?.[1]?.trim() ?? '';
  return { header, body };
}

function decodeBody(header: (n: string) => string, body: string) {
  const cte = header('Content-Transfer-Encoding').toLowerCase();
  if (cte === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (cte === 'quoted-printable') return Buffer.from(qpBytes(body)).toString('utf8');
  return body;
}

/** Enough MIME to read what nodemailer sends: encoded-word headers, QP/base64, multipart/alternative. */
export function parseMail(raw: string): Omit<ReceivedMail, 'from' | 'to'> {
  const top = splitPart(raw);
  let text = '';
  let html = '';
  const ct = top.header('Content-Type');
  const boundary = /boundary="?([^";]+)"?/i.exec(ct)?.[1];
  if (boundary) {
    for (const p of top.body.split(`--${boundary}`).slice(1)) {
      if (p.startsWith('--')) break;
      const part = splitPart(p.replace(/^\r?\n/, ''));
      const pct = part.header('Content-Type').toLowerCase();
      if (pct.startsWith('text/plain')) text = decodeBody(part.header, part.body);
      if (pct.startsWith('text/html')) html = decodeBody(part.header, part.body);
    }
  } else text = decodeBody(top.header, top.body);
  return { subject: decodeWords(top.header('Subject')), text: text.replace(/\r\n/g, '\n'), html, messageId: top.header('Message-ID'), raw };
}

/** A real SMTP server on 127.0.0.1 collecting what it receives; `reject` answers 550 for chosen recipients. */
export async function startSmtpSink({ port = 0, reject = [] as string[], mails = [] as ReceivedMail[] } = {}) {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, cb) {
      if (reject.includes(address.address)) return cb(Object.assign(new Error('Boîte inconnue'), { responseCode: 550 }));
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const parsed = parseMail(Buffer.concat(chunks).toString('utf8'));
        mails.push({ ...parsed, from: session.envelope.mailFrom ? (session.envelope.mailFrom as { address: string }).address : '', to: session.envelope.rcptTo.map((r) => r.address) });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const actualPort = (server.server.address() as AddressInfo).port;
  return { port: actualPort, mails, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
