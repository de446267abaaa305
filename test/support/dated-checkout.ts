/**
 * A checkout made of dated files, for what reads dist/'s freshness (scripts/dist-fresh.cjs,
 * runtime/built-copy.ts): every input of the build dated T_SOURCES, dist/BUILT dated as asked.
 * Times are set, not waited for. Removed after each test of the file that calls it.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterEach } from 'vitest';

export const { DIST_INPUTS, distFresh } = createRequire(import.meta.url)('../../scripts/dist-fresh.cjs') as { DIST_INPUTS: string[]; distFresh: (root: string) => boolean };

export const T_SOURCES = new Date('2026-01-01T00:00:00Z');
export const T_BUILT = new Date('2026-01-02T00:00:00Z');
export const T_LATER = new Date('2026-01-03T00:00:00Z');

/** Checkouts made, removed after each test (call at a test file's top level). */
export function useDatedCheckouts(): (built?: Date, copies?: string[]) => string {
  const roots: string[] = [];
  afterEach(() => roots.splice(0).forEach((r) => rmSync(r, { recursive: true, force: true })));
  return (built, copies = []) => {
    const root = datedCheckout(built, copies);
    roots.push(root);
    return root;
  };
}

/**
 * A checkout whose every input (a directory holding a file, or a file), and `copies` (paths
 * relative to this repository's root, copied to the same place), are dated T_SOURCES;
 * dist/BUILT dated `built` when given.
 */
function datedCheckout(built: Date | undefined, copies: string[]): string {
  const root = mkdtempSync(join(tmpdir(), 'dist-fresh-'));
  const dated: string[] = [];
  for (const input of DIST_INPUTS) {
    const isFile = input.includes('.');
    const file = isFile ? join(root, input) : join(root, input, 'a.ts');
    mkdirSync(dirname(file), { recursive: true });
    // Files a process may read as it loads a module there (package.json, tsconfig.json) are JSON.
    writeFileSync(file, input === 'package.json' ? '{ "type": "module" }' : input.endsWith('.json') ? '{}' : 'x');
    dated.push(file, ...(isFile ? [] : [join(root, input)]));
  }
  for (const c of copies) {
    mkdirSync(dirname(join(root, c)), { recursive: true });
    copyFileSync(resolve(c), join(root, c));
    dated.push(join(root, c), dirname(join(root, c)));
  }
  for (const p of dated) utimesSync(p, T_SOURCES, T_SOURCES);
  if (built) {
    mkdirSync(join(root, 'dist'), { recursive: true });
    writeFileSync(join(root, 'dist', 'BUILT'), 'built\n');
    utimesSync(join(root, 'dist', 'BUILT'), built, built);
  }
  return root;
}
