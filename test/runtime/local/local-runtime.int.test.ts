/** The local runtime with real processes: one-container task pods and quarterback pods. */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { until } from '../../support/processes.ts';
import { countOpens } from '../../support/fs-calls.ts';
import type { PodReport, PodRequest } from '../../../runtime/pod-runtime.ts';
import { LocalRuntime } from '../../../runtime/local/local-runtime.ts';
import { homeNamespace } from '../../../runtime/local/pod-dirs.ts';
import { QUARTERBACK_NODE_FLAGS } from '../../../runtime/local/quarterback-process.ts';
import { nativeLauncher } from '../../../runtime/process/launcher-client.ts';
import { processRunning } from '../../../runtime/process/process-group.ts';
import type { FlowNode } from '../../../src/flow/types.ts';
import type { RunTask } from '../../../src/engine/types.ts';
import { hang, podRequestPod, program, TempDirs } from '../../sidecar/harness.ts';

const dirs = new TempDirs();
afterEach(() => dirs.cleanup());

function base(root: string, step: string): Omit<PodRequest, 'kind'> {
  const runId = `run-${randomUUID().slice(0, 8)}`;
  // A worker makes a step's inputs and outputs directories before its pod runs.
  for (const d of ['in', 'out']) mkdirSync(join(root, d), { recursive: true });
  return {
    runId, step, attempt: 1,
    env: { STRATA_RUN: runId, STRATA_STEP: step, STRATA_PARAMS: '{"k":1}' },
    inputsDir: join(root, 'in'), outputsDir: join(root, 'out'), artifactsDir: join(root, 'artifacts'),
  };
}
const taskReq = (root: string, task: RunTask, extra: Partial<PodRequest> = {}): PodRequest => ({ ...base(root, 't'), kind: 'task', task, ...extra });
const podReq = (root: string, flow: FlowNode, extra: Partial<PodRequest> = {}): PodRequest => ({ ...base(root, 'p'), kind: 'pod', pod: podRequestPod(flow), ...extra });

function collect(): { reports: PodReport[]; onReport: (r: PodReport) => void } {
  const reports: PodReport[] = [];
  return { reports, onReport: (r) => reports.push(r) };
}

/**
 * Both ways containers start, each through the whole local runtime: from the process launcher
 * in C when the build compiled it (runtime/process/launcher.c, dist/runtime/process/strata-launcher),
 * and without it (STRATA_NATIVE_LAUNCHER=0, as where no C compiler was there to build it): task
 * containers from the launcher in TypeScript, a pod's containers from the quarterback's spawn().
 */
const SETUPS: Array<[string, Record<string, string>]> = [['the C launcher', {}], ['no C launcher', { STRATA_NATIVE_LAUNCHER: '0' }]];
const compiler = spawnSync(process.env.CC || 'cc', ['--version']).status === 0;

