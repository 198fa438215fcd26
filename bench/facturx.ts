import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { readFacturX } from '../src/modules/formats/facturx/index.js';
import { writeFacturX } from '../src/modules/pdf/index.js';
import { sampleInvoice } from '../src/modules/pdf/pdf.test-fixtures.js';
import { writeCii } from '../src/modules/formats/writers/cii.js';

/**
 * Factur-X production throughput on one core: render a typical invoice (8 lines, one page; every
 * 10th has 40 lines, two pages) with pdfkit and embed its CII XML as PDF/A-3, for ~5 s.
 * Options: --seconds=N (default 5). Target: ≥ 150 PDFs/s.
 */
export async function main(args: string[]): Promise<void> {
  // "One core": V8's parallel/concurrent GC would spread work over helper threads. The measuring
  // run happens in a child with --single-threaded-gc, so the process really uses one core and
  // cpu_seconds is that core's time (per_s is wall-clock, which the machine's load distorts).
  if (!process.execArgv.includes('--single-threaded-gc')) {
    const child = spawnSync(process.execPath, ['--single-threaded-gc', '--import', 'tsx', fileURLToPath(import.meta.url), ...args], { stdio: 'inherit' });
    if (child.status !== 0) throw new Error(`bench facturx: child exited with ${child.status}`);
    return;
  }
  const seconds = Number(args.find((a) => a.startsWith('--seconds='))?.split('=')[1] ?? 5);
  const models = [sampleInvoice(8, 'F2026-000001'), sampleInvoice(40, 'F2026-000002')];
  // The XML is produced once per model: this bench times rendering and embedding, not CII writing.
  const xmls = models.map((m) => writeCii(m, { profile: 'EN 16931' }));

  // Warm-up (font parsing, JIT) and a sanity check that what we time is a readable Factur-X.
  const first = await writeFacturX({ model: models[0], xml: xmls[0], profile: 'EN 16931' });
  const check = readFacturX(first);
  if (check.problems.length > 0 || check.xml?.length !== xmls[0].length) throw new Error(`bench: PDF produit invalide: ${check.problems.join('; ')}`);
  for (let i = 0; i < 100; i++) await writeFacturX({ model: models[i % 2], xml: xmls[i % 2], profile: 'EN 16931' });

  let peak = process.memoryUsage().rss;
  let n = 0;
  let bytes = 0;
  const cpu0 = process.cpuUsage();
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(Math.round(seconds * 1e9));
  while (process.hrtime.bigint() < deadline) {
    const k = n % 10 === 9 ? 1 : 0;
    const pdf = await writeFacturX({ model: models[k], xml: xmls[k], profile: 'EN 16931' });
    bytes += pdf.length;
    n++;
    if ((n & 15) === 0) peak = Math.max(peak, process.memoryUsage().rss);
  }
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  peak = Math.max(peak, process.memoryUsage().rss);
  process.stdout.write(
    `BENCH facturx pdfs=${n} seconds=${elapsed.toFixed(2)} per_s=${(n / elapsed).toFixed(1)} cpu_seconds=${cpuSeconds.toFixed(2)} per_cpu_s=${(n / cpuSeconds).toFixed(1)} avg_kb=${(bytes / n / 1024).toFixed(1)} gc=single-threaded peak_rss_mb=${(peak / 1048576).toFixed(0)}\n`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main(process.argv.slice(2));
