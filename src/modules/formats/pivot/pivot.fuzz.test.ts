import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../../shared/errors.js';
import { buildPivot, readPivot } from './index.js';

function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pivot = buildPivot({
  envelope: { parametres: [{ numOrdre: '0001', code: 'DtPrd', valeur: '2026-11-21' }], emetteur: '12345678200077', recepteur: '21750001600019' },
  invoices: [
    {
      numOrdre: '1',
      fournisseur: { identifiant: '12345678200077', raisonSociale: 'ISV' },
      debiteur: { identifiant: '21750001600019', codeService: 'FIN' },
      numero: 'F1',
      montants: { ht: '10.00', ttc: '12.00', netAPayer: '12.00' },
      lignes: [{ numOrdre: '1', montantHT: '10.00' }],
      pieces: [{ numOrdre: '1', filename: 'a.txt', typePJ: '02', mime: 'text/plain', bytes: strToU8('bonjour '.repeat(200)) }],
    },
  ],
});

function survives(bytes: Uint8Array, label: string): void {
  const t = Date.now();
  try {
    readPivot(bytes, { timeBudgetMs: 2_000 });
  } catch (e) {
    expect(isAppError(e) && e.code, `${label}: ${(e as Error).stack}`).toBe('formats.unreadable');
  }
  expect(Date.now() - t, label).toBeLessThan(3_000);
}

describe('PIVOT reader under hostile input', () => {
  it('survives truncations and random mutations of a PIVOT XML and of its zip', () => {
    const zipped = zipSync({ 'pivot.xml': pivot });
    const rand = rng(42);
    for (const src of [pivot, zipped]) {
      for (let i = 1; i < 40; i++) survives(src.subarray(0, Math.floor((src.length * i) / 40)), `cut ${i}`);
      for (let i = 0; i < 150; i++) {
        const b = Uint8Array.from(src);
        for (let k = 0; k < 1 + Math.floor(rand() * 10); k++) b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256);
        survives(b, `mutation ${i}`);
      }
    }
  });

  it('bounds deep nesting and huge entry counts declared in a zip', () => {
    survives(strToU8('<CPPFacturePivot>' + '<a>'.repeat(10_000) + '</CPPFacturePivot>'), 'deep');
    const entries: Record<string, Uint8Array> = {};
    for (let i = 0; i < 5_000; i++) entries[`e${i}`] = new Uint8Array(0);
    expect(() => readPivot(zipSync(entries))).toThrowError(expect.objectContaining({ code: 'formats.unreadable' }));
    expect(() => readPivot(zipSync({ 'pivot.xml': pivot }), { maxTotalBytes: 100 })).toThrowError(expect.objectContaining({ code: 'formats.unreadable' }));
  });
});
