import { existsSync } from 'node:fs';
/** Data passing inside a pod: the environment contract, inputs in, result.json and outputs out. */
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { program, runPod, TempDirs } from './harness.ts';

const dirs = new TempDirs();
afterEach(() => dirs.cleanup());

describe('quarterback data passing', () => {
  it('gives every container the environment of DESIGN.md section 4', async () => {
    const run = await runPod(await dirs.make(), {
      fanOut: { over: [{ k: 'a' }], do: { task: { ...program('report.mjs'), env: { CUSTOM: 'yes', STRATA_RUN: 'not-allowed' } } } },
    }, { params: { region: 'north' } });
    const r = run.last['p/0'].result as Record<string, unknown>;
    expect(r).toMatchObject({ run: 'r1', step: 'p/0', item: { k: 'a' }, round: null, params: { region: 'north' }, custom: 'yes', scratch: run.plan.scratchDir, ipc: run.plan.ipcDir });
    expect(r.port).toBeGreaterThan(0);
  });

  it('delivers a sibling\'s outputs as inputs, keeps declared outputs in the pod\'s outputs dir (the worker keeps it as the artifacts) and records result.json', async () => {
    const root = await dirs.make();
    const run = await runPod(root, {
      sequence: [
        { id: 'make', task: { ...program('report.mjs', 'data.csv=a,b,c'), outputs: ['data.csv'] } },
        { id: 'use', task: { ...program('report.mjs'), inputs: { table: './make:data.csv' } } },
      ],
    });
    expect(run.done.ok).toBe(true);
    expect(run.last['p/use'].result).toMatchObject({ inputs: { table: 'a,b,c' } });
    // Reported where it will be once the worker keeps the pod's outputs; kept meanwhile in them.
    expect(run.last['p/make']).toMatchObject({ status: 'succeeded', exitCode: 0, outputs: { 'data.csv': join(root, 'artifacts', 'r1', 'p', 'make', 'data.csv') }, result: { step: 'p/make' } });
    expect(await readFile(join(root, 'pod-outputs', 'make', 'data.csv'), 'utf8')).toBe('a,b,c');
    expect(existsSync(join(root, 'artifacts', 'r1', 'p'))).toBe(false); // nothing written to the store by the quarterback
    // The pod's own outputs dir gets its result and its containers' outputs.
    expect(JSON.parse(await readFile(join(root, 'pod-outputs', 'result.json'), 'utf8'))).toMatchObject({ step: 'p/use' });
    expect(await readFile(join(root, 'pod-outputs', 'data.csv'), 'utf8')).toBe('a,b,c');
  });

  it('reads inputs from outside the pod from the artifact store', async () => {
    const root = await dirs.make();
    await mkdir(join(root, 'artifacts', 'r1', 'extract'), { recursive: true });
    await writeFile(join(root, 'artifacts', 'r1', 'extract', 'rows'), '[1,2,3]');
    const run = await runPod(root, { task: { ...program('report.mjs'), inputs: { rows: 'extract:rows' } } });
    expect(run.done).toMatchObject({ ok: true, result: { inputs: { rows: [1, 2, 3] } } });
  });

  it('fails a step whose input does not exist, naming it', async () => {
    const run = await runPod(await dirs.make(), { task: { ...program('report.mjs'), inputs: { rows: 'nowhere:rows' } } });
    expect(run.done).toMatchObject({ ok: false, status: 'failed' });
    expect(run.done.error).toContain('input "rows": step nowhere has no output "rows"');
  });

  it('fails a step that did not write a declared output', async () => {
    const run = await runPod(await dirs.make(), { id: 'lazy', task: { ...program('report.mjs'), outputs: ['missing.txt'] } });
    expect(run.done.error).toBe('step p/lazy failed: declared output "missing.txt" was not written to STRATA_OUTPUTS');
  });

  it('fails a step whose result.json is not JSON', async () => {
    const run = await runPod(await dirs.make(), { id: 'bad', task: { image: 'sh', command: ['sh', '-c', 'echo "{nope" > "$STRATA_OUTPUTS/result.json"'] } });
    expect(run.done.ok).toBe(false);
    expect(run.done.error).toMatch(/^step p\/bad failed: result.json is not valid JSON/);
  });

  it('relays containers\' stdout and stderr as logs', async () => {
    const run = await runPod(await dirs.make(), { id: 'talk', task: { image: 'sh', command: ['sh', '-c', 'echo out; echo err >&2'] } });
    const logs = run.messages.filter((m) => m.type === 'log');
    expect(logs).toEqual(expect.arrayContaining([
      { type: 'log', step: 'p/talk', stream: 'stdout', chunk: 'out\n' },
      { type: 'log', step: 'p/talk', stream: 'stderr', chunk: 'err\n' },
    ]));
  });
});
