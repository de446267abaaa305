/**
 * R3, the engine's half: pods running at once hold STRATA_MAX_RUN_STEPS between them (log
 * version 8). Each pod's micro plan may make its start's count and what the run granted it;
 * past that its steps wait and its engine asks (`ask` command), the run's engine grants what
 * it has left (`grant` command), and the pod's steps start as far as the grant reaches, the
 * rest failing at the limit. Here the run's engine and three pods' engines (as quarterbacks
 * run them) talk directly, in an order where each pod asks before any has ended.
 */
import { describe, expect, it } from 'vitest';
import { RunEngine } from '../../src/engine/engine.ts';
import { podScope } from '../../src/engine/pod-scope.ts';
import type { Command, EngineEvent, StartCommand } from '../../src/engine/types.ts';
import { compile, task } from '../fixtures/build-flow.ts';

const LIMIT_ERROR = 'the run would make more than';

/** A fan-out over [1, 2, 3] of a pod fanning out over the items of parameter `ns`: each pod's micro steps, as many as `ns` has. */
function fanOfPodFans(ns: number[]) {
  return compile({ id: 'f', fanOut: { over: [1, 2, 3], do: { id: 'p', pod: { flow: { id: 'g', fanOut: { over: { var: 'params.ns' }, as: 'n', do: task('t') } } } } } }, { ns });
}

/**
 * Run the fan-out of pods under `maxSteps` with log version `version`: every pod's engine started from its start
 * command, the pods' asks and the run's grants passed across, containers finished ok, until
 * nothing moves. What ran (containers started), how the run ended, and the most micro steps
 * any pod's engine made past its grant.
 */
function simulate(ns: number[], maxSteps: number, version = 8) {
  const c = fanOfPodFans(ns);
  const run = new RunEngine(c.root, { maxSteps, params: { ns } });
  const pods = new Map<string, { engine: RunEngine; cmd: StartCommand; granted: number }>();
  const runQueue: EngineEvent[] = [];
  const podQueue: Array<{ pod: string; event: EngineEvent }> = [];
  let containers = 0;
  let ended: Command | undefined;
  const fromRun = (cmds: Command[]) => {
    for (const cmd of cmds) {
      if (cmd.type === 'done') ended = cmd;
      if (cmd.type === 'start' && cmd.kind === 'pod') {
        const engine = new RunEngine(cmd.pod!.body, { params: cmd.env.params, prefix: cmd.step, scope: podScope(cmd.env), maxSteps, stepsBefore: cmd.pod!.stepsBefore, allowed: cmd.pod!.allowed });
        pods.set(cmd.step, { engine, cmd, granted: cmd.pod!.allowed ?? Infinity });
        fromPod(cmd.step, engine.start(0, version));
      }
    }
  };
  const fromPod = (step: string, cmds: Command[]) => {
    const pod = pods.get(step)!;
    for (const cmd of cmds) {
      if (cmd.type === 'ask') runQueue.push({ type: 'ask', step, attempt: pod.cmd.attempt, steps: cmd.steps });
      if (cmd.type === 'start') {
        containers++;
        podQueue.push({ pod: step, event: { type: 'finished', step: cmd.step, attempt: cmd.attempt, ok: true, result: null } });
      }
      if (cmd.type === 'done') runQueue.push({ type: 'finished', step, attempt: pod.cmd.attempt, ok: cmd.status === 'succeeded', ...(cmd.error ? { error: cmd.error } : {}), steps: pod.engine.stepsMade });
    }
  };
  fromRun(run.start(0, version));
  // The run's events first (each pod's asks reach the run before any container ends), then the pods'.
  // An ask folded, its answer is read from the run's engine (as the worker that appended it does).
  for (let guard = 0; guard < 10_000 && (runQueue.length > 0 || podQueue.length > 0); guard++) {
    if (runQueue.length > 0) {
      const e = runQueue.shift()!;
      fromRun(run.apply(e));
      if (e.type === 'ask') {
        const steps = run.grantFor(e.step, e.attempt, e.steps);
        if (steps !== undefined) {
          pods.get(e.step)!.granted = steps;
          podQueue.push({ pod: e.step, event: { type: 'grant', asked: e.steps, steps } });
        }
      }
    } else {
      const { pod, event } = podQueue.shift()!;
      fromPod(pod, pods.get(pod)!.engine.apply(event));
    }
  }
  const past = Math.max(...[...pods.values()].map((p) => p.engine.stepsMade - p.granted));
  return { containers, status: ended?.type === 'done' ? ended.status : 'running', error: ended?.type === 'done' ? ended.error : undefined, past };
}

describe('pods running at once ask the run for their steps (log version 8)', () => {
  // The run's root (the fan-out) is no step: the 3 pods are 3, their containers the rest.
  it('3 pods each fanning out over 4 under a limit of 10: failed at the limit, 7 containers at most (12 ran before)', () => {
    const r = simulate([1, 2, 3, 4], 10);
    expect([r.status, r.error]).toEqual(['failed', expect.stringContaining(LIMIT_ERROR)]);
    expect(r.containers).toBeLessThanOrEqual(7);
    expect(r.past).toBeLessThanOrEqual(0);
  });

  it('the same under a limit of 15, right at it (3 pods, 12 containers): succeeded, every container run, no false failure', () => {
    expect(simulate([1, 2, 3, 4], 15)).toEqual({ containers: 12, status: 'succeeded', error: undefined, past: 0 });
  });

  it('one step past, under a limit of 14: failed at the limit, 11 containers at most', () => {
    const r = simulate([1, 2, 3, 4], 14);
    expect([r.status, r.error]).toEqual(['failed', expect.stringContaining(LIMIT_ERROR)]);
    expect(r.containers).toBeLessThanOrEqual(11);
  });

  it('a log of version 7 folds as then: no pod asks, each counts on from the run\'s steps when it started, and 12 containers run', () => {
    const r = simulate([1, 2, 3, 4], 10, 7);
    expect([r.status, r.error, r.containers]).toEqual(['failed', expect.stringContaining(LIMIT_ERROR), 12]);
  });
});
