/** Writing where a step may have written first never goes through a link it left there (runtime/no-follow-writes.ts). */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { copyFileHere, mkdirHere, mkdirsBelow, writeFileHere } from '../../runtime/no-follow-writes.ts';
import { StepFileError } from '../../runtime/output-files.ts';
import { copyInputs, makeStepDirs, writeData } from '../../runtime/step-files.ts';
import { fileScopeValues } from '../../runtime/env-files.ts';

let dir: string;
let host: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'strata-nofollow-'));
  host = join(dir, 'host');
  mkdirSync(host);
  writeFileSync(join(host, 'file'), 'host data');
  mkdirSync(join(dir, 'area'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const area = (...p: string[]) => join(dir, 'area', ...p);
const untouched = () => {
  expect(readFileSync(join(host, 'file'), 'utf8')).toBe('host data');
  expect(readdirSync(host)).toEqual(['file']);
};

describe('no-follow writes', () => {
  it('a file is written, created or replacing a regular file, but never through a link', async () => {
    writeFileHere(area('a'), 'one');
    writeFileHere(area('a'), 'two');
    expect(readFileSync(area('a'), 'utf8')).toBe('two');
    symlinkSync(join(host, 'file'), area('l'));
    expect(() => writeFileHere(area('l'), 'x', 'result.json')).toThrow(StepFileError);
    expect(() => writeFileHere(area('l'), 'x', 'result.json')).toThrow(`result.json: ${area('l')} is a symbolic link to "${join(host, 'file')}"`);
    untouched();
  });

  it('a copy replaces a regular file but refuses a link, dangling or not', async () => {
    writeFileSync(area('src'), 'step data');
    writeFileSync(area('b'), 'old');
    await copyFileHere(area('src'), area('b'), 'output "b"');
    expect(readFileSync(area('b'), 'utf8')).toBe('step data');
    symlinkSync(join(host, 'file'), area('l'));
    symlinkSync(join(host, 'new-file'), area('dangling'));
    await expect(copyFileHere(area('src'), area('l'), 'output "l"')).rejects.toThrow('strata never writes through a link');
    await expect(copyFileHere(area('src'), area('dangling'), 'output "d"')).rejects.toThrow(`is a symbolic link to "${join(host, 'new-file')}"`);
    untouched();
  });

  it('directories are made one at a time below the root, and a link on the way is refused', async () => {
    await mkdirHere(area('d'), 'x');
    await mkdirHere(area('d'), 'x'); // one already there is fine
    await mkdirsBelow(area(), area('d', 'e', 'f'), 'x');
    symlinkSync(host, area('d', 'link'));
    await expect(mkdirHere(area('d', 'link'), 'input "i"')).rejects.toThrow(`input "i": ${area('d', 'link')} is a symbolic link to "${host}"`);
    await expect(mkdirsBelow(area(), area('d', 'link', 'deeper'), 'input "i"')).rejects.toThrow('strata never writes through a link');
    untouched();
  });

  it('inputs, fan-in lists, engine data and scope files are never written through a link', async () => {
    mkdirSync(area('store'));
    writeFileSync(area('store', 'out'), 'data');
    mkdirSync(area('tree'));
    writeFileSync(area('tree', 'f'), 'in tree');
    mkdirSync(area('in'));
    symlinkSync(join(host, 'file'), area('in', 'x'));
    symlinkSync(host, area('in', 'd'));
    symlinkSync(host, area('in', 'each'));
    symlinkSync(join(host, 'file'), area('in', 'results'));
    symlinkSync(join(host, 'file'), area('in', '.strata-params.json'));
    await expect(copyInputs(area('in'), { x: { step: 's', output: 'out' } }, () => area('store', 'out'))).rejects.toThrow(`input "x" (output "out" of step s): ${area('in', 'x')} is a symbolic link`);
    await expect(copyInputs(area('in'), { d: { step: 's', output: 'tree' } }, () => area('tree'))).rejects.toThrow(`is a symbolic link to "${host}"`);
    await expect(copyInputs(area('in'), { each: { step: 's', output: 'out', each: [{ step: 's/0', index: 0, item: 1 }] } }, () => area('store', 'out'))).rejects.toThrow(`is a symbolic link to "${host}"`);
    expect(() => writeData(area('in'), { results: [1] })).toThrow('strata never writes through a link');
    expect(() => fileScopeValues({ STRATA_PARAMS: '{}' }, area('in'))).toThrow('strata never writes through a link');
    untouched();
  });

  it("a container's attempt directories never go through a link an earlier container left in the pod's work dir", async () => {
    mkdirSync(area('work', 'a'), { recursive: true });
    symlinkSync(host, area('work', 'a', '@2'));
    const dirs = makeStepDirs(area('work'), 'a', 2);
    expect(dirs.inputs).toBe(area('work', 'a', '@2', 'inputs'));
    writeFileHere(join(dirs.inputs, 'x'), 'in');
    symlinkSync(host, area('work', 'b'));
    expect(() => makeStepDirs(area('work'), 'b/c', 1)).toThrow(`step b/c: ${area('work', 'b')} is a symbolic link to "${host}"`);
    untouched();
  });
});
