/**
 * A full disk under STRATA_HOME (a fault the chaos harness does not make): a real `strata
 * worker`, its STRATA_HOME a 2 MB tmpfs of its own (mounted in a mount namespace of its
 * own, `unshare -rm`, as bubblewrap's user namespaces need anyway), runs a step that fills
 * it. strata's own write that fails then says which file it could not write, as Node's
 * open and copyfile errors do, where it said only `ENOSPC: no space left on device, write`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { flowDoc, shTask } from '../support/documents.ts';
import { stop, until } from '../support/processes.ts';
import { startRunService } from '../support/run-service.ts';

const cleanup: Array<() => Promise<unknown> | unknown> = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await Promise.resolve(c()).catch(() => undefined);
});

/** `strata COMMAND` (`worker`, `up`) whose STRATA_HOME `home` is a tmpfs of `size` seen by it alone. */
function strataOnSmallDisk(command: string, env: Record<string, string>, home: string, size: string): ChildProcess & { output: () => string } {
  mkdirSync(home, { recursive: true });
  const script = 'mount -t tmpfs -o size="$1" tmpfs "$2" && shift 2 && exec "$@"';
  const child = spawn('unshare', ['-rm', 'sh', '-c', script, 'sh', size, home, process.execPath, 'bin/strata.js', command], { env: { ...process.env, ...env, STRATA_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
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
    const worker = strataOnSmallDisk('worker', { REDIS_URL: inject('redisUrl'), STRATA_PREFIX: svc.prefix, STRATA_WORKER_CONCURRENCY: '1' }, home, '2m');
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

  it('strata up, its own Redis (AOF) on the disk a step fills for a while: Redis refuses writes (MISCONF) until the step frees it, and strata carries on', { timeout: 120_000 }, async () => {
    const home = join(mkdtempSync(join(tmpdir(), 'strata-full-')), 'home');
    cleanup.push(() => rm(dirname(home), { recursive: true, force: true }));
    const up = strataOnSmallDisk('up', { PORT: '0', STRATA_WORKER_CONCURRENCY: '1', REDIS_URL: '' }, home, '4m');
    cleanup.push(() => stop(up));
    const url = (await until('strata up to listen', () => /strata API on (http:\/\/[^ "]+)/.exec(up.output())?.[1] ?? (up.exitCode !== null && 'exited'), 30_000));
    expect(url).not.toBe('exited');
    // The step fills the disk and holds it full until told to go on (a directory outside it, which steps see).
    const signals = mkdtempSync('/dev/shm/strata-full-');
    cleanup.push(() => rm(signals, { recursive: true, force: true }));
    const hog = shTask(`head -c 8000000 /dev/zero > $STRATA_OUTPUTS/junk; touch ${signals}/full; while [ ! -e ${signals}/go ]; do sleep 0.1; done; rm $STRATA_OUTPUTS/junk`);
    const submit = (name: string, root: unknown) => fetch(`${url}/v1/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ flow: flowDoc(root, name) }) });
    const post = await submit('disk-hog', { sequence: [{ id: 'hog', task: hog }, { id: 'after', task: shTask('echo after') }] });
    expect(post.status).toBe(202);
    const { runId } = (await post.json()) as { runId: string };
    await until('the disk to be full', () => existsSync(join(signals, 'full')), 30_000);
    // Writes while it is full: Redis takes them in memory, then refuses more once its AOF cannot be written.
    const answers: number[] = [];
    await until('Redis to refuse a write', async () => {
      if (up.exitCode !== null) return true;
      answers.push((await submit('while-full', { sequence: [{ id: 'a', task: shTask('true') }] }).catch(() => undefined))?.status ?? 0);
      return answers.some((s) => s !== 202);
    }, 60_000, 200);
    expect(up.exitCode, up.output().slice(-600)).toBe(null);
    // A request Redis refused is a 503 to try again, never a 500.
    expect(answers.filter((s) => s !== 202)).toEqual([503]);
    const refused = await submit('while-full', { sequence: [{ id: 'a', task: shTask('true') }] });
    expect(refused.status).toBe(503);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/^Redis refuses writes right now \(MISCONF [^)]*No space left on device\): its disk or memory is full; make room for it and try again$/);
    writeFileSync(join(signals, 'go'), '');
    const run = await until('the run to end', async () => {
      if (up.exitCode !== null) return { status: `strata up exited: ${up.output().slice(-400)}` };
      const r = await fetch(`${url}/v1/runs/${runId}`).catch(() => undefined);
      const body = r?.status === 200 ? ((await r.json()) as { status: string }) : undefined;
      return body && ['succeeded', 'failed', 'cancelled'].includes(body.status) ? body : undefined;
    }, 90_000, 200);
    expect(run.status).toBe('succeeded');
    expect(up.exitCode).toBe(null);
  });
});