for (const [setup, extra] of SETUPS) {
  const env = { ...process.env, ...extra };
  const native = nativeLauncher(env) !== undefined;
  const runtime = new LocalRuntime({ killGraceMs: 300, env });
  afterAll(() => runtime.close());

  describe(`${setup}: local runtime: task pods`, () => {
    it('starts containers from the C launcher when it is built and not turned off, else as without it: a task\'s and a pod\'s container see their starter among their ancestors', async () => {
      // Built wherever a C compiler is (scripts/build-launcher.mjs), and used unless STRATA_NATIVE_LAUNCHER=0.
      if (compiler) expect(native).toBe(extra.STRATA_NATIVE_LAUNCHER !== '0');
      const root = await dirs.make();
      const script = join(root, 'ancestors.sh');
      await writeFile(script, 'p=$$; while [ "$p" -gt 1 ]; do cat /proc/$p/comm; p=$(cut -d" " -f4 /proc/$p/stat); done\n');
      const starters = async (req: PodRequest): Promise<string[]> => {
        const { reports, onReport } = collect();
        expect(await runtime.run(req, onReport, new AbortController().signal)).toMatchObject({ ok: true });
        const names = reports.flatMap((r) => (r.type === 'log' ? r.chunk.split('\n') : [])).filter(Boolean);
        // The first ancestor past the container's own shell and its bubblewrap.
        return names.slice(names.indexOf('bwrap') + 1, names.indexOf('bwrap') + 3);
      };
      const task = await starters(taskReq(root, { image: 'sh', command: ['sh', script] }));
      const pod = await starters(podReq(root, { id: 'a', task: { image: 'sh', command: ['sh', script] } }));
      if (native) {
        expect(task[0]).toBe('strata-launcher');
        expect(pod[0]).toBe('strata-launcher');
      } else {
        // The launcher in TypeScript (node), and the quarterback (node) itself.
        expect(task[0]).toBe('node');
        expect(pod[0]).toBe('node');
        expect(pod[1]).not.toBe('strata-launcher');
      }
    });

    it('runs one container with the step environment, its result and outputs', async () => {
      const root = await dirs.make();
      const { reports, onReport } = collect();
      const req = taskReq(root, { ...program('report.mjs', 'out.txt=hello'), outputs: ['out.txt'] });
      const outcome = await runtime.run(req, onReport, new AbortController().signal);
      expect(outcome).toMatchObject({ ok: true, exitCode: 0, result: { run: req.runId, step: 't', params: { k: 1 }, item: null } });
      const r = outcome.result as { port: number; scratch: string; ipc: string };
      expect(r.port).toBeGreaterThan(0);
      expect(r.scratch).toMatch(/^\/dev\/shm\/strata-[0-9a-f]{8}\//);
      expect(existsSync(r.scratch)).toBe(false); // removed when the pod ended
      expect(await readFile(join(root, 'out', 'out.txt'), 'utf8')).toBe('hello'); // the worker keeps the outputs dir
      expect(reports).toContainEqual({ type: 'log', step: 't', stream: 'stdout', chunk: 'done t\n' });
    });

    it('fails a task that did not write a declared output', async () => {
      const outcome = await runtime.run(taskReq(await dirs.make(), { ...program('report.mjs'), outputs: ['table.csv'] }), () => undefined, new AbortController().signal);
      expect(outcome).toEqual({ ok: false, error: 'declared output "table.csv" was not written to STRATA_OUTPUTS', exitCode: 0 });
    });

    it('fails with the container\'s error and exit code', async () => {
      const outcome = await runtime.run(taskReq(await dirs.make(), program('fail.mjs', '7', 'bad', 'input')), () => undefined, new AbortController().signal);
      expect(outcome).toEqual({ ok: false, error: 'exited with code 7: bad input', exitCode: 7 });
    });

    it('kills a task at its timeout, with everything it started', async () => {
      const root = await dirs.make();
      const outcome = await runtime.run(taskReq(root, hang(join(root, 'pid.json')), { timeoutMs: 600 }), () => undefined, new AbortController().signal);
      expect(outcome).toMatchObject({ ok: false, error: 'timed out after 0.6s', reason: 'timeout' });
      expectNothingLeft(join(root, 'pid.json'), false);
    });

    it('cancels a task: nothing it started is left running', async () => {
      const root = await dirs.make();
      const abort = new AbortController();
      const running = runtime.run(taskReq(root, hang(join(root, 'pid.json'))), () => undefined, abort.signal);
      await until('pid.json to be written', () => existsSync(join(root, 'pid.json')), 10_000, 10);
      abort.abort();
      expect(await running).toMatchObject({ ok: false, error: 'cancelled' });
      expectNothingLeft(join(root, 'pid.json'), false);
    });

    it('fails the run() (an infrastructure failure, not the step\'s) when its process launcher dies, and kills the container', async () => {
      const root = await dirs.make();
      const running = runtime.run(taskReq(root, hang(join(root, 'pid.json'))), () => undefined, new AbortController().signal);
      await until('pid.json to be written', () => existsSync(join(root, 'pid.json')), 10_000, 10);
      const { pid, child, launcher } = JSON.parse(readFileSync(join(root, 'pid.json'), 'utf8')) as Pids;
      process.kill(launcher, 'SIGKILL'); // a task's container is a child of the runtime's launcher
      await expect(running).rejects.toThrow(/^the process launcher \(pid \d+\) was killed by SIGKILL$/);
      expect(processRunning(pid)).toBe(false);
      expect(processRunning(child)).toBe(false);
      // The next task gets a launcher again.
      expect(await runtime.run(taskReq(await dirs.make(), { image: 'x', command: ['true'] }), () => undefined, new AbortController().signal)).toMatchObject({ ok: true });
    });
  });

  describe(`${setup}: local runtime: quarterback pods`, () => {
    it('starts the quarterback with V8 single-threaded and a small young generation (QUARTERBACK_NODE_FLAGS): its container sees it among its ancestors', async () => {
      const { reports, onReport } = collect();
      // The container walks its ancestors in the host's /proc (a container has a mount
      // namespace of its own, not a pid namespace) and prints each one's command line (`$$$$`:
      // a container's command is expanded as Kubernetes does, `$$` for a `$`).
      const ancestors = 'p=$$$$; while [ "$p" -gt 1 ]; do tr "\\0" " " < /proc/$p/cmdline; echo; p=$(cut -d" " -f4 /proc/$p/stat); done';
      const outcome = await runtime.run(podReq(await dirs.make(), { id: 'a', task: { image: 'sh', command: ['sh', '-c', ancestors] } }), onReport, new AbortController().signal);
      expect(outcome).toMatchObject({ ok: true });
      const lines = reports.flatMap((r) => (r.type === 'log' ? r.chunk.split('\n') : []));
      const quarterback = lines.filter((l) => /sidecar\/bin\.cjs /.test(l));
      expect(quarterback, lines.join('\n')).toHaveLength(1);
      expect(quarterback[0]!.split(' ').slice(0, 1 + QUARTERBACK_NODE_FLAGS.length)).toEqual([process.execPath, ...QUARTERBACK_NODE_FLAGS]);
      expect(QUARTERBACK_NODE_FLAGS).toEqual(expect.arrayContaining(['--single-threaded', '--max-semi-space-size=2']));
    });

    it('runs the micro plan through the quarterback, relaying reports as they happen', async () => {
      const root = await dirs.make();
      const gate = join(root, 'gate');
      const { reports, onReport } = collect();
      // b waits for a file the test writes only on seeing b's `running` report: a runtime
      // that held reports back until the end would never finish.
      const waitGate = { image: 'sh', command: ['sh', '-c', 'while [ ! -f "$GATE" ]; do sleep 0.02; done'], env: { GATE: gate } };
      const outcome = await runtime.run(podReq(root, {
        sequence: [{ id: 'a', task: { ...program('report.mjs', 'x.txt=1'), outputs: ['x.txt'] } }, { id: 'b', task: waitGate }, { id: 'c', task: program('report.mjs') }],
      }), (r) => {
        if (r.type === 'step' && r.step === 'p/b' && r.status === 'running') void writeFile(gate, '');
        onReport(r);
      }, new AbortController().signal);
      expect(outcome).toMatchObject({ ok: true, result: { step: 'p/c' } });
      const steps = reports.filter((r) => r.type === 'step').map((r) => `${r.step}:${r.status}`);
      expect(steps).toEqual(['p/a:running', 'p/a:succeeded', 'p/b:running', 'p/b:succeeded', 'p/c:running', 'p/c:succeeded']);
      expect(reports).toContainEqual(expect.objectContaining({ type: 'step', step: 'p/a', status: 'succeeded', exitCode: 0, outputs: { 'x.txt': expect.stringMatching(/artifacts\/run-\w+\/p\/a\/x.txt$/) } }));
      expect(await readFile(join(root, 'out', 'x.txt'), 'utf8')).toBe('1');
    });

    it('puts the pod\'s scratch in RAM under /dev/shm/<namespace of its home>/<run>/ and removes it afterwards', async () => {
      const root = await dirs.make();
      const req = podReq(root, { id: 'a', task: program('report.mjs') });
      const ns = homeNamespace(root);
      const outcome = await new LocalRuntime({ home: root }).run(req, () => undefined, new AbortController().signal);
      const scratch = (outcome.result as { scratch: string }).scratch;
      expect(scratch.startsWith(`/dev/shm/${ns}/${req.runId}/`)).toBe(true);
      expect(existsSync(scratch)).toBe(false);
      expect(existsSync(`/dev/shm/${ns}/${req.runId}`)).toBe(false);
    });

    it('puts scratch on disk when the pod asks for disk', async () => {
      const root = await dirs.make();
      const req = podReq(root, { id: 'a', task: program('report.mjs') });
      req.pod!.channels.scratch = 'disk';
      const outcome = await new LocalRuntime({ tmpDir: root }).run(req, () => undefined, new AbortController().signal);
      expect((outcome.result as { scratch: string }).scratch.startsWith(join(root, homeNamespace(process.env.STRATA_HOME ?? '.strata'), req.runId))).toBe(true);
    });

    it('fails the pod with the failing container\'s error and exit code', async () => {
      const outcome = await runtime.run(podReq(await dirs.make(), { sequence: [{ id: 'a', task: program('report.mjs') }, { id: 'b', task: program('fail.mjs', '5', 'no', 'rows') }] }), () => undefined, new AbortController().signal);
      expect(outcome).toEqual({ ok: false, error: 'step p/b failed: exited with code 5: no rows', exitCode: 5, steps: 2 });
    });

    it('two pods at once: the first one\'s sweep kills what its container left behind and reads nothing of the other pod running beside it', async () => {
      const [rootA, rootB] = [await dirs.make(), await dirs.make()];
      // A leaves a process in a session of its own (carrying A's mark), then waits for its gate.
      const a = runtime.run(podReq(rootA, { id: 'a', task: { image: 'sh', command: ['sh', '-c', `setsid sleep 30 & echo $! > ${rootA}/left; while [ ! -f ${rootA}/gate ]; do sleep 0.02; done`] } }), () => undefined, new AbortController().signal);
      await until('pod A\'s container to leave a process', () => existsSync(join(rootA, 'left')) && readFileSync(join(rootA, 'left'), 'utf8').endsWith('\n'));
      const left = Number(readFileSync(join(rootA, 'left'), 'utf8'));
      // B starts after A (its session is newer than A's mark) and runs until told.
      const b = runtime.run(podReq(rootB, { id: 'b', task: { image: 'sh', command: ['sh', '-c', `echo $$$$ > ${rootB}/pid; while [ ! -f ${rootB}/gate ]; do sleep 0.02; done`] } }), () => undefined, new AbortController().signal);
      await until('pod B\'s container to start', () => existsSync(join(rootB, 'pid')) && readFileSync(join(rootB, 'pid'), 'utf8').endsWith('\n'));
      const inB = Number(readFileSync(join(rootB, 'pid'), 'utf8'));
      const opens = countOpens(/^\/proc\/\d+\/environ$/);
      try {
        await writeFile(join(rootA, 'gate'), '');
        expect(await a).toMatchObject({ ok: true });
        const read = [...opens.paths.keys()].map((path) => Number(path.split('/')[2]));
        expect(read).toContain(left); // the sweep looked at what A left behind...
        // ...and killed it (a SIGKILLed process is gone a moment after the signal: waited for, within the sleep's 30 s).
        await until('what A left behind to be gone', () => !processRunning(left));
        expect(read).not.toContain(inB); // B's container is in a session the runtime knows it runs now
        expect(processRunning(inB)).toBe(true);
      } finally {
        opens.stop();
        await writeFile(join(rootB, 'gate'), '');
      }
      expect(await b).toMatchObject({ ok: true });
    });

    it('cancels a pod: the quarterback, its containers and what they started are gone when run() resolves', async () => {
      const root = await dirs.make();
      const abort = new AbortController();
      const { reports, onReport } = collect();
      const running = runtime.run(podReq(root, {
        graph: { nodes: { a: { task: hang(join(root, 'a.json')) }, b: { task: hang(join(root, 'b.json')) } } },
      }), onReport, abort.signal);
      await until('a.json and b.json to be written', () => existsSync(join(root, 'a.json')) && existsSync(join(root, 'b.json')), 10_000, 10);
      abort.abort();
      expect(await running).toMatchObject({ ok: false, error: 'cancelled' });
      expect(reports.flatMap((r) => (r.type === 'step' && r.status === 'cancelled' ? [r.step] : [])).sort()).toEqual(['p/a', 'p/b']);
      for (const f of ['a.json', 'b.json']) expectNothingLeft(join(root, f), true);
    });

    it('stops a pod at its timeout', async () => {
      const root = await dirs.make();
      const outcome = await runtime.run(podReq(root, { id: 'h', task: hang(join(root, 'pid.json')) }, { timeoutMs: 3000 }), () => undefined, new AbortController().signal);
      expect(outcome).toMatchObject({ ok: false, error: 'timed out after 3s', reason: 'timeout' });
      expectNothingLeft(join(root, 'pid.json'), true);
    });

    it('kills what a container started outside its process group (setsid) by the end of the pod', async () => {
      const root = await dirs.make();
      const marker = join(root, 'escaped');
      const script = `setsid sh -c 'touch "$0"; exec sleep 300' "${marker}" & while [ ! -f "${marker}" ]; do sleep 0.01; done; printf '{"escaped":%s}' $! > "$STRATA_OUTPUTS/result.json"`;
      const outcome = await runtime.run(podReq(root, { id: 'e', task: { image: 'sh', command: ['sh', '-c', script] } }), () => undefined, new AbortController().signal);
      expect(outcome.ok).toBe(true);
      // Killed by the end-of-pod sweep: a SIGKILLed process is gone a moment after the signal (on
      // a loaded machine it was still listed when run() resolved), waited for within its sleep's 300 s.
      const escaped = (outcome.result as { escaped: number }).escaped;
      await until('the escaped process to be gone', () => !processRunning(escaped), 10_000);
    });

    it('kills the containers itself when the quarterback dies without a word', async () => {
      const root = await dirs.make();
      const running = runtime.run(podReq(root, { id: 'h', task: hang(join(root, 'pid.json')) }), () => undefined, new AbortController().signal);
      await until('pid.json to be written', () => existsSync(join(root, 'pid.json')), 10_000, 10);
      const { pid, child, parent } = JSON.parse(readFileSync(join(root, 'pid.json'), 'utf8')) as Pids;
      process.kill(parent, 'SIGKILL');
      const outcome = await running;
      expect(outcome.ok).toBe(false);
      expect(outcome.error).toMatch(/^the quarterback of pod p was killed by SIGKILL before the pod finished/);
      expectGone(parent);
      // Orphaned by the quarterback's death, they may linger as zombies until init reaps them.
      expect(processRunning(pid)).toBe(false);
      expect(processRunning(child)).toBe(false);
    });
  });
}



interface Pids {
  pid: number;
  child: number;
  parent: number;
  launcher: number;
}

function expectGone(pid: number): void {
  expect(() => process.kill(pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
}

/** The container (a child of ours or of the quarterback) is gone; its own child is not running. */
function expectNothingLeft(pidFile: string, viaQuarterback: boolean): void {
  const { pid, child, parent } = JSON.parse(readFileSync(pidFile, 'utf8')) as Pids;
  // The container is bubblewrap's child (a /tmp of its own): killed with it, init reaps it, a moment later.
  expect(processRunning(pid)).toBe(false);
  if (viaQuarterback) expectGone(parent);
  expect(processRunning(child)).toBe(false);
}

describe('local runtime: an image map file names its programs from its own directory', () => {
  it('a mapped image runs ./prog.mjs beside the map, as a task and inside a pod, whatever strata\'s directory holds', async () => {
    // Kept outside /tmp: a container's /tmp is its own, so a program there would not be seen.
    const mapDir = join(import.meta.dirname, '..', '..', 'fixtures', 'image-map');
    const withMap = new LocalRuntime({ killGraceMs: 300, env: { ...process.env, STRATA_HOME: join(await dirs.make(), 'home'), STRATA_IMAGE_MAP: join(mapDir, 'images.json') } });
    try {
      const task = await withMap.run(taskReq(await dirs.make(), { image: 'beside/prog', args: ['as a task'] }), () => undefined, new AbortController().signal);
      expect(task).toMatchObject({ ok: true, result: 'as a task' });
      const pod = await withMap.run(podReq(await dirs.make(), { id: 'c', task: { image: 'beside/prog', args: ['in a pod'] } }), () => undefined, new AbortController().signal);
      expect(pod).toMatchObject({ ok: true, result: 'in a pod' });
    } finally {
      await withMap.close();
    }
  });
});
