/**
 * Run one macro step attempt through a PodRuntime: gather its inputs, give it the step
 * environment of DESIGN.md section 4, relay what happens inside the pod to the run store,
 * keep its outputs, and return the `finished` event for the engine.
 */
import type { EngineEvent, StartCommand } from '../engine/types.ts';
import { toStrataError } from '../errors/strata-error.ts';
import type { JsonValue } from '../flow/types.ts';
import type { PodReport, PodRuntime } from '../../runtime/pod-runtime.ts';
import { podRequest } from '../../runtime/pod-request.ts';
import type { RunStore } from '../store/run-store.ts';
import { cleanup, keepOutputs, prepareStep } from './step-files.ts';
import { checkOutputTree, StepFileError } from '../../runtime/output-files.ts';
import { readResult } from '../../runtime/step-files.ts';

export interface RunStepPorts {
  runtime: PodRuntime;
  store: RunStore;
  artifactsDir: string;
  workDir: string;
}

export async function runStep(p: RunStepPorts, runId: string, cmd: StartCommand, signal: AbortSignal): Promise<EngineEvent> {
  let exitCode: number | undefined;
  const finished = (ok: boolean, result?: JsonValue, error?: string): EngineEvent => ({ type: 'finished', step: cmd.step, attempt: cmd.attempt, ok, ...(result !== undefined ? { result } : {}), ...(error ? { error } : {}), ...(exitCode !== undefined ? { exitCode } : {}) });
  if (p.runtime.usesFiles === false) {
    const outcome = await p.runtime.run(podRequest(runId, cmd, { inputsDir: '', outputsDir: '', artifactsDir: p.artifactsDir }), () => undefined, signal);
    return finished(outcome.ok, outcome.result ?? null, outcome.error);
  }
  let dirs;
  try {
    dirs = await prepareStep(p.artifactsDir, p.workDir, runId, cmd);
  } catch (e) {
    return finished(false, undefined, toStrataError(e).message);
  }
  try {
    const req = podRequest(runId, cmd, { inputsDir: dirs.inputsDir, outputsDir: dirs.outputsDir, artifactsDir: p.artifactsDir });
    const reports: Promise<unknown>[] = [];
    const onReport = (r: PodReport) => reports.push(relay(p.store, runId, r));
    const outcome = await p.runtime.run(req, onReport, signal);
    if (typeof outcome.exitCode === 'number') exitCode = outcome.exitCode;
    await Promise.all(reports);
    if (!outcome.ok) return finished(false, undefined, outcome.error ?? `exited with code ${outcome.exitCode}`);
    let result = outcome.result;
    try {
      // As inside a pod: a result.json that is not JSON fails the step, saying so.
      if (result === undefined && cmd.kind !== 'pod') result = readResult(dirs.outputsDir);
    } catch (e) {
      return finished(false, undefined, (e as Error).message);
    }
    try {
      await checkOutputTree(dirs.outputsDir);
    } catch (e) {
      if (!(e instanceof StepFileError)) throw e;
      return finished(false, undefined, e.message);
    }
    await keepOutputs(dirs);
    return finished(true, result ?? null);
  } finally {
    await cleanup(dirs);
  }
}

/** A report from inside a pod: a micro step's state, or a chunk of logs. */
function relay(store: RunStore, runId: string, r: PodReport): Promise<unknown> {
  if (r.type === 'log') return store.appendLog(runId, r.step, r.chunk);
  return store.commit(runId, [{ i: 0, steps: [{
    type: 'status', step: r.step, status: r.status,
    ...(r.attempt !== undefined ? { attempt: r.attempt } : {}),
    ...(r.result !== undefined ? { result: r.result } : {}),
    ...(r.error !== undefined ? { error: r.error } : {}),
    ...(typeof r.exitCode === 'number' ? { exitCode: r.exitCode } : {}),
    ...(r.image !== undefined ? { image: r.image } : {}),
    ...(r.item !== undefined ? { item: r.item } : {}),
  }] }], true);
}
