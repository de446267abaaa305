/**
 * kind task on the local runtime: a pod with one container, run in-process through the
 * process driver. It still gets the pod's channels (a scratch dir, an ipc dir, a port),
 * so a program behaves the same whether it runs alone or inside a pod.
 */
import { fileScopeValues } from '../env-files.ts';
import { join } from 'node:path';
import type { PodOutcome, PodReport, PodRequest } from '../pod-runtime.ts';
import type { ImageMap } from '../image-map.ts';
import type { ContainerExit } from '../process/container-driver.ts';
import { appendTail, exitError } from '../process/exit-error.ts';
import type { Launcher } from '../process/launcher-client.ts';
import { freePorts } from '../process/port-book.ts';
import { ProcessDriver } from '../process/process-driver.ts';
import { present } from '../output-files.ts';
import { readResult } from '../step-files.ts';
import { StdoutCapture } from '../stdout-result.ts';
import { readParameters } from '../output-parameters.ts';
import { failedArtifactsOut, failedOutputs } from '../failed-outputs.ts';
import { bwrapProblem, copyArtifactsOut, copyInputsIn, hostTmp, makePrivateView, needsPrivateView, noPrivateView, onceInRun, OWN_TMP, type PrivateView } from './private-view.ts';
import type { JsonValue } from '../../src/flow/types.ts';
import type { Guard } from '../watchdog/guard.ts';
import { abortReason } from './abort-reason.ts';
import type { PodDirs } from './pod-dirs.ts';
import { pidMark } from './pid-window.ts';
import { sweep } from './sweep.ts';
import { expandContainerFields } from '../../src/flow/kube-expansion.ts';
import { podName } from '../kubernetes/names.ts';

export interface TaskRunOptions {
  imageMap: ImageMap;
  killGraceMs?: number;
  /** what the container inherits of the worker's environment (inheritedEnv, read once per runtime): copied, never changed */
  baseEnv: Readonly<Record<string, string>>;
  /** told of the container's process group while it runs */
  guard?: Guard;
  /** the process that starts containers (absent: this process starts them) */
  launcher?: Launcher;
}

