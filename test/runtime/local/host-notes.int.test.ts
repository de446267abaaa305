/**
 * Issue 9: where bubblewrap runs but cannot make a UTS namespace, every container's host name
 * is the machine's, and that is said in a line. It was said in each container's log: a log
 * append, one Redis round trip, a step. Now once a run by each process that starts
 * containers (a worker at the macro level, a pod's quarterback inside it), in the log of its
 * first container of the run. A real `strata up` whose bubblewrap (STRATA_BWRAP) refuses
 * `--unshare-uts`; counted in the logs and with MONITOR, never timed.
 */
import { writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { bwrapCommand } from '../../../runtime/local/private-view.ts';
import { flowDoc } from '../../support/documents.ts';
import { spawnStrata, stop, until } from '../../support/processes.ts';
import { monitorRedis } from '../../support/redis-monitor.ts';
import { useTempDirs } from '../../support/temp-dirs.ts';

const N = 6;
const NOTE = 'host name is the machine\'s';
const tempDir = useTempDirs('strata-host-notes-');
const cleanup: Array<() => Promise<unknown> | void> = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
});

/** A `strata up` whose bubblewrap cannot make a UTS namespace (as a kernel or seccomp policy without them), its API's URL and prefix. */
async function upWithoutUts(): Promise<{ url: string; prefix: string }> {
  const dir = tempDir();
  const fake = join(dir, 'bwrap-no-uts');
  writeFileSync(fake, `#!/bin/sh\nfor a in "$@"; do [ "$a" = --unshare-uts ] && { echo "bwrap: Creating new namespace failed: Operation not permitted" >&2; exit 1; }; done\nexec ${bwrapCommand()} "$@"\n`, { mode: 0o755 });
  const prefix = `host-notes-${Date.now()}`;
  const up = spawnStrata(['up'], { REDIS_URL: inject('redisUrl'), STRATA_PREFIX: prefix, STRATA_HOME: join(dir, 'home'), PORT: '0', STRATA_BWRAP: fake, STRATA_WORKER_CONCURRENCY: '2' });
  cleanup.push(() => stop(up));
  const url = await until('the API to listen', () => /API on (http:\/\/[\d.:]+)/.exec(up.output())?.[1], 30_000);
  return { url, prefix };
}

async function runToEnd(url: string, root: unknown): Promise<{ id: string; steps: Record<string, { status: string; result?: unknown }> }> {
  const r = await fetch(`${url}/v1/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ flow: flowDoc(root, 'host-notes') }) });
  expect(r.status).toBe(202);
  const id = ((await r.json()) as { runId: string }).runId;
  const run = await until('the run to end', async () => {
    const v = (await (await fetch(`${url}/v1/runs/${id}`)).json()) as { status: string; steps: Record<string, { status: string; result?: unknown }> };
    return ['succeeded', 'failed', 'cancelled'].includes(v.status) ? v : undefined;
  }, 60_000, 100);
  expect(run.status, JSON.stringify(run.steps).slice(0, 2000)).toBe('succeeded');
  return { id, steps: run.steps };
}

/** How many times the note is in the logs of `steps`. */
async function notesIn(url: string, id: string, steps: string[]): Promise<number> {
  let n = 0;
  for (const s of steps) {
    const r = await fetch(`${url}/v1/runs/${id}/steps/${s}/logs`);
    if (r.status === 404) continue; // nothing written
    n += (await r.text()).split(NOTE).length - 1;
  }
  return n;
}

const hostAndEnv = { image: 'alpine', command: ['sh', '-c', 'printf "%s %s" "$(hostname)" "$HOSTNAME"'], result: 'text' };
const over = Array.from({ length: N }, (_, i) => i);

describe('a container\'s host name is the machine\'s (no UTS namespace)', () => {
  it('is said once a run by the worker and once by each pod, not in every container\'s log; the containers still have the machine\'s host name', async () => {
    const { url } = await upWithoutUts();
    const ids = ['a', 'b', 'c'];
    const root = { sequence: [
      { fanOut: { over, do: { id: 'x', task: hostAndEnv } } },
      { id: 'pod', pod: { flow: { sequence: ids.map((id) => ({ id, task: hostAndEnv })) } } },
    ] };
    const items = over.map((i) => `0/${i}`); // the fan-out is the sequence's first node
    for (const round of [1, 2]) {
      const { id, steps } = await runToEnd(url, root);
      for (const s of [...items, ...ids.map((c) => `pod/${c}`)]) {
        const [uname, env] = String(steps[s]?.result).split(' ');
        expect(uname, `round ${round}, ${s}`).toBe(hostname());
        expect(env, `round ${round}, ${s}`).toMatch(/^strata-/);
      }
      // Each run is told: once by the worker (its fan-out's items and the pod's step), once by the pod's quarterback.
      expect(await notesIn(url, id, items)).toBe(1);
      expect(await notesIn(url, id, ids.map((c) => `pod/${c}`))).toBe(1);
    }
  });

  it('costs a run of silent steps one log append, not one a step', async () => {
    const { url, prefix } = await upWithoutUts();
    const silent = { fanOut: { over, do: { id: 'x', task: { image: 'alpine', command: ['true'] } } } };
    const items = over.map(String);
    await runToEnd(url, silent); // scripts loaded, bubblewrap asked
    const monitor = await monitorRedis(inject('redisUrl'));
    cleanup.push(() => monitor.stop());
    const { id } = await runToEnd(url, silent);
    const logKey = `${prefix}:run:${id}:logs:`;
    const appends = monitor.seen.filter((s) => s.from !== 'lua' && /^eval/.test(s.args[0]) && s.args[3]?.startsWith(logKey));
    expect(appends.map((s) => s.args[3])).toHaveLength(1);
    expect(await notesIn(url, id, items)).toBe(1);
  });
});
