/**
 * Issue 13, faults 1-3, with real `strata worker` processes killed and frozen for real:
 * - a step's processes and directories do not outlive the worker that started them
 *   (SIGKILL), and a cancelled run's step is stopped even when its worker cannot act;
 * - a takeover stops the earlier copy before the step runs again (no overlap), and a
 *   late copy never replaces the outputs the run recorded and the next step read;
 * - a re-run pod's reports say which execution of the pod they come from.
 */
import { attemptLabel } from '../../src/run/attempt-label.ts';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { homeNamespace } from '../../runtime/local/pod-dirs.ts';
import { groupRunning, processRunning } from '../../runtime/process/process-group.ts';
import { flowDoc, shTask } from '../support/documents.ts';
import { spawnStrata, stop, until, workerOf } from '../support/processes.ts';
import { startRunService, type RunTestService } from '../support/run-service.ts';

const cleanup: Array<() => Promise<unknown> | unknown> = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await Promise.resolve(c()).catch(() => undefined);
});

type Worker = ReturnType<typeof spawnStrata>;

/** The API and coordinator in this process; workers as real processes on the same home. */
async function setUp(workers: number) {
  const svc = await startRunService({}, { worker: false, graceMs: 300 });
  cleanup.push(() => svc.close());
  const env = { REDIS_URL: inject('redisUrl'), STRATA_PREFIX: svc.prefix, STRATA_HOME: svc.home, STRATA_LOCK_MS: '1000', STRATA_STALLED_MS: '300', STRATA_WORKER_CONCURRENCY: '2' };
  const started: Worker[] = [];
  const start = () => {
    const w = spawnStrata(['worker'], env);
    started.push(w);
    cleanup.push(() => {
      if (w.signalCode === null && w.exitCode === null) process.kill(w.pid!, 'SIGCONT');
      return stop(w);
    });
    return w;
  };
  for (let i = 0; i < workers; i++) start();
  await until('the workers to start', () => started.every((w) => /worker running/.test(w.output())), 20_000);
  const dir = join(svc.home, 'marks');
  mkdirSync(dir, { recursive: true });
  return { svc, start, started, dir };
}

const lines = (f: string) => (existsSync(f) ? readFileSync(f, 'utf8').trim().split('\n').filter(Boolean) : []);
const alive = (pids: number[]) => pids.filter(processRunning);

/** What is left of a home's attempt directories and pod directories on this machine. */
function leftovers(svc: RunTestService, runId: string): string[] {
  const found: string[] = [];
  // Execution directories are named after their run (src/worker/step-files.ts), on disk and in RAM.
  for (const work of [join(svc.home, 'work'), join('/dev/shm', `${homeNamespace(svc.home)}-work`)]) {
    if (existsSync(work)) found.push(...readdirSync(work).filter((n) => n.startsWith(`${runId}~`)).map((n) => join(work, n)));
  }
  const shm = join('/dev/shm', homeNamespace(svc.home), runId);
  if (existsSync(shm)) found.push(...readdirSync(shm).map((n) => join(shm, n)));
  return found;
}

async function post(svc: RunTestService, root: unknown): Promise<string> {
  const r = await svc.call('POST', '/v1/runs', { flow: flowDoc(root, 'takeover') });
  expect(r.status).toBe(202);
  return r.body.runId;
}

async function events(svc: RunTestService, runId: string): Promise<Array<Record<string, any>>> {
  const text = await fetch(`${svc.url}/v1/runs/${runId}/events`).then((x) => x.text());
  return text.split('\n\n').map((b) => /^data: (.*)$/m.exec(b)?.[1]).filter((d): d is string => !!d).map((d) => JSON.parse(d));
}

