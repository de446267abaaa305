import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { START_EXIT, startProblem } from '../../../runtime/local/private-view.ts';
import { TempDirs } from '../../sidecar/harness.ts';

const dirs = new TempDirs();
afterEach(() => dirs.cleanup());

/** Directories `names` under a temp dir, each with `prog` as given: 'x' executable, 'r' not, '-' none. */
async function pathOf(kinds: Array<'x' | 'r' | '-'>): Promise<{ path: string; dirs: string[] }> {
  const d = await dirs.make();
  const made = kinds.map((kind, i) => {
    const dir = join(d, `d${i}`);
    mkdirSync(dir);
    if (kind !== '-') {
      writeFileSync(join(dir, 'prog'), '#!/bin/sh\n');
      chmodSync(join(dir, 'prog'), kind === 'x' ? 0o755 : 0o644);
    }
    return dir;
  });
  return { path: ['', ...made, ''].join(':'), dirs: made };
}

describe('startProblem: a program looked up on PATH as execvp does', () => {
  const notFound = { error: 'could not start "prog": command not found', exitCode: START_EXIT.notFound };
  const notExecutable = { error: 'could not start "prog": permission denied (not executable?)', exitCode: START_EXIT.notExecutable };
  it.each([
    { kinds: ['-', '-'], want: notFound },
    { kinds: ['-', 'x'], want: undefined },
    { kinds: ['r', 'x'], want: undefined },
    { kinds: ['x', 'r'], want: undefined },
    { kinds: ['r', '-'], want: notExecutable },
    { kinds: ['r', 'r'], want: notExecutable },
  ] as const)('PATH entries $kinds: $want', async ({ kinds, want }) => {
    const { path } = await pathOf([...kinds]);
    expect(startProblem('prog', undefined, path)).toEqual(want);
  });

  it('skips the entries of the view (left to bubblewrap), and says so when no other has it', async () => {
    const { path, dirs: made } = await pathOf(['x', 'r']);
    const inView = (p: string) => (p.startsWith(made[0]) ? p : undefined);
    expect(startProblem('prog', undefined, path, inView)).toEqual(notExecutable);
    expect(startProblem('prog', undefined, path, (p) => (p.startsWith(made[1]) ? p : undefined))).toBeUndefined();
  });
});
