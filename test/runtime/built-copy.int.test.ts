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

/**
 * In a new tsx process on the checkout's own built-copy.ts: rebuiltSinceStart() after its
 * helpers were placed (builtCopy), before and after `between` rewrites or removes dist/BUILT.
 */
function rebuiltAnswers(root: string, between: 'rewrite' | 'remove'): Array<string | null> {
  const module = pathToFileURL(join(root, 'runtime/built-copy.ts')).href;
  const stamp = join(root, 'dist', 'BUILT');
  const script = `
    const { builtCopy, rebuiltSinceStart } = await import(${JSON.stringify(module)});
    const { rmSync, writeFileSync, utimesSync } = await import('node:fs');
    builtCopy(new URL('../sidecar/bin.cjs', ${JSON.stringify(module)}));
    const first = rebuiltSinceStart() ?? null;
    ${between === 'rewrite' ? `writeFileSync(${JSON.stringify(stamp)}, 'built again\\n'); utimesSync(${JSON.stringify(stamp)}, new Date(${T_LATER.getTime()}), new Date(${T_LATER.getTime()}));` : `rmSync(${JSON.stringify(stamp)});`}
    console.log(JSON.stringify([first, rebuiltSinceStart() ?? null]));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as Array<string | null>;
}

/**
 * In a new tsx process on the checkout's own built-copy.ts: how many times rebuiltSinceStart()
 * reads dist/BUILT over 1,000 asks (each pod, each CPU-pool task asks), then over 1,000 more
 * after it was rewritten, and its last answer.
 */
function stampOpens(root: string): { unchanged: number; rewritten: number; answer: string | null } {
  const module = pathToFileURL(join(root, 'runtime/built-copy.ts')).href;
  const counter = pathToFileURL(join(import.meta.dirname, '../support/fs-calls.ts')).href;
  const stamp = join(root, 'dist', 'BUILT');
  const script = `
    const { builtCopy, rebuiltSinceStart } = await import(${JSON.stringify(module)});
    const { countReads } = await import(${JSON.stringify(counter)});
    const { writeFileSync, utimesSync } = await import('node:fs');
    builtCopy(new URL('../sidecar/bin.cjs', ${JSON.stringify(module)}));
    const asks = () => {
      const opens = countReads(/dist\\/BUILT$/);
      let last;
      for (let i = 0; i < 1000; i++) last = rebuiltSinceStart() ?? null;
      opens.stop();
      return [opens.count(), last];
    };
    const [unchanged] = asks();
    writeFileSync(${JSON.stringify(stamp)}, 'built again\\n');
    utimesSync(${JSON.stringify(stamp)}, new Date(${T_LATER.getTime()}), new Date(${T_LATER.getTime()}));
    const [rewritten, answer] = asks();
    console.log(JSON.stringify({ unchanged, rewritten, answer }));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as { unchanged: number; rewritten: number; answer: string | null };
}

describe('rebuiltSinceStart (a running strata whose dist/ is built again under it: tester 16)', () => {
  it('costs no read of dist/BUILT per ask while it is the file it started with (a stat), and one read once it changed', () => {
    const { unchanged, rewritten, answer } = stampOpens(checkout(T_BUILT, COPIES));
    expect(unchanged).toBe(0);
    expect(rewritten).toBe(1);
    expect(answer).toContain('built then, built again now');
  });

  it('the build it started with: nothing; built again since: a sentence naming both builds and to restart it', () => {
    const root = checkout(T_BUILT, COPIES);
    const [before, after] = rebuiltAnswers(root, 'rewrite');
    expect(before).toBeNull();
    expect(after).toBe(`strata was built again after this process started (${join(root, 'dist', 'BUILT')}: built then, built again now): restart it (strata up, strata worker), so that it and the programs it starts (the quarterback, the process launcher) are one build`);
  });

  it('dist/ removed (a build under way): says it is being built', () => {
    const [before, after] = rebuiltAnswers(checkout(T_BUILT, COPIES), 'remove');
    expect(before).toBeNull();
    expect(after).toContain(': built then, none now: being built or removed now): restart it');
  });

  it('dist/ stale when it started (its helpers run from the sources): not asked', () => {
    const root = checkout(T_BUILT, COPIES);
    utimesSync(join(root, 'sidecar', 'a.ts'), T_LATER, T_LATER);
    expect(rebuiltAnswers(root, 'rewrite')).toEqual([null, null]);
  });
});
