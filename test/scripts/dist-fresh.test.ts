/**
 * scripts/dist-fresh.cjs: dist/ counts as fresh (build.mjs --if-stale skips the build, and a
 * helper started from the sources runs its compiled copy: runtime/built-copy.ts) only while
 * dist/BUILT is newer than every input of the build; a file changed, added or removed since
 * (its directory's time) makes it stale. On a real tree of files whose times are set, not waited for.
 */
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const { DIST_INPUTS, distFresh } = createRequire(import.meta.url)('../../scripts/dist-fresh.cjs') as { DIST_INPUTS: string[]; distFresh: (root: string) => boolean };

const roots: string[] = [];
afterEach(() => roots.splice(0).forEach((r) => rmSync(r, { recursive: true, force: true })));

const T_SOURCES = new Date('2026-01-01T00:00:00Z');
const T_BUILT = new Date('2026-01-02T00:00:00Z');
const T_LATER = new Date('2026-01-03T00:00:00Z');

/** A checkout whose every input (a directory holding a file, or a file) is dated T_SOURCES; dist/BUILT dated `built` when given. */
function checkout(built?: Date): string {
  const root = mkdtempSync(join(tmpdir(), 'dist-fresh-'));
  roots.push(root);
  const dated: string[] = [];
  for (const input of DIST_INPUTS) {
    const isFile = input.includes('.');
    const file = isFile ? join(root, input) : join(root, input, 'a.ts');
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, 'x');
    dated.push(file, ...(isFile ? [] : [join(root, input)]));
  }
  for (const p of dated) utimesSync(p, T_SOURCES, T_SOURCES);
  if (built) {
    mkdirSync(join(root, 'dist'), { recursive: true });
    writeFileSync(join(root, 'dist', 'BUILT'), 'built\n');
    utimesSync(join(root, 'dist', 'BUILT'), built, built);
  }
  return root;
}

describe('distFresh', () => {
  it('no dist/BUILT: not fresh', () => {
    expect(distFresh(checkout())).toBe(false);
  });

  it('dist/BUILT newer than every input: fresh', () => {
    expect(distFresh(checkout(T_BUILT))).toBe(true);
  });

  it('a source changed after the build: not fresh', () => {
    const root = checkout(T_BUILT);
    utimesSync(join(root, 'runtime', 'a.ts'), T_LATER, T_LATER);
    expect(distFresh(root)).toBe(false);
  });

  it('a source removed after the build (its directory changed): not fresh', () => {
    const root = checkout(T_BUILT);
    rmSync(join(root, 'sidecar', 'a.ts'));
    utimesSync(join(root, 'sidecar'), T_LATER, T_LATER);
    expect(distFresh(root)).toBe(false);
  });

  it('a file input (tsconfig.json) changed after the build: not fresh', () => {
    const root = checkout(T_BUILT);
    utimesSync(join(root, 'tsconfig.json'), T_LATER, T_LATER);
    expect(distFresh(root)).toBe(false);
  });
});
