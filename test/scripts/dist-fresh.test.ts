/**
 * scripts/dist-fresh.cjs: dist/ counts as fresh (build.mjs --if-stale skips the build, and a
 * helper started from the sources runs its compiled copy: runtime/built-copy.ts) only while
 * dist/BUILT is newer than every input of the build; a file changed, added or removed since
 * (its directory's time) makes it stale. On a real tree of files whose times are set, not waited for.
 */
import { rmSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { distFresh, T_BUILT, T_LATER, useDatedCheckouts } from '../support/dated-checkout.ts';

const checkout = useDatedCheckouts();

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

  it('package-lock.json changed after the build (npm install of other packages, which the bundles hold): not fresh', () => {
    const root = checkout(T_BUILT);
    utimesSync(join(root, 'package-lock.json'), T_LATER, T_LATER);
    expect(distFresh(root)).toBe(false);
  });

  it('a file input (tsconfig.json) changed after the build: not fresh', () => {
    const root = checkout(T_BUILT);
    utimesSync(join(root, 'tsconfig.json'), T_LATER, T_LATER);
    expect(distFresh(root)).toBe(false);
  });
});
