/**
 * Tester 16: a running `strata up` whose dist/ was built again under it started helper programs
 * of the new build (the process launcher, the quarterback) from its old code, and every step
 * failed with `The "file" argument must be of type string` once their protocol changed. Now a
 * step of such a process fails at once saying strata was built again and to restart it, a new
 * run is refused with 503 saying the same (the API reads documents on threads started from the
 * build), and a restarted one runs. A real `strata up` from a copy of this checkout's build (bin/, dist/,
 * package.json; node_modules linked), so that its dist/BUILT can be rewritten without touching
 * the build the other test files run.
 */
import { cpSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { flowDoc, shTask as sh } from '../../support/documents.ts';
import { spawnStrata, stop, until } from '../../support/processes.ts';
import { useTempDirs } from '../../support/temp-dirs.ts';

const newTempDir = useTempDirs('strata-rebuilt-under-');
const children: Array<ReturnType<typeof spawnStrata>> = [];
afterAll(async () => {
  for (const c of children) await stop(c).catch(() => undefined);
});

/** A checkout of this one's build alone: bin/, dist/, package.json, node_modules linked. */
function copyOfBuild(): string {
  const root = newTempDir();
  for (const p of ['bin', 'dist', 'package.json']) cpSync(resolve(p), join(root, p), { recursive: true });
  symlinkSync(resolve('node_modules'), join(root, 'node_modules'));
  return root;
}

interface RunBody { status: string; steps: Record<string, { status: string; error?: string }> }

describe('dist/ built again under a running strata up', () => {
  it('a step then fails, and a run is refused (503), saying strata was built again and to restart it; restarted, it runs', async () => {
    const root = copyOfBuild();
    const home = join(root, 'home');
    mkdirSync(home);
    const env = { REDIS_URL: inject('redisUrl'), STRATA_PREFIX: `rebuilt-${Date.now()}`, STRATA_HOME: home, PORT: '0' };
    const up = async () => {
      const p = spawnStrata(['up'], env, { entry: [join(root, 'bin', 'strata.js')] });
      children.push(p);
      return { p, url: await until('the API to listen', () => /API on (http:\/\/[\d.:]+)/.exec(p.output())?.[1]) };
    };
    const post = (url: string, name: string, flowRoot: object) => fetch(`${url}/v1/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ flow: flowDoc(flowRoot, name) }) });
    const ended = async (url: string, runId: string): Promise<RunBody> =>
      until('the run to end', async () => {
        const v = (await (await fetch(`${url}/v1/runs/${runId}`)).json()) as RunBody;
        return ['succeeded', 'failed', 'cancelled'].includes(v.status) ? v : undefined;
      }, 60_000);
    const hello = { sequence: [{ id: 'hello', task: sh('echo hello') }] };
    const run = async (url: string, name: string): Promise<RunBody> => ended(url, ((await (await post(url, name, hello)).json()) as { runId: string }).runId);
    const stamp = join(root, 'dist', 'BUILT');
    const said = `strata was built again after this process started (${stamp}: `;

    const first = await up();
    expect((await run(first.url, 'before')).status).toBe('succeeded');
    // A run under way as the build changes: its next step is not started from the new build.
    const gate = join(root, 'gate');
    const waiting = (await (await post(first.url, 'under-way', { sequence: [{ id: 'wait', task: sh(`touch ${gate}.up; while [ ! -e ${gate} ]; do sleep 0.05; done`) }, { id: 'hello', task: sh('echo hello') }] })).json()) as { runId: string };
    await until('the first step to run', () => existsSync(`${gate}.up`));
    writeFileSync(stamp, '2099-01-01T00:00:00.000Z\n');
    writeFileSync(gate, '');
    const underWay = await ended(first.url, waiting.runId);
    expect(underWay.status).toBe('failed');
    expect(underWay.steps.wait!.status).toBe('succeeded');
    expect(underWay.steps.hello!.error).toContain(said);
    expect(underWay.steps.hello!.error).toContain('2099-01-01T00:00:00.000Z now): restart it (strata up, strata worker)');
    // A new run is refused by the API (its documents are read on threads that would load the new build): 503 saying so.
    const refused = await post(first.url, 'after', hello);
    expect(refused.status).toBe(503);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toContain(said);

    await stop(first.p);
    const second = await up();
    expect((await run(second.url, 'restarted')).status).toBe('succeeded');
  }, 120_000);
});
