/**
 * Run one macro step attempt through a PodRuntime: gather its inputs, give it the step
 * environment of DESIGN.md section 4, relay what happens inside the pod to the run store,
 * keep its outputs, and return the `finished` event for the engine.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EngineEvent, StartCommand } from '../engine/types.ts';
import { toStrataError } from '../errors/strata-error.ts';
import type { JsonValue } from '../flow/types.ts';
import type { PodReport, PodRuntime } from '../../runtime/pod-runtime.ts';
import { podRequest } from '../../runtime/pod-request.ts';
import type { RunStore } from '../store/run-store.ts';
import { cleanup, keepOutputs, prepareStep } from './step-files.ts';

export interface RunStepPorts {
  runtime: PodRuntime;
  store: RunStore;
  artifactsDir: string;
  workDir: string;
}

export async function runStep(p: RunStepPorts, runId: string, cmd: StartCommand, signal: AbortSignal): Promise<EngineEvent> {
  const finished = (ok: boolean, result?: JsonValue, error?: string): EngineEvent => ({ type: 'finished', step: cmd.step, attempt: cmd.attempt, ok, ...(result !== undefined ? { result } : {}), ...(error ? { error } : {}) });
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
    await Promise.all(reports);
    if (!outcome.ok) return finished(false, undefined, outcome.error ?? `exited with code ${outcome.exitCode}`);
    let result = outcome.result;
    if (result === undefined && cmd.kind !== 'pod') result = await readResult(dirs.outputsDir);
    await keepOutputs(dirs);
    return finished(true, result ?? null);
  } finally {
    await cleanup(dirs);
  }
}

async function readResult(dir: string): Promise<JsonValue | undefined> {
  try {
    return JSON.parse(await readFile(join(dir, 'result.json'), 'utf8')) as JsonValue;
  } catch {
    return undefined;
  }
}

/** A report from inside a pod: a micro step's state, or a chunk of logs. */
function relay(store: RunStore, runId: string, r: PodReport): Promise<unknown> {
  if (r.type === 'log') return store.appendLog(runId, r.step, r.chunk);
  return store.commit(runId, [{ i: 0, steps: [{ type: 'status', step: r.step, status: r.status, ...(r.attempt !== undefined ? { attempt: r.attempt } : {}), ...(r.result !== undefined ? { result: r.result } : {}), ...(r.error !== undefined ? { error: r.error } : {}) }] }], true);
}
