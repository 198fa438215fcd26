/**
 * `npm run bench -- seal [--docs N]`: PAdES sealing throughput on two-page pdfkit invoices.
 * Single thread, then the worker pool on 2 cores, for B-B (RSA-2048, ECDSA P-256) and B-T with
 * the local test TSA. Target: ≥ 300 docs/s for B-B RSA on 2 cores.
 */
import { cpus, loadavg } from 'node:os';
import { sealPdf } from '../src/modules/sealing/sealing.usecases.js';
import { createSealingPool } from '../src/modules/sealing/sealing.pool.js';
import type { SealLevel, SealProfile } from '../src/modules/sealing/sealing.models.js';
import { createSoftwareSigner } from '../src/modules/sealing/signers/drivers/software.js';
import type { SignerConfig } from '../src/modules/sealing/signers/signer-config.js';
import { createHttpTsaClient } from '../src/modules/sealing/tsa/drivers/http.js';
import { startTestTsa } from '../src/modules/sealing/tsa/test-tsa-server.js';
import { makeInvoicePdf } from '../src/modules/sealing/testing/test-pdfs.js';
import { createTestPki, type TestPki } from '../src/modules/sealing/testing/test-pki.js';
import { verifyPdf } from '../src/modules/sealing/verify/verify-pdf.js';

function pemConfig(pki: TestPki): SignerConfig {
  return { type: 'pem', privateKeyPem: pki.seal.key.export({ format: 'pem', type: 'pkcs8' }) as string, certificate: pki.seal.cert, chain: [pki.intermediate.cert] };
}

let peakRss = 0;
const sampleRss = () => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
};

type Measured = { rate: number; cpuMs: number };

/** Rate over the timed section only, and process CPU (all threads) per document over the same section. */
async function timed(n: number, body: () => Promise<void>): Promise<Measured> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await body();
  const c = process.cpuUsage(c0);
  return { rate: n / ((performance.now() - t0) / 1000), cpuMs: (c.user + c.system) / 1000 / n };
}

async function runSingle(docs: Uint8Array[], n: number, pki: TestPki, profile: SealProfile, level: SealLevel, tsaUrl?: string): Promise<Measured> {
  const signer = createSoftwareSigner({ privateKey: pki.seal.key, certificate: pki.seal.cert, chain: [pki.intermediate.cert] });
  const tsa = tsaUrl ? createHttpTsaClient({ urls: [tsaUrl] }) : undefined;
  for (let i = 0; i < 20; i++) await sealPdf({ pdf: docs[i % docs.length], profile, signer, tsa, level });
  return timed(n, async () => {
    for (let i = 0; i < n; i++) {
      await sealPdf({ pdf: docs[i % docs.length], profile, signer, tsa, level });
      if (i % 100 === 0) sampleRss();
    }
  });
}

async function runPool(docs: Uint8Array[], n: number, pki: TestPki, profile: SealProfile, level: SealLevel, size: number): Promise<Measured> {
  const pool = createSealingPool({ size, signer: pemConfig(pki), profile });
  // Warm-up outside the timed section: each worker loads (and transpiles) the sources and builds its signer.
  await Promise.all(Array.from({ length: size * 10 }, (_, i) => pool.seal({ pdf: docs[i % docs.length].slice(), level })));
  const inflight = size * 8;
  let next = 0;
  const lane = async () => {
    while (next < n) {
      const i = next++;
      await pool.seal({ pdf: docs[i % docs.length].slice(), level });
      if (i % 100 === 0) sampleRss();
    }
  };
  const m = await timed(n, async () => {
    await Promise.all(Array.from({ length: inflight }, lane));
  });
  await pool.close();
  return m;
}

export async function main(args: string[]): Promise<void> {
  const n = Number(args[args.indexOf('--docs') + 1]) || 2000;
  const distinct = Math.min(n, 200);
  const t0 = performance.now();
  const docs: Uint8Array[] = [];
  for (let i = 0; i < distinct; i++) docs.push(await makeInvoicePdf(i, 2));
  const avg = Math.round(docs.reduce((s, d) => s + d.length, 0) / docs.length);
  process.stdout.write(`generated ${distinct} distinct two-page invoices (avg ${avg} bytes) in ${((performance.now() - t0) / 1000).toFixed(1)} s; sealing ${n} per configuration\n`);

  const rsa = createTestPki({ kind: 'rsa' });
  const ec = createTestPki({ kind: 'ec' });
  const tsaSigner = createSoftwareSigner({ privateKey: rsa.tsa.key, certificate: rsa.tsa.cert, chain: [rsa.intermediate.cert] });
  const tsa = await startTestTsa({ signer: tsaSigner });
  const profile: SealProfile = { name: 'bench', defaultLevel: 'B-B', tsaUrls: [tsa.url] };

  // Sanity: what is measured is a valid, trusted seal.
  const check = await sealPdf({ pdf: docs[0], profile, signer: createSoftwareSigner({ privateKey: rsa.seal.key, certificate: rsa.seal.cert, chain: [rsa.intermediate.cert] }), tsa: createHttpTsaClient({ urls: [tsa.url] }), level: 'B-T' });
  const report = await verifyPdf(check.pdf, { trustAnchors: [rsa.root.cert] });
  if (!report.valid || report.signatures[0].pades.level !== 'B-T') throw new Error('bench sanity check failed: sealed PDF does not verify');

  const results: Record<string, number> = {};
  // Wall-clock rate, plus CPU time per document (all threads of the process, TSA included for
  // B-T): on a shared machine the CPU figure tells what 2 dedicated cores would do.
  const measure = async (key: string, label: string, run: () => Promise<Measured>) => {
    const { rate, cpuMs } = await run();
    results[`${key}_per_s`] = rate;
    results[`${key}_cpu_ms`] = cpuMs;
    process.stdout.write(`${label.padEnd(40)} ${rate.toFixed(0).padStart(6)} docs/s   ${cpuMs.toFixed(2)} ms CPU/doc (→ ${(2000 / cpuMs).toFixed(0)} docs/s on 2 free cores)\n`);
  };
  await measure('bb_rsa_single', 'B-B RSA-2048, single thread', () => runSingle(docs, n, rsa, profile, 'B-B'));
  await measure('bb_rsa_pool', 'B-B RSA-2048, pool of 2', () => runPool(docs, n, rsa, profile, 'B-B', 2));
  await measure('bb_ec_single', 'B-B ECDSA P-256, single thread', () => runSingle(docs, n, ec, profile, 'B-B'));
  await measure('bb_ec_pool', 'B-B ECDSA P-256, pool of 2', () => runPool(docs, n, ec, profile, 'B-B', 2));
  await measure('bt_single', 'B-T RSA-2048 + local TSA, single thread', () => runSingle(docs, n, rsa, profile, 'B-T', tsa.url));
  await measure('bt_pool', 'B-T RSA-2048 + local TSA, pool of 2', () => runPool(docs, n, rsa, profile, 'B-T', 2));
  await tsa.close();
  sampleRss();
  const maxRss = Math.max(peakRss, process.resourceUsage().maxRSS * 1024);
  const kv = Object.entries(results)
    .map(([k, v]) => `${k}=${k.endsWith('_cpu_ms') ? v.toFixed(2) : v.toFixed(0)}`)
    .join(' ');
  // The load average says how much the 2 cores were shared with other processes during the run.
  process.stdout.write(`BENCH seal docs=${n} ${kv} target_bb_rsa_pool_per_s=300 peak_rss_mb=${Math.round(maxRss / 1024 / 1024)} cpus=${cpus().length} loadavg_1m=${loadavg()[0].toFixed(1)}\n`);
}
