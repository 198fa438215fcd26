/**
 * Official EN 16931 VEFA unit tests (v1.3.16): every <success>/<error>/<warning> expectation of
 * every test set must agree with our validator. One case per test-set file; a failure lists each
 * disagreeing test with its description.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runVefaFile, vefaFiles } from './vefa-harness.js';

const root = path.resolve(process.cwd(), '../shared/testdata/en16931');
const files = vefaFiles(root);

describe('VEFA unit-test sets (EN 16931 v1.3.16)', () => {
  it('finds all 279 test-set files', () => {
    expect(files).toHaveLength(279);
  });

  it.each(files.map((f) => [path.relative(root, f), f]))('%s', (_name, file) => {
    const results = runVefaFile(file);
    expect(results.length).toBeGreaterThan(0);
    const disagreements = results
      .filter((r) => !r.agrees)
      .map((r) => `test #${r.testIndex + 1}: expected <${r.kind}>${r.ruleId}, validator: ${r.observed}${r.description ? ` (${r.description})` : ''}`);
    expect(disagreements).toEqual([]);
  });

  it('covers the 1,140 tests / 1,142 expectations of the corpus', () => {
    const all = files.flatMap((f) => runVefaFile(f));
    const tests = new Set(all.map((r) => `${r.file}#${r.testIndex}`));
    expect(tests.size).toBe(1140);
    expect(all).toHaveLength(1142);
    expect(all.filter((r) => r.agrees)).toHaveLength(1142);
  });
});