describe('a worker SIGKILLed mid-step', () => {
  it('takes its step\'s processes (setsid ones too) and directories with it, and the step runs again elsewhere', async () => {
    const { svc, start, started, dir } = await setUp(1);
    const pids = join(dir, 'pids');
    // The first execution starts a child and a setsid grandchild, then waits; the second is quick.
    const script = `if [ -e ${dir}/again ]; then echo '{"again":true}' > $STRATA_OUTPUTS/result.json; exit 0; fi; touch ${dir}/again; sleep 60 & echo $! >> ${pids}; setsid sleep 60 & echo $! >> ${pids}; echo $$ >> ${pids}; wait`;
    const runId = await post(svc, { sequence: [{ id: 'slow', task: shTask(script) }] });
    await until('the step to start its processes', () => lines(pids).length === 3);
    expect(leftovers(svc, runId).length).toBeGreaterThan(0);
    started[0].kill('SIGKILL');
    const stepPids = lines(pids).map(Number);
    await until('every process of the step to be gone', () => alive(stepPids).length === 0, 10_000);
    await until('its directories to be gone', () => leftovers(svc, runId).length === 0, 10_000);
    start();
    const run = await svc.waitRun(runId, 30_000);
    expect(run.status).toBe('succeeded');
    expect(run.steps.slow.result).toEqual({ again: true });
    // Both executions count, and the step's log tells them apart (issue 8 item 11).
    expect(run.steps.slow.attempts).toBe(2);
    expect(run.steps.slow).toMatchObject({ attempt: 1, execution: 2 }); // the same attempt run again, not a retry
    expect((await svc.call('GET', `/v1/runs/${runId}/steps/slow/logs`)).text).toContain('--- attempt 1 (run 2) ---');
  });

  it('and its run then cancelled: the orphan never finishes its work', async () => {
    const { svc, started, dir } = await setUp(1);
    const pidFile = join(dir, 'pid');
    const doneFile = join(dir, 'done');
    const runId = await post(svc, { sequence: [{ id: 'slow', task: shTask(`echo $$ > ${pidFile}; sleep 1.5; echo finished > ${doneFile}`) }] });
    await until('the step to start', () => lines(pidFile).length === 1);
    const pid = Number(lines(pidFile)[0]);
    started[0].kill('SIGKILL');
    expect((await svc.call('POST', `/v1/runs/${runId}/cancel`)).status).toBe(200);
    // Once nothing of the step's process group runs, nothing can finish its work later.
    await until('the step\'s processes to be gone', () => !groupRunning(pid), 10_000);
    expect(existsSync(doneFile)).toBe(false);
    expect((await svc.call('GET', `/v1/runs/${runId}`)).body.status).toBe('cancelled');
  });
});

describe('a worker frozen (SIGSTOP) mid-step', () => {
  it('has its step stopped when the run is cancelled, by another worker of the machine', async () => {
    const { svc, started, dir } = await setUp(2);
    const pidFile = join(dir, 'pid');
    const runId = await post(svc, { sequence: [{ id: 'slow', task: shTask(`echo "$$ $PPID" > ${pidFile}; sleep 60`) }] });
    await until('the step to start', () => lines(pidFile).length === 1);
    const [pid, parent] = lines(pidFile)[0].split(' ').map(Number);
    const workerPid = workerOf(parent);
    const frozen = started.find((w) => w.pid === workerPid)!;
    frozen.kill('SIGSTOP');
    expect((await svc.call('POST', `/v1/runs/${runId}/cancel`)).status).toBe(200);
    await until('the frozen worker\'s step to be stopped', () => !processRunning(pid), 10_000);
    frozen.kill('SIGCONT');
    expect((await svc.waitRun(runId)).status).toBe('cancelled');
  });

  it('past its job lock: the takeover stops the earlier copy first, and the late copy never replaces the recorded outputs', async () => {
    const { svc, started, dir } = await setUp(2);
    const starts = join(dir, 'starts');
    const overlaps = join(dir, 'overlaps');
    // Each execution writes its own token as result and output; a second execution that
    // starts while another is still alive says so.
    const step = [
      `t=$$-$(date +%s%N); echo "$t $PPID" >> ${starts}`,
      // alive and not a zombie (a frozen worker cannot reap its finished child)
      `st=$(cut -d' ' -f3 /proc/$(cat ${dir}/running 2>/dev/null || echo 0)/stat 2>/dev/null); if [ -n "$st" ] && [ "$st" != Z ]; then echo "$t" >> ${overlaps}; fi; echo $$ > ${dir}/running`,
      'sleep 0.4',
      `echo "{\\"token\\":\\"$t\\"}" > $STRATA_OUTPUTS/result.json; echo "$t" > $STRATA_OUTPUTS/out`,
    ].join('; ');
    const next = { id: 'next', task: { ...shTask('printf "{\\"read\\":\\"%s\\"}" "$(cat $STRATA_INPUTS/in)" > $STRATA_OUTPUTS/result.json'), inputs: { in: 'slow:out' } } };
    const runId = await post(svc, { sequence: [{ id: 'slow', task: { ...shTask(step), outputs: ['out'] } }, next] });
    await until('the step to start', () => lines(starts).length === 1);
    const workerPid = workerOf(Number(lines(starts)[0].split(' ')[1]));
    const frozen = started.find((w) => w.pid === workerPid)!;
    // Frozen before its copy ends: the copy finishes its work, but its worker cannot keep it yet.
    frozen.kill('SIGSTOP');
    await until('another worker to take the step over', () => lines(starts).length === 2, 15_000);
    const run = await svc.waitRun(runId, 30_000);
    expect(run.status).toBe('succeeded');
    frozen.kill('SIGCONT'); // the late copy now keeps its outputs if it can, and completes if it can
    await until('the late worker to be done with the step', () => leftovers(svc, runId).length === 0, 15_000);
    const recorded = (run.steps.slow.result as { token: string }).token;
    expect(readFileSync(join(svc.home, 'artifacts', runId, 'slow', 'out'), 'utf8').trim()).toBe(recorded);
    expect(JSON.parse(readFileSync(join(svc.home, 'artifacts', runId, 'slow', 'result.json'), 'utf8'))).toEqual({ token: recorded });
    expect(run.steps.next.result).toEqual({ read: recorded });
    expect(lines(overlaps)).toEqual([]);
    // The re-run is marked in the step's events; the step succeeded once.
    const evs = (await events(svc, runId)).filter((e) => e.step === 'slow');
    expect(evs.filter((e) => e.status === 'succeeded')).toHaveLength(1);
    expect(evs).toContainEqual(expect.objectContaining({ status: 'running', attempt: 1, execution: 2 }));
  });
});

