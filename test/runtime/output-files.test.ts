import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkOutputsDir, checkOutputTree, copyRegular, readOutputText } from '../../runtime/output-files.ts';
import { TempDirs } from '../sidecar/harness.ts';

const dirs = new TempDirs();
afterEach(() => dirs.cleanup());

async function tree() {
  const d = await dirs.make();
  const out = join(d, 'outputs');
  mkdirSync(out);
  writeFileSync(join(d, 'elsewhere'), 'not yours');
  return { d, out };
}

describe('output files', () => {
  it('copies and reads regular files, and says false / undefined for a missing one', async () => {
    const { d, out } = await tree();
    writeFileSync(join(out, 'a'), 'A');
    expect(await copyRegular(join(out, 'a'), join(d, 'copy'), 'output "a"')).toBe(true);
    expect(await readFile(join(d, 'copy'), 'utf8')).toBe('A');
    expect(await copyRegular(join(out, 'none'), join(d, 'copy2'), 'output "none"')).toBe(false);
    expect(readOutputText(out, 'a')).toBe('A');
    expect(readOutputText(out, 'none')).toBeUndefined();
  });

  it.each([
    ['a symbolic link', (p: string, d: string) => symlinkSync(join(d, 'elsewhere'), p), /output "x" is a symbolic link: outputs must be regular files/],
    ['a FIFO', (p: string) => execFileSync('mkfifo', [p]), /output "x" is a FIFO/],
    ['a directory', (p: string) => mkdirSync(p), /output "x" is a directory/],
  ])('refuses %s, without reading through it or blocking', async (_what, make, error) => {
    const { d, out } = await tree();
    make(join(out, 'x'), d);
    await expect(copyRegular(join(out, 'x'), join(d, 'copy'), 'output "x"')).rejects.toThrow(error);
    expect(() => readOutputText(out, 'x')).toThrow(error);
  });

  it('refuses an outputs directory that was replaced by a link', async () => {
    const { d, out } = await tree();
    const real = join(d, 'real');
    mkdirSync(real);
    execFileSync('rm', ['-r', out]);
    symlinkSync(real, out);
    expect(() => checkOutputsDir(out)).toThrow(/STRATA_OUTPUTS is a symbolic link, not the directory strata made/);
    expect(() => checkOutputTree(out)).toThrow(/is a symbolic link/);
  });

  it('checks a whole tree: regular files and directories pass, a link deep inside is named by its path', async () => {
    const { d, out } = await tree();
    mkdirSync(join(out, 'sub', 'deeper'), { recursive: true });
    writeFileSync(join(out, 'result.json'), '{}');
    writeFileSync(join(out, 'sub', 'deeper', 'ok'), 'x');
    expect(checkOutputTree(out)).toBe(2); // result.json and sub: the entries of the directory itself
    // A relative link inside its output (a directory artifact) passes (Argo tester 3, N6).
    symlinkSync('ok', join(out, 'sub', 'deeper', 'to-ok'));
    symlinkSync('../deeper', join(out, 'sub', 'deeper', 'to-dir'));
    expect(checkOutputTree(out)).toBe(2);
    symlinkSync('../../result.json', join(out, 'sub', 'deeper', 'up'));
    expect(() => checkOutputTree(out)).toThrow('output "sub": deeper/up is a symbolic link to "../../result.json", which points outside the artifact (above its top)');
    rmSync(join(out, 'sub', 'deeper', 'up'));
    symlinkSync(join(d, 'elsewhere'), join(out, 'sub', 'deeper', 'bad'));
    expect(() => checkOutputTree(out)).toThrow(`output "sub": deeper/bad is a symbolic link to "${join(d, 'elsewhere')}", which points outside the artifact (an absolute path)`);
    rmSync(join(out, 'sub', 'deeper', 'bad'));
    symlinkSync('sub', join(out, 'top'));
    expect(() => checkOutputTree(out)).toThrow('output "top" is a symbolic link: outputs must be regular files');
  });
});
