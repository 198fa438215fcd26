import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** `npm run bench -- <name> [args…]` runs bench/<name>.ts's `main(args)`. */
const here = path.dirname(fileURLToPath(import.meta.url));
const [name, ...args] = process.argv.slice(2);
const available = fs
  .readdirSync(here)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.startsWith('_') && !f.endsWith('.mjs'))
  .map((f) => f.replace(/\.ts$/, ''));
if (!name || !available.includes(name)) {
  process.stderr.write(`usage : npm run bench -- <${available.join('|')}> [options]\n`);
  process.exit(2);
}
const mod = (await import(path.join(here, `${name}.ts`))) as { main: (args: string[]) => Promise<void> };
await mod.main(args);
process.exit(0);
