/**
 * Robustness: mutated, truncated and hostile XML must end in either a validation report or a
 * clear `formats.unreadable` AppError — never another exception, never a hang.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../shared/errors.js';
import { readXmlInvoice } from './formats.read.js';
import { validateInvoice } from './formats.validate.js';

const en = path.resolve(process.cwd(), '../shared/testdata/en16931');
const seeds = [
  'cii/examples/CII_example1.xml',
  'cii/examples/CII_business_example_01.xml',
  'ubl/examples/ubl-tc434-example2.xml',
  'ubl/examples/ubl-tc434-creditnote1.xml',
  'test/testfiles/Invoice-Max_content.xml',
].map((f) => readFileSync(path.join(en, f), 'utf8'));

/** Small deterministic PRNG (mulberry32) so failures are reproducible. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Outcome = 'report' | 'unreadable';

function outcome(xml: string | Uint8Array): { kind: Outcome; ms: number } {
  const bytes = typeof xml === 'string' ? new TextEncoder().encode(xml) : xml;
  const t = performance.now();
  try {
    const report = validateInvoice(readXmlInvoice(bytes));
    expect(Array.isArray(report.findings)).toBe(true);
    expect(report.fatalCount + report.warningCount).toBeLessThanOrEqual(report.findings.length);
    for (const f of report.findings) {
      expect(f.ruleId).toMatch(/^[A-Z]/);
      expect(f.message.fr.length).toBeGreaterThan(0);
    }
    return { kind: 'report', ms: performance.now() - t };
  } catch (e) {
    if (isAppError(e) && e.code === 'formats.unreadable') {
      expect(e.message).toMatch(/^Document/);
      return { kind: 'unreadable', ms: performance.now() - t };
    }
    throw e;
  }
}

const GARBAGE = ['', ' ', 'abc', '-', '1e5', '1.2.3', '-0', '99999999999999999999999999999.999999', '0x10', 'NaN', '&amp;', '<![CDATA[x]]>', '١٢٣'];

function mutate(src: string, rnd: () => number): string {
  const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)];
  const pos = Math.floor(rnd() * src.length);
  switch (Math.floor(rnd() * 8)) {
    case 0: // truncate
      return src.slice(0, pos);
    case 1: {
      // flip a character
      const c = String.fromCharCode(Math.floor(rnd() * 128));
      return src.slice(0, pos) + c + src.slice(pos + 1);
    }
    case 2: {
      // replace an element's text with garbage
      const matches = [...src.matchAll(/>([^<>]+)</g)];
      if (matches.length === 0) return src;
      const m = pick(matches);
      const i = m.index! + 1;
      return src.slice(0, i) + pick(GARBAGE) + src.slice(i + m[1].length);
    }
    case 3: {
      // delete a whole leaf element
      const matches = [...src.matchAll(/<([\w:]+)[^<>]*>[^<>]*<\/\1>/g)];
      if (matches.length === 0) return src;
      const m = pick(matches);
      return src.slice(0, m.index!) + src.slice(m.index! + m[0].length);
    }
    case 4: {
      // duplicate a leaf element
      const matches = [...src.matchAll(/<([\w:]+)[^<>]*>[^<>]*<\/\1>/g)];
      if (matches.length === 0) return src;
      const m = pick(matches);
      return src.slice(0, m.index!) + m[0] + m[0] + src.slice(m.index!);
    }
    case 5: {
      // change or remove an attribute value
      const matches = [...src.matchAll(/(\w+)="([^"]*)"/g)].filter((m) => !m[1].startsWith('xmlns'));
      if (matches.length === 0) return src;
      const m = pick(matches);
      return src.slice(0, m.index!) + (rnd() < 0.5 ? '' : `${m[1]}="${pick(GARBAGE).replace(/[<&"]/g, '')}"`) + src.slice(m.index! + m[0].length);
    }
    case 6: {
      // swap two leaf values
      const matches = [...src.matchAll(/>([^<>\s][^<>]*)</g)];
      if (matches.length < 2) return src;
      const a = pick(matches);
      const b = pick(matches);
      if (a.index === b.index) return src;
      const [x, y] = a.index! < b.index! ? [a, b] : [b, a];
      return src.slice(0, x.index! + 1) + y[1] + src.slice(x.index! + 1 + x[1].length, y.index! + 1) + x[1] + src.slice(y.index! + 1 + y[1].length);
    }
    default: {
      // drop a namespace declaration
      return src.replace(/\s+xmlns:\w+="[^"]*"/, '');
    }
  }
}

describe('fuzzing the reader and validator', () => {
  it('never crashes nor hangs on 400 random mutations of official examples', () => {
    const rnd = prng(20261122);
    const counts: Record<Outcome, number> = { report: 0, unreadable: 0 };
    let slowest = 0;
    for (let i = 0; i < 400; i++) {
      let xml = seeds[i % seeds.length];
      const rounds = 1 + Math.floor(rnd() * 3);
      for (let r = 0; r < rounds; r++) xml = mutate(xml, rnd);
      const { kind, ms } = outcome(xml);
      counts[kind]++;
      slowest = Math.max(slowest, ms);
    }
    expect(counts.report).toBeGreaterThan(30);
    expect(counts.unreadable).toBeGreaterThan(30);
    expect(slowest).toBeLessThan(2000);
  });

  it('refuses hostile documents with formats.unreadable quickly', () => {
    const hostile: Array<[string, string | Uint8Array]> = [
      ['XXE', '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">&x;</Invoice>'],
      ['billion laughs', `<!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">${Array.from({ length: 9 }, (_, i) => `<!ENTITY b${i} "${'&a;'.repeat(10)}">`).join('')}]><l>&b8;</l>`],
      ['external DTD', '<!DOCTYPE Invoice SYSTEM "http://evil.example/x.dtd"><Invoice/>'],
      ['deep nesting', '<a>'.repeat(100_000) + '</a>'.repeat(100_000)],
      ['huge', new Uint8Array(21 * 1024 * 1024).fill(0x20)],
      ['undeclared entity', '<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">&lol;</Invoice>'],
      ['not an invoice', '<html><body/></html>'],
      ['binary', new Uint8Array([0, 1, 2, 3, 0xff, 0xfe, 0x3c])],
      ['unclosed', '<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100">'],
    ];
    for (const [name, input] of hostile) {
      const { kind, ms } = outcome(input);
      expect(kind, name).toBe('unreadable');
      expect(ms, name).toBeLessThan(1000);
    }
  });

  it('survives pathological but well-formed invoices (huge numbers, many lines, empty everything)', () => {
    const ubl = seeds[2];
    const bigNumber = ubl.replace(/(<cbc:PayableAmount[^>]*>)[^<]*/, `$1${'9'.repeat(5000)}.${'1'.repeat(5000)}`);
    expect(outcome(bigNumber).kind).toBe('report');
    const line = /<cac:InvoiceLine>[\s\S]*?<\/cac:InvoiceLine>/.exec(ubl)![0];
    const manyLines = ubl.replace(line, line.repeat(1000));
    const r = outcome(manyLines);
    expect(r.kind).toBe('report');
    expect(r.ms).toBeLessThan(5000);
    const emptied = ubl.replace(/>[^<>]+</g, '><');
    expect(outcome(emptied).kind).toBe('report');
    const cii = seeds[0].replace(/>[^<>]+</g, '><');
    expect(outcome(cii).kind).toBe('report');
  });
});
