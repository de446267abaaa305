/**
 * A failed step's outputs and a failed exit handler in native flows, at both levels (the
 * run's root: coordinator, BullMQ, a worker, processes; and inside a pod: the quarterback),
 * through real runs (Argo tester 3, N14 and N3; docs/flow-language.md, Failure handling).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { LEVELS, type Level } from '../support/levels.ts';
import { runAtLevel } from '../support/level-runs.ts';
import { useRunService } from '../support/use-run-service.ts';

const svc = useRunService({ STRATA_WORKER_CONCURRENCY: '4' });

const runAt = (level: Level, root: unknown) => runAtLevel(svc, level, root, { name: 'failed-outputs', timeoutMs: 90_000 });

/** A check that writes its result, a parameter and a file, then fails; each attempt writes its own number. */
const CHECK = {
  image: 'alpine',
  command: ['sh', '-c', 'echo "{\\"try\\": $STRATA_ATTEMPT}" > "$STRATA_OUTPUTS/result.json"; echo "why $STRATA_ATTEMPT" > "$STRATA_OUTPUTS/reason.txt"; echo "log of try $STRATA_ATTEMPT" > "$STRATA_OUTPUTS/log.txt"; exit 3'],
  outputs: { artifacts: ['log.txt'], parameters: { reason: { path: 'reason.txt' } } },
};
const REPORT = {
  image: 'alpine',
  command: ['sh', '-c', 'echo "$1 $2 $(cat "$STRATA_INPUTS/log")"', 'sh', '{{ steps["./check"].result.try }}', '{{ steps["./check"].outputs.parameters.reason }}'],
  // Paths from the step's parent: the same at the run's root and inside the pod.
  inputs: { log: './check:log.txt' },
  result: 'stdout',
};

describe.each(LEVELS)('a failed step\'s outputs ($name)', (level) => {
  it('a dependent on check failed reads its last attempt\'s result, parameter and file', async () => {
    const root = { graph: { nodes: { check: { retries: 1, task: CHECK }, report: { dependsOn: [{ node: 'check', on: 'failed' }], task: REPORT } } } };
    const { run, steps } = await runAt(level, root);
    expect(steps.check).toMatchObject({ status: 'failed', exitCode: 3, attempts: 2, result: { try: 2 } });
    expect(steps.report).toMatchObject({ status: 'succeeded', result: '2 why 2 log of try 2' });
  });

  it('continueOn: a step that failed without writing anything gives nothing; the reader fails naming it', async () => {
    const root = { sequence: [{ id: 'check', continueOn: { failed: true }, task: { image: 'alpine', command: ['sh', '-c', 'exit 4'] } }, { id: 'report', task: { image: 'alpine', command: ['echo', { text: { result: './check' } }] } }] };
    const { run, steps } = await runAt(level, root);
    expect(run.status).toBe('failed');
    expect(steps.check).toMatchObject({ status: 'failed', exitCode: 4 });
    expect(steps.report.status).toBe('failed');
    expect(steps.report.error).toMatch(/step (p\/)?check failed and gave no result/);
  });
});

describe.each(LEVELS)('a failed exit handler ($name)', (level) => {
  it('the node keeps Succeeded and its result; the handler fails; so does what holds the node', async () => {
    const root = { id: 'main', task: { image: 'alpine', command: ['echo', 'main-ok'], result: 'stdout' }, onExit: { task: { image: 'alpine', command: ['sh', '-c', 'echo "saw $(echo "$STRATA_EXIT" | grep -o succeeded)"; exit 1'], result: 'stdout' } } };
    const { run, steps } = await runAt(level, root);
    expect(run.status).toBe('failed');
    expect(steps.main).toMatchObject({ status: 'succeeded', result: 'main-ok', exitCode: 0, error: null });
    expect(steps['main/onExit']).toMatchObject({ status: 'failed', exitCode: 1, result: 'saw succeeded' });
    expect(level.prefix ? run.steps.p.error : run.error).toMatch(/exit handler failed: step (p\/)?main\/onExit failed: exited with code 1/);
  });
});

