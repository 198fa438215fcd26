/** Small helpers to write PDF syntax by hand for the objects of a signature update. */

/** PDF date string, in UTC ("D:YYYYMMDDHHmmSSZ"). */
export function pdfDate(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `D:${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
}

/** Parses a PDF date (with optional offset); undefined when malformed. */
export function parsePdfDate(s: string): Date | undefined {
  const m = s.match(/^D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(Z|[+-]\d{2}'?\d{2}'?)?/);
  if (!m) return undefined;
  const [y, mo, d, h, mi, se] = [m[1], m[2] ?? '01', m[3] ?? '01', m[4] ?? '00', m[5] ?? '00', m[6] ?? '00'].map(Number);
  let t = Date.UTC(y, mo - 1, d, h, mi, se);
  const tz = m[7];
  if (tz && tz !== 'Z') {
    const sign = tz[0] === '-' ? -1 : 1;
    const digits = tz.replace(/[^0-9]/g, '');
    t -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0')) * 60_000;
  }
  return new Date(t);
}

/** A PDF text string as UTF-16BE hex (works for any character, no escaping pitfalls). */
export function pdfTextHex(s: string): string {
  let hex = 'FEFF';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp > 0xffff) {
      const v = cp - 0x10000;
      hex += (0xd800 + (v >> 10)).toString(16).padStart(4, '0') + (0xdc00 + (v & 0x3ff)).toString(16).padStart(4, '0');
    } else hex += cp.toString(16).padStart(4, '0');
  }
  return `<${hex.toUpperCase()}>`;
}

/** A literal string in WinAnsi (Latin-1 subset) for content streams with a standard font. */
export function pdfLiteralLatin1(s: string): string {
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    const c = cp > 0xff ? '?' : ch;
    if (c === '(' || c === ')' || c === '\\') out += '\\' + c;
    else if (cp < 0x20 || (cp >= 0x7f && cp <= 0xff)) out += '\\' + cp.toString(8).padStart(3, '0');
    else out += c;
  }
  return `(${out})`;
}

/** PDF name with # escapes for delimiters and non-regular characters. */
export function pdfName(s: string): string {
  let out = '/';
  for (const b of new TextEncoder().encode(s)) {
    const c = String.fromCharCode(b);
    out += b < 0x21 || b > 0x7e || '#()<>[]{}/%'.includes(c) ? '#' + b.toString(16).padStart(2, '0') : c;
  }
  return out;
}
