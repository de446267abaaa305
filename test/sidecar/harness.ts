/** Shared set-up for the quarterback's integration tests: pods compiled from flows, temp dirs, a run that records every message. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FlowNode, JsonValue } from '../../src/flow/types.ts';
import type { RunTask } from '../../src/engine/types.ts';
import { validateFlowDocument } from '../../src/flow/flow-document.ts';
import { compileFlow } from '../../src/plan/compile.ts';
import type { PodNode, SequenceNode } from '../../src/plan/plan-node.ts';
import type { PodRequest } from '../../runtime/pod-runtime.ts';
import type { MicroPlan } from '../../runtime/quarterback/micro-plan.ts';
import { ProcessDriver } from '../../runtime/process/process-driver.ts';
import type { DoneMessage, QuarterbackMessage, StepMessage } from '../../runtime/quarterback/protocol.ts';
import { Quarterback } from '../../sidecar/quarterback.ts';

export const PROGRAMS = fileURLToPath(new URL('../fixtures/programs/', import.meta.url));

/** A task running one of the test programs with node. */
export function program(name: string, ...args: string[]): RunTask {
  return { image: 'node', command: [process.execPath, join(PROGRAMS, name), ...args] };
}

/** A task that never ends by itself, writing its pids to `pidFile` (see programs/hang.sh). */
export function hang(pidFile: string): RunTask {
  return { image: 'busybox', command: ['sh', join(PROGRAMS, 'hang.sh'), pidFile] };
}

/** A task running `sh -c script`. */
export function sh(script: string): RunTask {
  return { image: 'busybox', command: ['sh', '-c', script] };
}

/**
 * Compile a micro flow as the inside of pod `p` (what a worker's PodRequest carries). The
 * flow around the pod also holds the macro steps `extract` and `nowhere`, so that inputs
 * from outside the pod name steps that exist (whose outputs the tests write, or not).
 */
export function podRequestPod(flow: FlowNode, opts: { ipc?: string[]; scratch?: 'memory' | 'disk'; params?: Record<string, JsonValue> } = {}): NonNullable<PodRequest['pod']> {
  const doc = validateFlowDocument({
    apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'test', version: '1' },
    spec: { params: opts.params ?? {}, root: { sequence: [{ id: 'extract', task: sh('true') }, { id: 'nowhere', task: sh('true') }, { id: 'p', pod: { name: 'p', flow, channels: { scratch: opts.scratch ?? 'memory', ipc: opts.ipc ?? [] } } }] } },
  });
  const compiled = compileFlow(doc);
  const node = (compiled.root as SequenceNode).children[2] as PodNode;
  return { name: node.pod.name, channels: node.pod.channels, body: node.body, params: compiled.params, unit: '' };
}

/** A temp dir per test, removed by `cleanup`. */
export class TempDirs {
  private readonly made: string[] = [];
  async make(): Promise<string> {
    const d = await mkdtemp(join(tmpdir(), 'strata-test-'));
    this.made.push(d);
    return d;
  }
  async cleanup(): Promise<void> {
    await Promise.all(this.made.splice(0).map((d) => rm(d, { recursive: true, force: true })));
  }
}

export interface PodRun {
  done: DoneMessage;
  messages: QuarterbackMessage[];
  /** every status each step went through, in order */
  statuses: Record<string, string[]>;
  /** the last step message of each step */
  last: Record<string, StepMessage>;
  plan: MicroPlan;
}

/** A micro plan for pod `p` of run `r1` with all its directories under `root`. */
export function microPlan(root: string, pod: NonNullable<PodRequest['pod']>, extra: Partial<MicroPlan> = {}): MicroPlan {
  return {
    runId: 'r1', step: 'p', attempt: 1, pod,
    artifactsDir: join(root, 'artifacts'), outputsDir: join(root, 'pod-outputs'),
    scratchDir: join(root, 'scratch'), ipcDir: join(root, 'ipc'), workDir: join(root, 'work'),
    env: {}, killGraceMs: 500, ...extra,
  };
}

/** Run a micro flow through an in-process quarterback with real container processes. */
export async function runPod(root: string, flow: FlowNode, opts: Parameters<typeof podRequestPod>[1] & { plan?: Partial<MicroPlan>; onMessage?: (m: QuarterbackMessage, qb: Quarterback) => void } = {}): Promise<PodRun> {
  const plan = microPlan(root, podRequestPod(flow, opts), opts.plan);
  const messages: QuarterbackMessage[] = [];
  const driver = new ProcessDriver({ killGraceMs: 500 });
  let qb: Quarterback;
  const send = (m: QuarterbackMessage) => {
    messages.push(m);
    opts.onMessage?.(m, qb);
  };
  qb = new Quarterback({ plan, driver, send });
  const done = await qb.run();
  const statuses: Record<string, string[]> = {};
  const last: Record<string, StepMessage> = {};
  for (const m of messages) {
    if (m.type !== 'step') continue;
    (statuses[m.step] ??= []).push(m.status);
    last[m.step] = m;
  }
  return { done, messages, statuses, last, plan };
}

/** The results of the given steps, from their last step message. */
export function resultsOf(run: PodRun, steps: string[]): JsonValue[] {
  return steps.map((s) => run.last[s]?.result ?? null);
}
