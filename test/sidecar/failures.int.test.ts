/** Failure paths of the quarterback: a failing container, retries, timeouts, what cannot run in a pod, cancel. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { GENERATE_UNSUPPORTED } from '../../sidecar/live-container.ts';
import { processRunning } from '../../runtime/process/process-group.ts';
import type { PlanNode, SequenceNode } from '../../src/plan/plan-node.ts';
import { hang, podRequestPod, program, runPod, sh, TempDirs } from './harness.ts';

const dirs = new TempDirs();
afterEach(() => dirs.cleanup());

/**
 * Throws unless the container `pid` is not running. It is bubblewrap's child (a /tmp of its
 * own): killed with it, it may linger as a zombie until init reaps it, a moment later.
 */
function expectGone(pid: number): void {
  expect(processRunning(pid)).toBe(false);
}

describe('quarterback failures', () => {
  it('fails the pod with the failing container\'s error and exit code; nothing after it starts', async () => {
    const run = await runPod(await dirs.make(), {
      sequence: [{ id: 'ok', task: program('report.mjs') }, { id: 'bad', task: program('fail.mjs', '3', 'disk', 'on', 'fire') }, { id: 'never', task: program('report.mjs') }],
    });
    expect(run.done).toEqual({ type: 'done', ok: false, status: 'failed', error: 'step p/bad failed: exited with code 3: disk on fire', exitCode: 3, steps: 2 });
    expect(run.last['p/bad']).toMatchObject({ status: 'failed', exitCode: 3, error: 'exited with code 3: disk on fire' });
    // Never started, and said so: not left pending (DESIGN.md section 3).
    expect(run.statuses['p/never']).toEqual(['skipped']);
    expect(run.last['p/never'].error).toBe('not started: step p/bad failed');
  });

  it('retries a failing container and succeeds on a later attempt', async () => {
    const run = await runPod(await dirs.make(), { id: 'f', retries: 2, task: program('flaky.mjs', '2') });
    expect(run.done).toMatchObject({ ok: true, result: { attempts: 3 } });
    const attempts = run.messages.filter((m) => m.type === 'step' && m.step === 'p/f').map((m) => [(m as { status: string }).status, (m as { attempt: number }).attempt]);
    expect(attempts).toEqual([['running', 1], ['running', 2], ['running', 3], ['succeeded', 3]]);
  });

  it('fails once the retries are used up', async () => {
    const run = await runPod(await dirs.make(), { id: 'f', retries: 1, task: program('flaky.mjs', '5') });
    expect(run.done).toMatchObject({ ok: false, error: 'step p/f failed: exited with code 1: attempt 2 fails on purpose', exitCode: 1 });
  });

  it('kills a container that runs past its timeout, with everything it started', async () => {
    const root = await dirs.make();
    const pidFile = join(root, 'pids.json');
    const run = await runPod(root, { id: 'slow', timeout: 0.5, task: hang(pidFile) });
    expect(run.done).toMatchObject({ ok: false, error: 'step p/slow failed: timed out after 0.5s' });
    const pids = JSON.parse(readFileSync(pidFile, 'utf8')) as { pid: number; child: number };
    expectGone(pids.pid);
    expect(processRunning(pids.child)).toBe(false); // its orphan may linger as a zombie until init reaps it
  });

  it.each([
    { what: 'an unknown image without a command', task: { image: 'acme/unknown:1' }, error: 'image "acme/unknown:1" has no local command' },
    { what: 'a command that does not exist', task: { image: 'x', command: ['no-such-program-here'] }, error: 'could not start "no-such-program-here": command not found' },
  ])('fails a step with a plain sentence for $what', async ({ task, error }) => {
    const run = await runPod(await dirs.make(), { id: 's', task });
    expect(run.done.ok).toBe(false);
    expect(run.done.error).toContain(error);
    expect(run.done.error).toMatch(/^step p\/s failed: /);
  });

  // As Kubernetes' container runtime makes it (runc); in the container's view only (Argo tester 6, Q21).
  it('starts a container whose working directory the host lacks in an empty one of its own, made nowhere on the host', async () => {
    const run = await runPod(await dirs.make(), { id: 's', task: { image: 'x', command: ['sh', '-c', 'touch mine; printf \'{"wd": "%s", "ls": "%s"}\' "$(pwd)" "$(ls -A)" > "$STRATA_OUTPUTS/result.json"'], workingDir: '/no/such/dir' } });
    expect(run.done.ok, run.done.error).toBe(true);
    expect(run.last['p/s'].result).toEqual({ wd: '/no/such/dir', ls: 'mine' });
    expect(existsSync('/no/such')).toBe(false);
  });

  // The plan compiler refuses a generate step in a pod (test/plan/generate-in-pod.int.test.ts);
  // the quarterback still refuses one it is handed, as units made at run time are not planned.
  it('refuses a generate step inside a pod without running it', async () => {
    const flow = { sequence: [{ id: 'gen', task: sh('exit 9') }] };
    const pod = podRequestPod(flow);
    const body = pod.body as SequenceNode;
    body.children[0] = { ...body.children[0]!, kind: 'generate' } as PlanNode;
    const run = await runPod(await dirs.make(), flow, { plan: { pod } });
    expect(run.done).toMatchObject({ ok: false, error: `step p/gen failed: ${GENERATE_UNSUPPORTED}` });
    expect(run.last['p/gen'].exitCode).toBeUndefined();
  });

  it('fails a pod whose cycle reads a redis-stream, saying it is not supported at the micro level', async () => {
    const run = await runPod(await dirs.make(), { cycle: { ring: [{ id: 'x', task: program('accumulate.mjs') }], source: 'redis-stream://events' } });
    expect(run.done.ok).toBe(false);
    expect(run.done.error).toContain('source redis-stream://events cannot be read inside a pod');
  });

  it('cancels: running containers are killed and reported cancelled, later ones never start', async () => {
    const root = await dirs.make();
    const pa = join(root, 'a.json');
    const pb = join(root, 'b.json');
    let cancelled = false;
    const run = await runPod(root, {
      sequence: [{ id: 'g', graph: { nodes: { a: { task: hang(pa) }, b: { task: hang(pb) } } } }, { id: 'after', task: program('report.mjs') }],
    }, {
      onMessage: (m, qb) => {
        if (m.type !== 'step' || m.status !== 'running' || cancelled) return;
        cancelled = true;
        const wait = setInterval(() => {
          if (existsSync(pa) && existsSync(pb)) {
            clearInterval(wait);
            qb.cancel('stop now');
          }
        }, 10);
      },
    });
    expect(run.done).toMatchObject({ ok: false, status: 'cancelled', error: 'stop now' });
    expect(run.last['p/g/a'].status).toBe('cancelled');
    expect(run.last['p/g/b'].status).toBe('cancelled');
    expect(run.statuses['p/after']).toEqual(['cancelled']);
    expect(run.last['p/after'].error).toBe('not started: stop now');
    for (const f of [pa, pb]) {
      const pids = JSON.parse(readFileSync(f, 'utf8')) as { pid: number; child: number };
      expectGone(pids.pid);
      expect(processRunning(pids.child)).toBe(false);
    }
  });
});
