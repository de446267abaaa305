/**
 * A full disk under STRATA_HOME (a fault the chaos harness does not make): a real `strata
 * worker`, its STRATA_HOME a 2 MB tmpfs of its own (mounted in a mount namespace of its
 * own, `unshare -rm`, as bubblewrap's user namespaces need anyway), runs a step that fills
 * it. strata's own write that fails then says which file it could not write, as Node's
 * open and copyfile errors do, where it said only `ENOSPC: no space left on device, write`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { flowDoc, shTask } from '../support/documents.ts';
import { stop, until } from '../support/processes.ts';
import { startRunService } from '../support/run-service.ts';

const cleanup: Array<() => Promise<unknown> | unknown> = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await Promise.resolve(c()).catch(() => undefined);
});

/** A `strata worker` whose STRATA_HOME `home` is a tmpfs of `size` seen by it alone. */
function workerOnSmallDisk(env: Record<string, string>, home: string, size: string): ChildProcess & { output: () => string } {
  mkdirSync(home, { recursive: true });
  const script = 'mount -t tmpfs -o size="$1" tmpfs "$2" && shift 2 && exec "$@"';
  const child = spawn('unshare', ['-rm', 'sh', '-c', script, 'sh', size, home, process.execPath, 'bin/strata.js', 'worker'], { env: { ...process.env, ...env, STRATA_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  return Object.assign(child, { output: () => out });
}

describe('a full disk under STRATA_HOME (a real worker on a 2 MB tmpfs)', () => {
  it('fails the step naming the file strata could not write', { timeout: 90_000 }, async () => {
    const svc = await startRunService({}, { worker: false });
    cleanup.push(() => svc.close());
    const home = join(svc.home, 'small-disk');
    const worker = workerOnSmallDisk({ REDIS_URL: inject('redisUrl'), STRATA_PREFIX: svc.prefix, STRATA_WORKER_CONCURRENCY: '1' }, home, '2m');
    cleanup.push(() => stop(worker));
    await until('the worker to start', () => /worker running/.test(worker.output()) || worker.exitCode !== null, 30_000);
    expect(worker.output()).toMatch(/worker running/);

    const fill = { id: 'fill', task: { ...shTask('head -c 3000000 /dev/zero > $STRATA_OUTPUTS/out; true'), outputs: ['out'] } };
    const r = await svc.call('POST', '/v1/runs', { flow: flowDoc({ sequence: [fill, { id: 'after', task: shTask('true') }] }, 'disk-full') });
    expect(r.status).toBe(202);
    const run = await svc.waitRun(r.body.runId, 60_000);
    expect(run.status).toBe('failed');
    const error = run.steps.fill.error ?? '';
    expect(error).toMatch(new RegExp(`^infrastructure failure: ENOSPC: no space left on device, write '${home}/work/[^']+'$`));
    expect(run.steps.after.status).toBe('skipped');

    // Inside a pod (the quarterback copies the container's outputs): named too, the same disk emptied again.
    const inPod = await svc.call('POST', '/v1/runs', { flow: flowDoc({ sequence: [{ id: 'p', pod: { flow: { sequence: [fill, { id: 'after', task: shTask('true') }] } } }] }, 'disk-full-pod') });
    expect(inPod.status).toBe(202);
    const podRun = await svc.waitRun(inPod.body.runId, 60_000);
    expect(podRun.status).toBe('failed');
    expect(podRun.steps['p/fill'].error).toMatch(new RegExp(`^ENOSPC: no space left on device, \\w+ .*'${home}/work/[^']+'$`));
    expect(podRun.steps['p/after'].status).toBe('skipped');
  });
});