/** A registered flow whose root is one task that writes its result, a parameter and a file, then fails (Argo tester 5, P4). */
const LEAF_UNIT = {
  apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'failing-leaf', version: '1' },
  spec: {
    root: { id: 'main', task: { ...CHECK, command: ['sh', '-c', 'echo "{\\"try\\": 1}" > "$STRATA_OUTPUTS/result.json"; echo "unit why" > "$STRATA_OUTPUTS/reason.txt"; echo "unit log" > "$STRATA_OUTPUTS/log.txt"; exit 3'] } },
    outputs: { parameters: { reason: '{{ steps.main.outputs.parameters.reason }}' }, artifacts: { log: 'main:log.txt' } },
  },
};

describe.each(LEVELS)('a failed use of a one-task unit gives what its task gave ($name)', (level) => {
  it('the steps after it read the unit\'s result, output parameter and artifact', async () => {
    const reg = await svc.call('POST', '/v1/flows', LEAF_UNIT);
    expect(reg.status, JSON.stringify(reg.body)).toBeLessThan(300);
    const report = { ...REPORT, inputs: { log: './check:log' } };
    const root = { graph: { nodes: { check: { use: 'failing-leaf@1' }, report: { dependsOn: [{ node: 'check', on: 'failed' }], task: report } } } };
    const { steps } = await runAt(level, root);
    expect(steps.check).toMatchObject({ status: 'failed', result: { try: 1 } });
    expect(steps.report).toMatchObject({ status: 'succeeded', result: '1 unit why unit log' });
  });
});

describe('a pod that failed as a macro step gives its own outputs (Argo tester 5, P4)', () => {
  it('its result holds its containers\' results (the failed one\'s too), and a failed container\'s declared output is the pod\'s artifact', async () => {
    const root = (parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'flows', 'run', 'failed-pod.yaml'), 'utf8')) as { spec: { root: unknown } }).spec.root;
    const { steps } = await runAt(LEVELS[0], root);
    expect(steps.p).toMatchObject({ status: 'failed', exitCode: 4, result: { prep: 'prep-out', main: 'main-said' } });
    expect(steps['p/main']).toMatchObject({ status: 'failed', result: 'main-said' });
    expect(steps.report).toMatchObject({ status: 'succeeded', result: 'prep-out main-said FAIL: pod_test' });
  });
});

describe.each(LEVELS)('a fan-out item whose exit handler failed is a failed item to its fan-out ($name)', (level) => {
  it('left out of `results: succeeded`, counted failed by AnySucceeded and AllFailed, as a sequence and a graph take it', async () => {
    // Item 2's exit handler fails; the item itself succeeds (continueOn lets the fan-out go on).
    const item = {
      continueOn: { failed: true },
      task: { image: 'alpine', command: ['echo', '{{ item }}'], result: 'stdout' },
      onExit: { task: { image: 'alpine', command: ['sh', '-c', 'test "$1" != 2', 'sh', '{{ item }}'] } },
    };
    const root = {
      graph: {
        nodes: {
          fan: { fanOut: { over: [1, 2], results: 'succeeded', do: item } },
          two: { fanOut: { over: [2], do: item } },
          any: { depends: 'two.AnySucceeded', task: { image: 'alpine', command: ['echo', 'any'] } },
          all: { depends: 'two.AllFailed', task: { image: 'alpine', command: ['echo', 'all'], result: 'stdout' } },
        },
      },
    };
    const { steps } = await runAt(level, root);
    expect(steps['fan/1']).toMatchObject({ status: 'succeeded', result: 2 });
    expect(steps['fan/1/onExit']).toMatchObject({ status: 'failed', exitCode: 1 });
    expect(steps.fan).toMatchObject({ status: 'succeeded', result: [1] });
    expect(steps.any.status).toBe('skipped');
    expect(steps.all).toMatchObject({ status: 'succeeded', result: 'all' });
  });
});
