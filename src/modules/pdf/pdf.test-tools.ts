import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * Test helpers running the Debian PDF tools (qpdf, poppler) on bytes we produced, so that our
 * writer is judged by independent parsers rather than by our own reader alone.
 */
export function withTempPdf<T>(bytes: Uint8Array, fn: (file: string, dir: string) => T): T {
  const dir = mkdtempSync(path.join(tmpdir(), 'facteur-pdf-'));
  try {
    const file = path.join(dir, 'in.pdf');
    writeFileSync(file, bytes);
    return fn(file, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function run(cmd: string, args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** qpdf's JSON v2 object table: { "obj:N 0 R": { value | stream: { dict } } }. */
export function qpdfObjects(file: string): Record<string, { value?: unknown; stream?: { dict: Record<string, unknown> } }> {
  const out = execFileSync('qpdf', ['--json=2', '--json-key=qpdf', file], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const json = JSON.parse(out) as { qpdf: [unknown, Record<string, { value?: unknown; stream?: { dict: Record<string, unknown> } }>] };
  return json.qpdf[1];
}

/** Extracts every attachment with `pdfdetach -saveall` and returns name → bytes. */
export function detachAll(file: string, dir: string): Map<string, Uint8Array> {
  const outDir = path.join(dir, 'out');
  execFileSync('mkdir', ['-p', outDir]);
  execFileSync('pdfdetach', ['-saveall', '-o', outDir, file]);
  const files = new Map<string, Uint8Array>();
  for (const name of readdirSync(outDir)) files.set(name, new Uint8Array(readFileSync(path.join(outDir, name))));
  return files;
}
