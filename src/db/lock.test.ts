import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from './db.js';

describe('PGlite data-folder lock', () => {
  it('a second process gets a clear db.locked error while the first holds the folder', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'facteur-lock-'));
    const first = await openDatabase({ dataDir: dir });
    try {
      const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dir };
      delete env.DATABASE_URL;
      const r = spawnSync(process.execPath, ['bin/facteur.mjs', 'migrate'], { env, encoding: 'utf8', timeout: 60_000 });
      expect(r.status).not.toBe(0);
      expect(r.stderr).toContain('db.locked');
      expect(r.stderr).toContain(String(process.pid));
    } finally {
      await first.close();
    }
    expect(fs.existsSync(path.join(dir, 'facteur.lock'))).toBe(false);
    const again = await openDatabase({ dataDir: dir });
    await again.close();
  });

  it('a lock left by a dead process is taken over', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'facteur-lock-'));
    fs.writeFileSync(path.join(dir, 'facteur.lock'), JSON.stringify({ pid: 2 ** 22 + 12345, since: 'hier' }));
    const h = await openDatabase({ dataDir: dir });
    await h.close();
  });
});
