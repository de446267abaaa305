#!/usr/bin/env node
// The process launcher in C (runtime/process/launcher.c), compiled when a C compiler is there:
// $CC, else `cc`. Written to dist/runtime/process/strata-launcher by scripts/build.mjs; run
// alone as `node scripts/build-launcher.mjs OUT_FILE` (the test suite builds one without a
// compiler this way). Without a compiler, or when it fails, nothing is written and the build
// goes on: the launcher written in TypeScript (runtime/process/launcher.ts) starts containers
// instead (runtime/process/launcher-client.ts chooses), at more CPU a container
// (docs/performance.md, Fifteenth pass).
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Compile the C launcher to `out`; true when it was, false (with a note on stderr) when there is no compiler or it failed. */
export function buildLauncher(out, cc = process.env.CC || 'cc') {
  rmSync(out, { force: true });
  mkdirSync(dirname(out), { recursive: true });
  try {
    execFileSync(cc, ['-O2', '-Wall', '-o', out, join(root, 'runtime', 'process', 'launcher.c')], { stdio: ['ignore', 'ignore', 'pipe'] });
    return true;
  } catch (e) {
    const why = e.code === 'ENOENT' ? `no C compiler (${cc})` : `${cc} failed: ${String(e.stderr ?? e.message).trim().split('\n')[0]}`;
    process.stderr.write(`strata: the C process launcher is not built (${why}); containers are started by the Node.js one\n`);
    rmSync(out, { force: true });
    return false;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (!process.argv[2]) {
    process.stderr.write('usage: node scripts/build-launcher.mjs OUT_FILE\n');
    process.exit(2);
  }
  buildLauncher(process.argv[2]);
}
