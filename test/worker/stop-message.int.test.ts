/**
 * A stop message (`{runId, steps}`, one a slice of a cancel: coordinator/cancel-slices) and
 * the local worker (issue 9): a worker stops the steps it runs, and looks for other copies of
 * the message's steps on this machine (a worker that froze, or died) with one listing of the
 * run's pod directories a message, not two a step (40,000 listings for a 20,000-step
 * cancel). Counted by wrapping node's own fs functions in this process (the worker runs in
 * it), not timed. The copies the message names are still stopped: a live one's processes
 * killed, a dead owner's root removed.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { describe, expect, inject, it } from 'vitest';
import { homeNamespace, OWNER_FILE, podDirBases, runDirOf, stepTag } from '../../runtime/local/pod-dirs.ts';
import { flowDoc, shTask } from '../support/documents.ts';
import { countListings } from '../support/fs-calls.ts';
import { deadPid, until } from '../support/processes.ts';
import { useRunService } from '../support/use-run-service.ts';

const N = 300;
const svc = useRunService({ STRATA_WORKER_CONCURRENCY: '2' });

/** A pod root of `step` in `runDir` as another worker of this machine makes it (pod-dirs.ts makePodDirs), owned by `owner`. */
function copyOf(runDir: string, step: string, owner: number): string {
  const root = join(runDir, `${step}.${stepTag(step)}-0000beef`);
  for (const d of ['scratch', 'ipc', 'work']) mkdirSync(join(root, d), { recursive: true });
  writeFileSync(join(root, OWNER_FILE), String(owner));
  return root;
}

/** The pod roots in a run's directory (none once its last pod is gone, and the directory with it). */
function podsIn(runDir: string): string[] {
  return existsSync(runDir) ? readdirSync(runDir) : [];
}

describe('a stop message of many steps', () => {
  it('is looked up with one listing of the run\'s pod directories, whatever the number of steps, and still stops the copies it names', async () => {
    const r = await svc.call('POST', '/v1/runs', { flow: flowDoc({ fanOut: { over: Array.from({ length: N }, (_, i) => i), do: { id: 'x', task: shTask('sleep 60') } } }, 'stop-message') });
    expect(r.status).toBe(202);
    const runId = r.body.runId as string;
    const ns = { namespace: homeNamespace(svc.home) };
    const memDir = runDirOf(runId, true, ns);
    // The worker (concurrency 2) runs two items; the other 298 wait in the queue.
    const pods = await until('two items to run', () => {
      const names = podsIn(memDir);
      return names.length >= 2 ? names : undefined;
    }, 30_000);
    const ids = Array.from({ length: N }, (_, i) => String(i));
    const running = ids.filter((id) => pods.some((n) => n.includes(`.${stepTag(id)}-`)));
    expect(running).toHaveLength(2);
    const waiting = ids.filter((id) => !running.includes(id));

    // Two copies no worker of this process runs: one live (its process carries the pod's mark), one of a dead worker.
    const live = copyOf(memDir, 'copy-live', process.pid);
    const child = spawn('sleep', ['60'], { env: { ...process.env, STRATA_SCRATCH: join(live, 'scratch') }, stdio: 'ignore' });
    const exited = new Promise((res) => child.once('exit', res));
    const dead = copyOf(memDir, 'copy-dead', await deadPid());

    const pub = new Redis(inject('redisUrl'));
    const listed = countListings(podDirBases(ns));
    try {
      await pub.publish(`${svc.prefix}:cancel`, JSON.stringify({ runId, steps: [...waiting, 'copy-live', 'copy-dead'] }));
      await exited;
      await until('the dead worker\'s copy to be removed', () => !existsSync(dead), 30_000);
    } finally {
      listed.stop();
      pub.disconnect();
    }
    // One listing of each directory the run's pods can be in (RAM and disk; one where they are
    // the same), and the removal's of the dead worker's root (rm walks it).
    const runDirs = [...new Set([memDir, runDirOf(runId, false, ns)])].sort();
    expect([...listed.paths.keys()].filter((p) => !p.startsWith(`${dead}/`) && p !== dead).sort()).toEqual(runDirs);
    expect(runDirs.map((d) => listed.paths.get(d))).toEqual(runDirs.map(() => 1));
    // The live copy's root stays (its owner lives and removes its own); its process was killed.
    expect(readdirSync(memDir)).toContain(live.split('/').pop());
    rmSync(live, { recursive: true });

    // The run's own cancel still stops the two items the worker runs.
    expect((await svc.call('POST', `/v1/runs/${runId}/cancel`)).status).toBe(200);
    const run = await svc.waitRun(runId, 60_000);
    expect(run.status).toBe('cancelled');
    expect(running.map((id) => run.steps[id].status)).toEqual(['cancelled', 'cancelled']);
    await until('the items\' pods to be gone', () => !podsIn(memDir).some((n) => running.some((id) => n.includes(`.${stepTag(id)}-`))), 30_000);
  });
});
