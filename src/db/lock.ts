import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../shared/errors.js';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * PGlite allows one process per data folder: a second writer would corrupt it. The lock file
 * holds the owner's pid; a lock left by a dead process is taken over.
 */
export function acquireDataDirLock(dataDir: string): { release: () => void; file: string } {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, 'facteur.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = fs.openSync(file, 'wx');
      fs.writeSync(fd, JSON.stringify({ pid: process.pid, since: new Date().toISOString() }));
      fs.closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        try {
          const owner = JSON.parse(fs.readFileSync(file, 'utf8')) as { pid: number };
          if (owner.pid === process.pid) fs.unlinkSync(file);
        } catch {
          /* already gone */
        }
      };
      process.once('exit', release);
      return { release, file };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let owner: { pid?: number; since?: string } = {};
      try {
        owner = JSON.parse(fs.readFileSync(file, 'utf8'));
      } catch {
        /* unreadable lock: treat as stale */
      }
      if (owner.pid && owner.pid !== process.pid && isAlive(owner.pid)) {
        throw new AppError({
          code: 'db.locked',
          status: 500,
          message: `La base embarquée ${dataDir} est déjà utilisée par le processus ${owner.pid} (depuis ${owner.since}). Arrêtez-le, ou utilisez un autre DATA_DIR, ou PostgreSQL via DATABASE_URL.`,
          details: { pid: owner.pid, file },
        });
      }
      if (owner.pid === process.pid) {
        throw new AppError({ code: 'db.locked', status: 500, message: `La base embarquée ${dataDir} est déjà ouverte par ce processus.` });
      }
      fs.rmSync(file, { force: true });
    }
  }
  throw new AppError({ code: 'db.locked', status: 500, message: `Impossible de verrouiller ${file}.` });
}
