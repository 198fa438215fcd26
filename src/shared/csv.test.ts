import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readCsv, readCsvObjects } from './csv.js';

const collect = async <T>(g: AsyncGenerator<T>) => {
  const out: T[] = [];
  for await (const x of g) out.push(x);
  return out;
};

describe('streaming CSV', () => {
  it('reads semicolon files with quotes, doubled quotes and newlines inside quotes, across chunk boundaries', async () => {
    const text = '\uFEFFid;nom;adresse\r\n1;"Relais ""Chez Paul""";"12 rue X\nBât. B"\r\n2;Tabac;3 place Y\n';
    const chunks = text.match(/.{1,5}/gs)!.map((c) => Buffer.from(c));
    const rows = await collect(readCsv(Readable.from(chunks)));
    expect(rows.map((r) => r.fields)).toEqual([
      ['id', 'nom', 'adresse'],
      ['1', 'Relais "Chez Paul"', '12 rue X\nBât. B'],
      ['2', 'Tabac', '3 place Y'],
    ]);
    expect(rows[2].line).toBe(4);
  });

  it('guesses a comma separator and maps rows to header names', async () => {
    const rows = await collect(readCsvObjects(Readable.from(['ID,Name\n', 'a,b\n', 'c,d'])));
    expect(rows).toEqual([
      { line: 2, row: { id: 'a', name: 'b' } },
      { line: 3, row: { id: 'c', name: 'd' } },
    ]);
  });

  it('an unclosed quote is an error naming the line, not a hang', async () => {
    await expect(collect(readCsv(Readable.from(['a;b\n1;"oops\n'])))).rejects.toThrow(/ligne 2/);
  });
});