describe('a pod re-run after its worker died', () => {
  it('reports its inner steps tagged with the pod\'s attempt and execution, and the re-run is marked', async () => {
    const { svc, start, started, dir } = await setUp(1);
    const pidFile = join(dir, 'b');
    const b = `if [ -e ${dir}/again ]; then exit 0; fi; touch ${dir}/again; echo $PPID > ${pidFile}; sleep 60`;
    const runId = await post(svc, { sequence: [{ id: 'p', pod: { flow: { sequence: [{ id: 'a', task: shTask('true') }, { id: 'b', task: shTask(b) }] } } }] });
    await until('the pod\'s second step to start', () => lines(pidFile).length === 1);
    // b has started, which says a ended inside the pod, not that the worker has relayed a's
    // success yet (the quarterback's reports reach the store asynchronously; a worker killed
    // before relaying one loses it, as a SIGKILL loses anything in flight): wait until it is recorded.
    await until('the first execution\'s report of a\'s success to be recorded', async () => (await svc.call('GET', `/v1/runs/${runId}`)).body.steps['p/a']?.status === 'succeeded');
    started[0].kill('SIGKILL');
    start();
    const run = await svc.waitRun(runId, 30_000);
    expect(run.status).toBe('succeeded');
    const evs = await events(svc, runId);
    const inner = evs.filter((e) => e.step === 'p/a' || e.step === 'p/b');
    for (const e of inner) expect(e.pod).toEqual({ attempt: 1, execution: expect.any(Number) });
    // Within one execution of the pod, no step goes back from succeeded to running.
    for (const step of ['p/a', 'p/b']) {
      for (const execution of [1, 2]) {
        const seq = inner.filter((e) => e.step === step && e.pod.execution === execution).map((e) => e.status);
        expect(seq.indexOf('running')).toBeLessThanOrEqual(Math.max(0, seq.indexOf('succeeded')));
        expect(seq.filter((s) => s === 'succeeded').length).toBeLessThanOrEqual(1);
      }
    }
    expect(inner.filter((e) => e.step === 'p/a' && e.status === 'succeeded').map((e) => e.pod.execution)).toEqual([1, 2]);
    expect(evs).toContainEqual(expect.objectContaining({ step: 'p', status: 'running', attempt: 1, execution: 2 }));
    // Every execution counts, the pod's and its containers' (issue 8 item 11).
    expect(run.steps.p.attempts).toBe(2);
    expect(run.steps['p/a'].attempts).toBe(2);
    // Its record keeps which run of the pod it last ran in, as the label says it (src/run/attempt-label.ts).
    expect(run.steps['p/a']).toMatchObject({ attempt: 1, pod: { attempt: 1, execution: 2 } });
    expect(attemptLabel(run.steps['p/a'])).toBe('1 (pod run 2)');
    expect((await svc.call('GET', `/v1/runs/${runId}/steps/p/a/logs`)).text).toContain('--- attempt 1 (pod run 2) ---');
  });
});
