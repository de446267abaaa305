import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { artifactPath, readableArtifactPath, copyInputs, copyOutputs, makeStepDirs, readResult, RESULT_LIMIT_BYTES, writeData } from '../../runtime/step-files.ts';
import { TempDirs } from '../sidecar/harness.ts';

const dirs = new TempDirs();
afterEach(() => dirs.cleanup());

describe('step files', () => {
  it('makes one inputs/outputs pair per attempt, afresh when a restarted quarterback finds an old one', async () => {
    const work = await dirs.make();
    const first = makeStepDirs(work, 'p/fan/0', 1);
    expect(first.outputs).toBe(join(work, 'p', 'fan', '0', '@1', 'outputs'));
    await writeFile(join(first.outputs, 'result.json'), '{"stale":true}');
    const again = makeStepDirs(work, 'p/fan/0', 1);
    expect(again).toEqual(first);
    expect(existsSync(join(first.outputs, 'result.json'))).toBe(false);
  });

  it('writes the engine\'s data as JSON files, only what there is', async () => {
    const dir = await dirs.make();
    writeData(dir, { window: [{ n: 1 }], previous: null });
    expect(JSON.parse(await readFile(join(dir, 'window'), 'utf8'))).toEqual([{ n: 1 }]);
    expect(await readFile(join(dir, 'previous'), 'utf8')).toBe('null');
    expect(existsSync(join(dir, 'results'))).toBe(false);
  });

  it('copies inputs from where `locate` says, and names a missing one', async () => {
    const dir = await dirs.make();
    await writeFile(join(dir, 'src.csv'), 'a,b');
    await copyInputs(dir, { table: { step: 'p/a', output: 'src.csv' } }, (ref) => join(dir, ref.output));
    expect(await readFile(join(dir, 'table'), 'utf8')).toBe('a,b');
    await expect(copyInputs(dir, { rows: { step: 'p/b', output: 'rows' } }, (ref) => join(dir, 'nope', ref.output))).rejects.toThrow('input "rows": step p/b has no output "rows"');
  });

  it('copies declared outputs to the artifact store and names a missing one', async () => {
    const dir = await dirs.make();
    await writeFile(join(dir, 'out.txt'), 'x');
    const store = artifactPath(join(dir, 'store'), 'r1', 'p/ring/x#2');
    expect(await copyOutputs(dir, ['out.txt'], store)).toEqual({ 'out.txt': join(dir, 'store', 'r1', 'p', 'ring', 'x#2', 'out.txt') });
    await expect(copyOutputs(dir, ['gone.txt'], store)).rejects.toThrow('declared output "gone.txt" was not written to STRATA_OUTPUTS');
  });

  it("reads an exit handler's artifacts where they are kept, or where an earlier version kept them", async () => {
    const store = join(await dirs.make(), 'store');
    expect(artifactPath(store, 'r1', 'g/onExit', 'o')).toBe(join(store, 'r1', 'g@onExit', 'o'));
    expect(readableArtifactPath(store, 'r1', 'g/onExit')).toBe(join(store, 'r1', 'g@onExit'));
    await mkdir(join(store, 'r1', 'g', 'onExit'), { recursive: true });
    expect(readableArtifactPath(store, 'r1', 'g/onExit')).toBe(join(store, 'r1', 'g', 'onExit'));
    await mkdir(join(store, 'r1', 'g@onExit'), { recursive: true });
    expect(readableArtifactPath(store, 'r1', 'g/onExit')).toBe(join(store, 'r1', 'g@onExit'));
    expect(readableArtifactPath(store, 'r1', 'g/a')).toBe(join(store, 'r1', 'g', 'a'));
  });

  it('reads result.json: null when absent, a sentence when it is not JSON', async () => {
    const dir = await dirs.make();
    expect(readResult(dir)).toBeNull();
    await writeFile(join(dir, 'result.json'), '{"total": 3}');
    expect(readResult(dir)).toEqual({ total: 3 });
    await writeFile(join(dir, 'result.json'), '{total');
    expect(() => readResult(dir)).toThrow(/^result.json is not valid JSON/);
  });

  it('refuses result.json nested deeper than strata reads (a step failure naming it, never a stack overflow)', async () => {
    const dir = await dirs.make();
    await writeFile(join(dir, 'result.json'), `{"a": ${'['.repeat(6000)}${']'.repeat(6000)}}`);
    expect(() => readResult(dir)).toThrow(/^result.json is nested more than 256 levels deep/);
    await writeFile(join(dir, 'result.json'), `${'['.repeat(256)}${']'.repeat(256)}`);
    expect(JSON.stringify(readResult(dir))).toBe(`${'['.repeat(256)}${']'.repeat(256)}`);
  });

  it('refuses result.json that is not UTF-8, naming the first bad byte, instead of repairing it', async () => {
    const dir = await dirs.make();
    await writeFile(join(dir, 'result.json'), Buffer.concat([Buffer.from('{"name": "caf'), Buffer.from([0xe9]), Buffer.from('"}')]));
    expect(() => readResult(dir)).toThrow('result.json is not valid UTF-8 text (byte 13): write the result as UTF-8 JSON');
  });

  it('refuses a result over the limit without reading it, pointing at artifacts; a larger limit (a Dataset) lets it through', async () => {
    const dir = await dirs.make();
    const big = JSON.stringify({ blob: 'x'.repeat(RESULT_LIMIT_BYTES) });
    await writeFile(join(dir, 'result.json'), big);
    expect(() => readResult(dir)).toThrow(`result.json is ${big.length} bytes, more than the limit of ${RESULT_LIMIT_BYTES} bytes for a result (STRATA_MAX_RESULT_BYTES; a generate step's Dataset: STRATA_MAX_DATASET_RESULT_BYTES): write big data to an output file (an artifact, see outputs) and keep the result small`);
    expect(readResult(dir, 2 * RESULT_LIMIT_BYTES)).toEqual({ blob: 'x'.repeat(RESULT_LIMIT_BYTES) });
  });
});
