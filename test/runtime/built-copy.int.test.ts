/**
 * runtime/built-copy.ts from a process that runs the TypeScript sources (tsx), in a checkout
 * of dated files (test/support/dated-checkout.ts): a helper is started from its compiled copy
 * in dist/ while dist/ is fresh, from its source when dist/ is stale (a source changed since
 * the build), and a process keeps the answer it got first (checked once, not at each pod).
 */
import { spawnSync } from 'node:child_process';
import { utimesSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { T_BUILT, T_LATER, useDatedCheckouts } from '../support/dated-checkout.ts';

const checkout = useDatedCheckouts();
const COPIES = ['runtime/built-copy.ts', 'scripts/dist-fresh.cjs'];

/**
 * In a new tsx process on the checkout's own built-copy.ts: where the quarterback starts from,
 * asked twice, with `between` done to the checkout between the two asks (paths relative to it).
 */
function startsFrom(root: string, touchBetween?: string): string[] {
  const module = pathToFileURL(join(root, 'runtime/built-copy.ts')).href;
  const script = `
    const { builtCopy } = await import(${JSON.stringify(module)});
    const { utimesSync } = await import('node:fs');
    const ask = () => builtCopy(new URL('../sidecar/bin.cjs', ${JSON.stringify(module)})).href.slice(${JSON.stringify(pathToFileURL(root).href.length + 1)});
    const first = ask();
    ${touchBetween ? `utimesSync(${JSON.stringify(join(root, touchBetween))}, new Date(${T_LATER.getTime()}), new Date(${T_LATER.getTime()}));` : ''}
    console.log(JSON.stringify([first, ask()]));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as string[];
}

describe('builtCopy', () => {
  it('dist/ fresh: the compiled copy', () => {
    expect(startsFrom(checkout(T_BUILT, COPIES))).toEqual(['dist/sidecar/bin.cjs', 'dist/sidecar/bin.cjs']);
  });

  it('a source changed after the build: the source itself', () => {
    const root = checkout(T_BUILT, COPIES);
    utimesSync(join(root, 'sidecar', 'a.ts'), T_LATER, T_LATER);
    expect(startsFrom(root)).toEqual(['sidecar/bin.cjs', 'sidecar/bin.cjs']);
  });

  it('never built: the source itself', () => {
    expect(startsFrom(checkout(undefined, COPIES))).toEqual(['sidecar/bin.cjs', 'sidecar/bin.cjs']);
  });

  it('a process keeps its first answer: a source changed while it runs does not move its helpers to the source', () => {
    expect(startsFrom(checkout(T_BUILT, COPIES), 'sidecar/a.ts')).toEqual(['dist/sidecar/bin.cjs', 'dist/sidecar/bin.cjs']);
  });
});