/** Run a one-container pod in `dirs` to its end; aborting `signal` kills its process group. */
export async function runTask(req: PodRequest, dirs: PodDirs, onReport: (r: PodReport) => void, signal: AbortSignal, opts: TaskRunOptions): Promise<PodOutcome> {
  // Kubernetes' `$(VAR)` references in command, args and env values, as the kubelet expands a pod's (kube-expansion.ts).
  const strataEnv = Object.fromEntries(Object.entries(req.env).filter(([k]) => k.startsWith('STRATA_')));
  const task = { ...req.task!, ...expandContainerFields(req.task!, strataEnv) };
  // The container's own working directory (when its task names none): the pod's work directory,
  // which a pod of one container has no other use for; gone with the pod's directories.
  const ownDir = dirs.work;
  let view: PrivateView | undefined;
  // A pod's hostname is its name (`hostname`, and HOSTNAME below).
  const pod = podName(req.runId, req.step, req.attempt);
  // A /tmp of its own always, and the paths it declares: a mount namespace. Without one, declared
  // paths fail the step with the reason (never run without them); a /tmp of its own falls back to the host's, said in its log.
  const problem = await bwrapProblem();
  if (problem && needsPrivateView(task)) {
    const error = noPrivateView(problem);
    onReport({ type: 'log', step: req.step, stream: 'stderr', chunk: `strata: ${error}\n` });
    return { ok: false, error };
  }
  if (problem) for (const line of onceInRun(req.runId, [hostTmp(problem)])) onReport({ type: 'log', step: req.step, stream: 'stderr', chunk: `strata: ${line}\n` });
  else {
    try {
      view = makePrivateView(task, join(dirs.root, 'private'), dirs.scratch, [req.inputsDir, req.outputsDir, dirs.ipc, ownDir], true, pod);
      dirs.inner = [...(view.mountPoints ?? []), ...(view.made ?? [])];
      for (const note of [...(view.notes ?? []), ...onceInRun(req.runId, view.runNotes)]) onReport({ type: 'log', step: req.step, stream: 'stderr', chunk: `strata: ${note}\n` });
      if (task.inputPaths?.length) await copyInputsIn(view, task, req.inputsDir);
    } catch (e) {
      return { ok: false, error: (e as Error).message };
    }
  }
  const [port] = await freePorts(1);
  const env: Record<string, string> = { ...opts.baseEnv };
  // A pod's hostname is its name, in HOSTNAME unless the task sets it (docs/flow-language.md, The environment).
  env.HOSTNAME = pod;
  // A /tmp of its own is where temporary files go, not the host's TMPDIR (unless the task names one).
  if (view && task.env?.TMPDIR === undefined) env.TMPDIR = OWN_TMP;
  Object.assign(env, req.env, task.env, strataEnv, {
    STRATA_INPUTS: req.inputsDir, STRATA_OUTPUTS: req.outputsDir, STRATA_SCRATCH: dirs.scratch, STRATA_IPC: dirs.ipc, STRATA_PORT: String(port),
  });
  // Large params (or items) in files: an environment variable past 128 KiB cannot start the process (E2BIG).
  try {
    fileScopeValues(env, req.inputsDir);
  } catch (e) {
    return { ok: false, error: `could not write the step's parameters to a file: ${(e as Error).message}` };
  }
  const guard = opts.guard;
  const driver = new ProcessDriver({
    imageMap: opts.imageMap,
    ...(opts.killGraceMs !== undefined ? { killGraceMs: opts.killGraceMs } : {}),
    ...(guard ? { onProcess: (event: 'started' | 'exited', _s: string, _a: number, pid: number) => (event === 'started' ? guard.group(pid) : guard.ungroup(pid)) } : {}),
    ...(opts.launcher ? { launcher: opts.launcher } : {}),
  });
  let tail = '';
  const stdout = task.result ? new StdoutCapture(task.result) : undefined;
  const onAbort = () => driver.kill(req.step);
  // Whatever carries the pod's mark is made from here on: the sweep looks at those only.
  const since = pidMark();
  const exit = await new Promise<ContainerExit>((done) => {
    const spec = { step: req.step, attempt: req.attempt, task, env, ownDir, ...(req.timeoutMs !== undefined ? { timeoutMs: req.timeoutMs } : {}), ...(view ? { sandbox: view.args, sandboxPath: view.hostPathOf } : {}) };
    driver.start(spec, done, (stream, chunk) => {
      if (stream === 'stderr') tail = appendTail(tail, chunk);
      else stdout?.add(chunk);
      onReport({ type: 'log', step: req.step, stream, chunk });
    });
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  signal.removeEventListener('abort', onAbort);
  await driver.drain();
  // Not in the sessions of the other containers and pods this worker runs now: their processes are theirs.
  await sweep('STRATA_SCRATCH', dirs.scratch, { since, ...(guard ? { skipSessions: guard.groupsNow() } : {}) });
  if (signal.aborted) return { ok: false, error: abortReason(signal), exitCode: exit.exitCode };
  // Not the step's failure: an infrastructure one, which the worker's job retries.
  if (exit.lost) throw new Error(exit.error);
  const fromStdout = stdout?.result();
  if (exit.exitCode !== 0 || exit.error) {
    const failed = { ok: false, error: exitError(exit, tail), exitCode: exit.exitCode, ...(exit.reason ? { reason: exit.reason } : {}), ...(exit.transient ? { transient: true } : {}) };
    // A program that ran and failed: what it left is its outputs still (failed-outputs.ts).
    if (typeof exit.exitCode !== 'number') return failed;
    const notes = view ? await failedArtifactsOut(view, task, req.outputsDir) : [];
    const left = failedOutputs(req.outputsDir, task, { ...(fromStdout ? { fromStdout } : {}), ...(view ? { hostPathOf: view.hostPathOf } : {}), ...(req.resultLimit !== undefined ? { resultLimit: req.resultLimit } : {}) });
    for (const note of [...notes, ...left.notes]) onReport({ type: 'log', step: req.step, stream: 'stderr', chunk: `strata: ${note}\n` });
    return { ...failed, ...(left.result !== undefined ? { result: left.result } : {}), ...(left.parameters ? { parameters: left.parameters } : {}) };
  }
  if (fromStdout?.note) onReport({ type: 'log', step: req.step, stream: 'stderr', chunk: fromStdout.note });
  // An optional output may be missing (Argo's `optional: true`); any other must be written.
  return collect(req, (task.outputs ?? []).filter((n) => !task.optionalOutputs?.includes(n)), fromStdout, view);
}

/**
 * result.json, and a check that every declared output was written. Keeping the outputs
 * dir as the step's artifacts is the worker's part (it checks every file, then moves the
 * whole directory), so an output that is a link counts as written here and is refused there.
 */
async function collect(req: PodRequest, declared: string[], fromStdout?: { result: JsonValue }, view?: PrivateView): Promise<PodOutcome> {
  try {
    if (view) await copyArtifactsOut(view, req.task!, req.outputsDir);
    const result = fromStdout ? fromStdout.result : readResult(req.outputsDir, req.resultLimit);
    const parameters = req.task?.parameters ? readParameters(req.outputsDir, req.task.parameters, view?.hostPathOf) : undefined;
    const written = await Promise.all(declared.map((name) => present(join(req.outputsDir, name))));
    const missing = declared.filter((_, i) => !written[i]);
    if (missing.length > 0) return { ok: false, error: `declared output "${missing[0]}" was not written to STRATA_OUTPUTS`, exitCode: 0 };
    return { ok: true, result, exitCode: 0, ...(parameters ? { parameters } : {}) };
  } catch (e) {
    return { ok: false, error: (e as Error).message, exitCode: 0 };
  }
}
