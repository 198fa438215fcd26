import type { LoadedPdf } from './pdf-load.js';

export type UpdateObject = { num: number; gen?: number; body: Uint8Array };

const enc = new TextEncoder();

/**
 * Appends one incremental update (ISO 32000-1 7.5.6): the original bytes are kept as they are, so
 * a PDF/A-3 Factur-X keeps its embedded XML, XMP and output intent byte for byte. The new
 * cross-reference section matches the kind of the previous one (table or stream).
 */
export function appendIncrementalUpdate(pdf: LoadedPdf, objects: UpdateObject[]): { bytes: Uint8Array; offsets: Map<number, number> } {
  const base = pdf.bytes;
  const parts: Uint8Array[] = [base];
  let pos = base.length;
  const push = (b: Uint8Array) => {
    parts.push(b);
    pos += b.length;
  };
  const last = base[base.length - 1];
  if (last !== 0x0a && last !== 0x0d) push(enc.encode('\n'));

  const offsets = new Map<number, number>();
  const sorted = [...objects].sort((a, b) => a.num - b.num);
  for (const o of sorted) {
    offsets.set(o.num, pos);
    push(enc.encode(`${o.num} ${o.gen ?? 0} obj\n`));
    push(o.body);
    push(enc.encode('\nendobj\n'));
  }
  const maxNum = Math.max(pdf.size - 1, ...sorted.map((o) => o.num));
  const t = pdf.context.trailerInfo;
  const trailerEntries = [
    `/Root ${t.Root!.toString()}`,
    t.Info ? `/Info ${t.Info.toString()}` : '',
    t.ID ? `/ID ${t.ID.toString()}` : '',
    `/Prev ${pdf.prevXref}`,
  ].filter(Boolean);

  const xrefOffset = pos;
  if (pdf.xrefKind === 'table') {
    let s = 'xref\n';
    for (const run of runs(sorted.map((o) => o.num))) {
      s += `${run[0]} ${run.length}\n`;
      for (const n of run) s += `${String(offsets.get(n)).padStart(10, '0')} ${String(gen(sorted, n)).padStart(5, '0')} n\r\n`;
    }
    s += `trailer\n<< /Size ${maxNum + 1} ${trailerEntries.join(' ')} >>\nstartxref\n${xrefOffset}\n%%EOF\n`;
    push(enc.encode(s));
  } else {
    const xrefNum = maxNum + 1;
    offsets.set(xrefNum, xrefOffset);
    const nums = [...sorted.map((o) => o.num), xrefNum];
    const rows = new Uint8Array(nums.length * 7);
    nums.forEach((n, i) => {
      const off = offsets.get(n)!;
      rows[i * 7] = 1;
      rows[i * 7 + 1] = (off >>> 24) & 0xff;
      rows[i * 7 + 2] = (off >>> 16) & 0xff;
      rows[i * 7 + 3] = (off >>> 8) & 0xff;
      rows[i * 7 + 4] = off & 0xff;
      const g = n === xrefNum ? 0 : gen(sorted, n);
      rows[i * 7 + 5] = (g >>> 8) & 0xff;
      rows[i * 7 + 6] = g & 0xff;
    });
    const index = runs(nums).map((r) => `${r[0]} ${r.length}`).join(' ');
    push(
      enc.encode(
        `${xrefNum} 0 obj\n<< /Type /XRef /Size ${xrefNum + 1} /W [1 4 2] /Index [${index}] ${trailerEntries.join(' ')} /Length ${rows.length} >>\nstream\n`,
      ),
    );
    push(rows);
    push(enc.encode(`\nendstream\nendobj\nstartxref\n${xrefOffset}\n%%EOF\n`));
  }
  const out = new Uint8Array(pos);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return { bytes: out, offsets };
}

function gen(objs: UpdateObject[], n: number): number {
  return objs.find((o) => o.num === n)?.gen ?? 0;
}

function runs(nums: number[]): number[][] {
  const out: number[][] = [];
  for (const n of [...nums].sort((a, b) => a - b)) {
    const cur = out[out.length - 1];
    if (cur && cur[cur.length - 1] === n - 1) cur.push(n);
    else out.push([n]);
  }
  return out;
}
