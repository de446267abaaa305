/**
 * A failed attempt's outputs are the step's until a later attempt keeps its own
 * (src/worker/step-files.ts keepOutputs; Argo tester 3, N14): on a real file system, each
 * case a sequence of executions keeping what they wrote, checked by what the step's
 * artifacts path holds after.
 */
import { existsSync, lstatSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { keepOutputs, type Keeper } from '../../src/worker/step-files.ts';
import { useTempDirs } from '../support/temp-dirs.ts';

const newTempDir = useTempDirs('strata-keep-');

/** One step's artifact store, and a function keeping an execution that wrote `files`. */
function store() {
  const root = newTempDir();
  const artifactsDir = join(root, 'artifacts');
  mkdirSync(artifactsDir);
  const finalDir = join(artifactsDir, 'run', 'check');
  let n = 0;
  const keep = (who: Keeper, files: Record<string, string>) => {
    const outputsDir = join(root, `out.${++n}`);
    mkdirSync(outputsDir);
    for (const [name, text] of Object.entries(files)) writeFileSync(join(outputsDir, name), text);
    return keepOutputs({ inputsDir: '', outputsDir, finalDir, artifactsDir, empty: Object.keys(files).length === 0 }, who);
  };
  const read = (name: string) => readFileSync(join(finalDir, name), 'utf8');
  return { keep, read, finalDir };
}

describe('keeping a failed attempt\'s outputs', () => {
  it('a later attempt that succeeds replaces them, result and files alike', async () => {
    const s = store();
    expect(await s.keep({ attempt: 1, execution: 1, failed: true }, { 'log.txt': 'try 1', 'result.json': '1' })).toEqual({ kept: true });
    expect(s.read('log.txt')).toBe('try 1');
    expect(await s.keep({ attempt: 2, execution: 1 }, { 'log.txt': 'try 2' })).toEqual({ kept: true });
    expect(s.read('log.txt')).toBe('try 2');
    expect(existsSync(join(s.finalDir, 'result.json'))).toBe(false);
  });

  it('a later attempt that succeeds writing nothing claims the step, and its result is not the failed one\'s', async () => {
    const s = store();
    await s.keep({ attempt: 1, execution: 1, failed: true }, { 'result.json': '"failed one"' });
    expect(await s.keep({ attempt: 2, execution: 1 }, {})).toEqual({ kept: true });
    expect(lstatSync(s.finalDir).isFile()).toBe(true);
  });

  it('a later attempt that fails writing nothing takes them away', async () => {
    const s = store();
    await s.keep({ attempt: 1, execution: 1, failed: true }, { 'log.txt': 'try 1' });
    await s.keep({ attempt: 2, execution: 1, failed: true }, {});
    expect(existsSync(s.finalDir)).toBe(false);
  });

  it('never replaces a success\'s outputs, nor a later attempt\'s by an earlier one\'s late copy', async () => {
    const ok = store();
    await ok.keep({ attempt: 1, execution: 1 }, { 'log.txt': 'ok' });
    expect(await ok.keep({ attempt: 2, execution: 1, failed: true }, { 'log.txt': 'late failure' })).toMatchObject({ kept: false });
    expect(ok.read('log.txt')).toBe('ok');
    const late = store();
    await late.keep({ attempt: 2, execution: 1, failed: true }, { 'log.txt': 'try 2' });
    expect(await late.keep({ attempt: 1, execution: 2, failed: true }, { 'log.txt': 'try 1, late' })).toMatchObject({ kept: false });
    expect(await late.keep({ attempt: 2, execution: 2, failed: true }, { 'log.txt': 'try 2, again' })).toMatchObject({ kept: false });
    expect(late.read('log.txt')).toBe('try 2');
  });
});

describe('a step run again after it succeeded in an earlier round (replaces: an exit handler\'s leaf after a retry of the run)', () => {
  it('replaces the earlier success\'s outputs, and a copy of its own attempt never replaces them in turn', async () => {
    const s = store();
    await s.keep({ attempt: 1, execution: 1 }, { 'status.txt': 'failed' });
    expect(await s.keep({ attempt: 2, execution: 1, replaces: true }, { 'status.txt': 'succeeded' })).toEqual({ kept: true });
    expect(s.read('status.txt')).toBe('succeeded');
    expect(await s.keep({ attempt: 2, execution: 2, replaces: true }, { 'status.txt': 'a copy' })).toMatchObject({ kept: false });
    expect(s.read('status.txt')).toBe('succeeded');
  });

  it('replaces an earlier empty claim, and keeps a directory naming its attempt when it wrote nothing', async () => {
    const s = store();
    await s.keep({ attempt: 1, execution: 1 }, {});
    expect(lstatSync(s.finalDir).isFile()).toBe(true);
    expect(await s.keep({ attempt: 2, execution: 1, replaces: true }, { 'status.txt': 'succeeded' })).toEqual({ kept: true });
    expect(s.read('status.txt')).toBe('succeeded');
    const empty = store();
    await empty.keep({ attempt: 1, execution: 1 }, { 'status.txt': 'failed' });
    expect(await empty.keep({ attempt: 2, execution: 1, replaces: true }, {})).toEqual({ kept: true });
    expect(existsSync(join(empty.finalDir, 'status.txt'))).toBe(false);
    expect(JSON.parse(empty.read('.strata-kept'))).toMatchObject({ attempt: 2, replaces: true });
    expect(await empty.keep({ attempt: 2, execution: 2, replaces: true }, {})).toMatchObject({ kept: false });
  });

  it('without replaces, a later attempt still never replaces a success (the files a run handed on)', async () => {
    const s = store();
    await s.keep({ attempt: 1, execution: 1 }, { 'status.txt': 'first' });
    expect(await s.keep({ attempt: 2, execution: 1 }, { 'status.txt': 'second' })).toMatchObject({ kept: false });
    expect(s.read('status.txt')).toBe('first');
  });
});
