import { Readable } from 'node:stream';

/**
 * Streaming CSV reader (RFC 4180: quoted fields, doubled quotes, newlines inside quotes).
 * The separator is guessed from the header line (`;` as French spreadsheets write, or `,`).
 * Memory stays flat: records are yielded as they complete. A record over `maxRecordChars` is an error.
 */
export async function* readCsv(input: Readable | AsyncIterable<Buffer | string>, { maxRecordChars = 100_000 } = {}): AsyncGenerator<{ line: number; fields: string[] }> {
  let sep: string | null = null;
  let field = '';
  let fields: string[] = [];
  let inQuotes = false;
  let pendingQuote = false;
  let line = 1;
  let recordLine = 1;
  let recordChars = 0;
  let bomChecked = false;
  let headerBuffer = '';
  for await (const chunk of input as AsyncIterable<Buffer | string>) {
    let text = typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    if (!bomChecked) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      bomChecked = true;
    }
    if (sep === null) {
      headerBuffer += text;
      const nl = headerBuffer.indexOf('\n');
      if (nl < 0 && headerBuffer.length < 10_000) continue;
      const head = headerBuffer.slice(0, nl < 0 ? undefined : nl);
      sep = (head.match(/;/g)?.length ?? 0) >= (head.match(/,/g)?.length ?? 0) ? ';' : ',';
      text = headerBuffer;
    }
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (++recordChars > maxRecordChars) throw new Error(`ligne ${recordLine} : enregistrement trop long`);
      if (inQuotes) {
        if (pendingQuote) {
          pendingQuote = false;
          if (c === '"') {
            field += '"';
            continue;
          }
          inQuotes = false;
        } else if (c === '"') {
          pendingQuote = true;
          continue;
        } else {
          if (c === '\n') line++;
          field += c;
          continue;
        }
      }
      if (c === '"' && field === '') inQuotes = true;
      else if (c === sep) {
        fields.push(field);
        field = '';
      } else if (c === '\n') {
        fields.push(field.endsWith('\r') ? field.slice(0, -1) : field);
        if (!(fields.length === 1 && fields[0] === '')) yield { line: recordLine, fields };
        fields = [];
        field = '';
        line++;
        recordLine = line;
        recordChars = 0;
      } else field += c;
    }
  }
  if (pendingQuote) inQuotes = false;
  if (inQuotes) throw new Error(`ligne ${recordLine} : guillemet non fermé`);
  if (sep === null && headerBuffer) {
    yield* readCsv(Readable.from([headerBuffer + "\n"]));
    return;
  }
  if (field !== '' || fields.length) {
    fields.push(field.endsWith('\r') ? field.slice(0, -1) : field);
    yield { line: recordLine, fields };
  }
}

/** Reads records as objects keyed by the (trimmed, lower-cased) header names. */
export async function* readCsvObjects(input: Readable | AsyncIterable<Buffer | string>): AsyncGenerator<{ line: number; row: Record<string, string> }> {
  let header: string[] | null = null;
  for await (const r of readCsv(input)) {
    if (!header) {
      header = r.fields.map((h) => h.trim().toLowerCase());
      continue;
    }
    const row: Record<string, string> = {};
    header.forEach((h, i) => (row[h] = (r.fields[i] ?? '').trim()));
    yield { line: r.line, row };
  }
}
