#!/usr/bin/env node
// Build the web UI (ui/) into ui/dist with vite, unless the sources are unchanged since the
// last build (a hash of ui/'s sources and the lock file, kept in ui/dist/.source-hash).
// Runs from `npm install` (prepare), `npm test`, `npm start` and `npm run bench`. Where vite
// is not installed (npm install --omit=dev) it says so and leaves the UI unbuilt: the API
// then answers its pages with 503 and a sentence.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ui = join(root, 'ui');
const dist = join(ui, 'dist');
const stamp = join(dist, '.source-hash');

function files(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (p === dist || name === 'node_modules') continue;
    if (statSync(p).isDirectory()) out.push(...files(p));
    else out.push(p);
  }
  return out;
}

const hash = createHash('sha256');
for (const f of [...files(ui), join(root, 'package-lock.json')]) {
  if (!existsSync(f)) continue;
  hash.update(relative(root, f)).update('\0').update(readFileSync(f)).update('\0');
}
const digest = hash.digest('hex');
const force = process.argv.includes('--force');
if (!force && existsSync(stamp) && readFileSync(stamp, 'utf8') === digest && existsSync(join(dist, 'index.html'))) process.exit(0);

let build;
try {
  ({ build } = await import('vite'));
} catch {
  process.stderr.write('strata: the web UI is not built: vite is not installed (dev dependencies left out?). Install them and run `npm run build:ui`.\n');
  process.exit(0);
}
const started = Date.now();
try {
  await build({ configFile: join(ui, 'vite.config.ts'), logLevel: 'warn' });
} catch (e) {
  process.stderr.write(`strata: building the web UI failed: ${e?.message ?? e}\n`);
  process.exit(1);
}
writeFileSync(stamp, digest);
process.stderr.write(`strata: web UI built into ui/dist in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
