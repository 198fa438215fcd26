/** Prints how many VEFA expectations (EN 16931 unit tests) our validator agrees with. */
import path from 'node:path';
import { runVefaFile, vefaFiles } from '../src/modules/formats/rules/en16931/vefa-harness.js';

export async function main(args: string[] = []): Promise<void> {
  const verbose = args.includes('--verbose') || args.includes('-v');
  const root = path.resolve(process.cwd(), '../shared/testdata/en16931');
  let total = 0;
  let agree = 0;
  const lines: string[] = [];
  for (const file of vefaFiles(root)) {
    for (const e of runVefaFile(file)) {
      total++;
      if (e.agrees) agree++;
      else lines.push(`${e.file} test#${e.testIndex + 1} expected ${e.kind} ${e.ruleId}, got ${e.observed}${e.description ? ` — ${e.description.slice(0, 120)}` : ''}`);
    }
  }
  if (verbose) for (const l of lines) process.stdout.write(l + '\n');
  process.stdout.write(`BENCH vefa-progress agree=${agree} total=${total} disagree=${total - agree}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) void main(process.argv.slice(2));
