import { readFileSync } from 'node:fs';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../../shared/errors.js';
import { readFacturX } from './facturx.reader.js';

const samples = path.resolve(process.cwd(), '../shared/testdata/pdf-samples');
const load = (rel: string) => new Uint8Array(readFileSync(path.join(samples, rel)));

/** Deterministic PRNG (mulberry32) so that a failing case can be replayed. */
function rng(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Reads and classifies: a result, or `formats.unreadable`; anything else (crash) fails the test. */
function outcome(bytes: Uint8Array, label: string): 'ok' | 'problems' | 'unreadable' {
  const t = Date.now();
  try {
    const r = readFacturX(bytes, { timeBudgetMs: 2_000 });
    expect(Date.now() - t, `${label}: too slow`).toBeLessThan(3_000);
    return r.problems.length ? 'problems' : 'ok';
  } catch (e) {
    expect(isAppError(e) && e.code, `${label}: ${(e as Error).stack}`).toBe('formats.unreadable');
    expect((e as Error).message.length).toBeGreaterThan(15);
    return 'unreadable';
  }
}

/** Assembles a classic-xref PDF from object bodies (1-based), so hostile structures are easy to write. */
function buildPdf(objects: Array<string | { dict: string; data: Uint8Array }>, trailerExtra = ''): Uint8Array {
  const parts: Buffer[] = [Buffer.from('%PDF-1.7\n%\xff\xff\n', 'latin1')];
  const offsets: number[] = [];
  let pos = parts[0].length;
  objects.forEach((o, i) => {
    offsets.push(pos);
    const chunk =
      typeof o === 'string'
        ? Buffer.from(`${i + 1} 0 obj\n${o}\nendobj\n`, 'latin1')
        : Buffer.concat([Buffer.from(`${i + 1} 0 obj\n${o.dict.replace('LEN', String(o.data.length))}\nstream\n`, 'latin1'), Buffer.from(o.data), Buffer.from('\nendstream\nendobj\n')]);
    parts.push(chunk);
    pos += chunk.length;
  });
  const xref = [`xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`, ...offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`)].join('');
  parts.push(Buffer.from(`${xref}trailer\n<< /Size ${objects.length + 1} /Root 1 0 R ${trailerExtra}>>\nstartxref\n${pos}\n%%EOF\n`, 'latin1'));
  return new Uint8Array(Buffer.concat(parts));
}

const catalogWithAttachment = '<< /Type /Catalog /Pages 2 0 R /AF [4 0 R] /Names << /EmbeddedFiles << /Names [(factur-x.xml) 4 0 R] >> >> >>';
const pages = '<< /Type /Pages /Kids [3 0 R] /Count 1 >>';
const page = '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>';
const filespec = '<< /Type /Filespec /F (factur-x.xml) /UF (factur-x.xml) /AFRelationship /Data /EF << /F 5 0 R >> >>';

describe('Factur-X reader under hostile input: no crash, no hang, a clear error', () => {
  it('every truncation of a valid Factur-X is either read (with problems) or refused as unreadable', () => {
    const pdf = load('ZUGFeRD-corpus/ZUGFeRDv2/correct/FNFE-factur-x-examples/Facture_FR_MINIMUM.pdf');
    const seen = new Set<string>();
    for (let i = 1; i <= 60; i++) {
      const cut = Math.floor((pdf.length * i) / 61);
      const o = outcome(pdf.subarray(0, cut), `cut at ${cut}`);
      expect(o).not.toBe('ok'); // a truncated file is never a valid container
      seen.add(o);
    }
    expect(seen.has('unreadable') || seen.has('problems')).toBe(true);
  });

  it('400 random byte mutations of real samples never crash', () => {
    const files = [
      'ZUGFeRD-corpus/XML-Rechnung/FX/EN16931_Einfach.pdf',
      'ZUGFeRD-corpus/ZUGFeRDv2/correct/intarsys/MINIMUM/zugferd_2p0_MINIMUM.pdf',
      'mustangproject/validator/src/test/resources/validV2PDF.pdf',
      'ZUGFeRD-corpus/ZUGFeRDv2/correct/FNFE-factur-x-examples/Avoir_FR_type381_BASIC.pdf',
    ].map(load);
    const rand = rng(20261122);
    const counts = { ok: 0, problems: 0, unreadable: 0 };
    for (let i = 0; i < 400; i++) {
      const src = files[i % files.length];
      const bytes = Uint8Array.from(src);
      const flips = 1 + Math.floor(rand() * 20);
      for (let k = 0; k < flips; k++) bytes[Math.floor(rand() * bytes.length)] = Math.floor(rand() * 256);
      counts[outcome(bytes, `mutation #${i}`)]++;
    }
    expect(counts.ok + counts.problems + counts.unreadable).toBe(400);
  });

  it('a huge compressed embedded file (decompression bomb) is stopped by the ratio limit and reported', () => {
    const bomb = deflateSync(Buffer.alloc(40 * 1024 * 1024), { level: 9 });
    const pdf = buildPdf([catalogWithAttachment, pages, page, filespec, { dict: '<< /Type /EmbeddedFile /Subtype /text#2Fxml /Filter /FlateDecode /Length LEN >>', data: bomb }]);
    const t = Date.now();
    const r = readFacturX(pdf);
    expect(Date.now() - t).toBeLessThan(3_000);
    expect(r.xml).toBeNull();
    expect(r.problems.join('\n')).toMatch(/factur-x\.xml.*illisible.*(bombe|limite)/);
  });

  it('many embedded files sharing one decompression budget: the ones past it are reported, not decoded', () => {
    const rand = rng(7);
    const body = Buffer.from(Array.from({ length: 400_000 }, () => String.fromCharCode(97 + Math.floor(rand() * 26))).join(''));
    const stream = { dict: '<< /Type /EmbeddedFile /Subtype /text#2Fxml /Filter /FlateDecode /Length LEN >>', data: deflateSync(body) };
    const spec = (n: number, name: string) => `<< /Type /Filespec /F (${name}) /UF (${name}) /AFRelationship /Data /EF << /F ${n} 0 R >> >>`;
    const pdf = buildPdf([
      '<< /Type /Catalog /Pages 2 0 R /AF [4 0 R 6 0 R 8 0 R] >>',
      pages,
      page,
      spec(5, 'a.xml'),
      stream,
      spec(7, 'b.xml'),
      stream,
      spec(9, 'factur-x.xml'),
      stream,
    ]);
    const r = readFacturX(pdf, { maxTotalDecodedBytes: 1_000_000 });
    expect(r.attachments.map((a) => a.bytes?.length ?? null)).toEqual([400_000, 400_000, null]);
    expect(r.attachments[2].error).toMatch(/limite|volume total/);
    expect(r.problems.join('\n')).toContain('« factur-x.xml » illisible');
  });

  it('an object stream bomb, a self-referencing Length, deep nesting and reference loops end in formats.unreadable or problems', () => {
    const objStmBomb = buildPdf([
      '<< /Type /Catalog /Pages 2 0 R >>',
      pages,
      page,
      { dict: '<< /Type /XRef /Size 5 /W [1 2 1] /Filter /FlateDecode /Length LEN >>', data: deflateSync(Buffer.alloc(30 * 1024 * 1024)) },
    ]);
    expect(outcome(objStmBomb, 'objstm bomb')).not.toBe('ok');
    const deep = buildPdf(['<< /Type /Catalog /Pages 2 0 R /X ' + '['.repeat(50_000) + ' >>', pages, page]);
    expect(outcome(deep, 'deep nesting')).not.toBe('ok');
    const loop = buildPdf(['<< /Type /Catalog /Pages 2 0 R /AF 4 0 R /Metadata 5 0 R >>', pages, page, '4 0 R', '<< /Length 5 0 R >>']);
    expect(outcome(loop, 'reference loop')).not.toBe('ok');
    const kidsLoop = buildPdf([
      '<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles 4 0 R >> >>',
      pages,
      page,
      '<< /Kids [4 0 R 4 0 R] >>',
    ]);
    expect(outcome(kidsLoop, 'name tree loop')).not.toBe('ok');
  });

  it('refuses encrypted files, too many pages, non-PDF bytes and oversize files with a precise reason', () => {
    const enc = buildPdf(['<< /Type /Catalog /Pages 2 0 R >>', pages, page, '<< /Filter /Standard /V 2 /R 3 >>'], '/Encrypt 4 0 R');
    expect(() => readFacturX(enc)).toThrowError(expect.objectContaining({ code: 'formats.unreadable', message: expect.stringContaining('chiffré') }));
    const many = buildPdf(['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [3 0 R] /Count 10000000 >>', page]);
    expect(() => readFacturX(many)).toThrowError(expect.objectContaining({ message: expect.stringContaining('trop de pages') }));
    expect(() => readFacturX(new TextEncoder().encode('<html>not a pdf</html>'))).toThrowError(expect.objectContaining({ message: expect.stringContaining('%PDF-') }));
    expect(() => readFacturX(new Uint8Array(2048).fill(0x25), { maxFileBytes: 1024 })).toThrowError(expect.objectContaining({ message: expect.stringContaining('trop volumineux') }));
    expect(outcome(new Uint8Array(0), 'empty')).toBe('unreadable');
  });
});
