/**
 * Tester 16: a running `strata up` whose dist/ was built again under it started helper programs
 * of the new build (the process launcher, the quarterback) from its old code, and every step
 * failed with `The "file" argument must be of type string` once their protocol changed. Now a
 * step of such a process fails at once saying strata was built again and to restart it, and a
 * restarted one runs. A real `strata up` from a copy of this checkout's build (bin/, dist/,
 * package.json; node_modules linked), so that its dist/BUILT can be rewritten without touching
 * the build the other test files run.
 */
import { cpSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
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
  it('a step fails saying strata was built again and to restart it; restarted, the same flow runs', async () => {
    const root = copyOfBuild();
    const home = join(root, 'home');
    mkdirSync(home);
    const env = { REDIS_URL: inject('redisUrl'), STRATA_PREFIX: `rebuilt-${Date.now()}`, STRATA_HOME: home, PORT: '0' };
    const up = async () => {
      const p = spawnStrata(['up'], env, { entry: [join(root, 'bin', 'strata.js')] });
      children.push(p);
      return { p, url: await until('the API to listen', () => /API on (http:\/\/[\d.:]+)/.exec(p.output())?.[1]) };
    };
    const run = async (url: string, name: string): Promise<RunBody> => {
      const res = await fetch(`${url}/v1/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ flow: flowDoc({ sequence: [{ id: 'hello', task: sh('echo hello') }] }, name) }) });
      const { runId } = (await res.json()) as { runId: string };
      return until('the run to end', async () => {
        const v = (await (await fetch(`${url}/v1/runs/${runId}`)).json()) as RunBody;
        return ['succeeded', 'failed', 'cancelled'].includes(v.status) ? v : undefined;
      }, 60_000);
    };

    const first = await up();
    expect((await run(first.url, 'before')).status).toBe('succeeded');
    writeFileSync(join(root, 'dist', 'BUILT'), '2099-01-01T00:00:00.000Z\n');
    const refused = await run(first.url, 'after');
    expect(refused.status).toBe('failed');
    expect(refused.steps.hello!.error).toContain(`strata was built again after this process started (${join(root, 'dist', 'BUILT')}: `);
    expect(refused.steps.hello!.error).toContain('2099-01-01T00:00:00.000Z now): restart it (strata up, strata worker)');

    await stop(first.p);
    const second = await up();
    expect((await run(second.url, 'restarted')).status).toBe('succeeded');
  }, 120_000);
});
