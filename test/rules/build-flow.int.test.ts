/**
 * A rule's generator parameters (`emit.with`) hold json-logic over the Dataset, evaluated
 * when the flow is built; the run-time guards among them (`until`, `when`) stay as written,
 * as in an emitted node, and are evaluated while the flow runs (tester 15: a stream rule's
 * `with.until` became `until: false` when the flow was built, so the cycle ran until its
 * source was drained, and an operation's `when` over a step's result became a constant).
 * Through the real stack: rules and Datasets posted over HTTP and by `strata apply`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runStrata } from '../support/processes.ts';
import { useTempDirs } from '../support/temp-dirs.ts';
import { cliEnv, stepStatuses, useRunService } from '../support/use-run-service.ts';

const svc = useRunService();
const tempDir = useTempDirs('strata-build-flow-');

const rule = (name: string, shape: string, emit: unknown) => ({ apiVersion: 'strata/v1', kind: 'Rule', metadata: { name }, spec: { priority: 10, when: { '==': [{ var: 'spec.shape' }, shape] }, emit } });
const dataset = (name: string, spec: Record<string, unknown>) => ({ apiVersion: 'strata/v1', kind: 'Dataset', metadata: { name }, spec });

describe('generator parameters that are run-time guards', () => {
  it('a stream rule\'s with.until ends the cycle when it holds, not when the source is drained (HTTP and strata apply)', async () => {
    const dir = tempDir();
    const lines = join(dir, 'lines.jsonl');
    writeFileSync(lines, [1, 2, 3, 4, 5].map((n) => JSON.stringify({ n })).join('\n') + '\n');
    const until = { '>=': [{ var: 'round' }, 1] };
    expect((await svc.call('POST', '/v1/rules', rule('stream-until', 'lines', { generator: 'stream', with: { stages: [{ name: 's', image: 'strata/echo' }], window: { size: 1 }, until } }))).status).toBe(201);
    const ingested = await svc.call('POST', '/v1/datasets?run=true', dataset('five-lines', { shape: 'lines', location: `file://${lines}` }));
    expect(ingested.status).toBe(202);
    // The flow registered for the Dataset keeps the guard as the rule wrote it.
    const flow = await svc.call('GET', `/v1/flows/${ingested.body.flow.name}/${ingested.body.flow.version}`);
    expect(flow.body.spec.root.cycle.until).toEqual(until);
    const run = await svc.waitRun(ingested.body.runId);
    expect(run.status).toBe('succeeded');
    expect(stepStatuses(run, ['s#0', 's#1', 's#2'])).toEqual({ 's#0': 'succeeded', 's#1': 'succeeded', 's#2': 'absent' });

    // The same Dataset by `strata apply --run --watch`, a real process.
    const file = join(dir, 'dataset.json');
    writeFileSync(file, JSON.stringify(dataset('five-lines-cli', { shape: 'lines', location: `file://${lines}` })));
    const applied = await runStrata(['apply', file, '--run', '--watch'], cliEnv(svc));
    expect(applied.code).toBe(0);
    const id = /run (r[0-9a-z]+) succeeded/.exec(applied.stdout)?.[1];
    expect(id).toBeDefined();
    const cliRun = await svc.waitRun(id!);
    expect(stepStatuses(cliRun, ['s#1', 's#2'])).toEqual({ 's#1': 'succeeded', 's#2': 'absent' });
  });

  it('an operation\'s when over a step\'s result is decided when the step would start, while values over the Dataset are filled in when the flow is built', async () => {
    const ops = [
      { name: 'a', image: 'strata/echo', env: { FROM: { var: 'metadata.name' } } },
      // Runs when a gave a result: at run time it has one; read when the flow is built, there is none.
      { id: 'b', when: { '!=': [{ var: 'results.a' }, null] }, task: { image: 'strata/echo' } },
    ];
    expect((await svc.call('POST', '/v1/rules', rule('pipeline-when', 'guarded', { generator: 'pipeline', with: { operations: ops } }))).status).toBe(201);
    const ingested = await svc.call('POST', '/v1/datasets?run=true', dataset('guarded-ds', { shape: 'guarded' }));
    expect(ingested.status).toBe(202);
    const flow = await svc.call('GET', `/v1/flows/${ingested.body.flow.name}/${ingested.body.flow.version}`);
    expect(flow.body.spec.root.sequence[0].task.env).toEqual({ FROM: 'guarded-ds' });
    expect(flow.body.spec.root.sequence[1].when).toEqual(ops[1].when);
    const run = await svc.waitRun(ingested.body.runId);
    expect(run.status).toBe('succeeded');
    expect(stepStatuses(run, ['a', 'b'])).toEqual({ a: 'succeeded', b: 'succeeded' });
  });

  // Tester 15: an emitted node's fanOut.over reading a step's result was evaluated when the
  // flow was built (null), so every Dataset the rule matched was refused: "fanOut.over: must
  // be a list, or json-logic giving a list". An expression that reads what only a run knows
  // (results, item, round; result, output, status, exitCode) stays as written.
  it('an emitted node keeps json-logic over step results for the run, and fills in what reads the Dataset', async () => {
    const emit = {
      sequence: [
        { id: 'list', task: { image: 'alpine', command: ['sh', '-c', 'echo "[1,2,3]" > $STRATA_OUTPUTS/result.json'] } },
        { id: 'fan', fanOut: { over: { var: 'results.list' }, do: { task: { image: 'strata/echo' } } } },
        { id: 'parts', fanOut: { over: { var: 'spec.partitions' }, do: { task: { image: 'strata/echo' } } } },
      ],
    };
    expect((await svc.call('POST', '/v1/rules', rule('emit-run-time', 'run-time-over', emit))).status).toBe(201);
    const ingested = await svc.call('POST', '/v1/datasets?run=true', dataset('over-results', { shape: 'run-time-over', partitions: ['a', 'b'] }));
    expect(ingested.status).toBe(202);
    const flow = await svc.call('GET', `/v1/flows/${ingested.body.flow.name}/${ingested.body.flow.version}`);
    const [, fan, parts] = flow.body.spec.root.sequence;
    expect(fan.fanOut.over).toEqual({ var: 'results.list' });
    expect(parts.fanOut.over).toEqual(['a', 'b']);
    const run = await svc.waitRun(ingested.body.runId);
    expect(run.status).toBe('succeeded');
    expect(stepStatuses(run, ['fan/0', 'fan/2', 'fan/3', 'parts/1', 'parts/2'])).toEqual({ 'fan/0': 'succeeded', 'fan/2': 'succeeded', 'fan/3': 'absent', 'parts/1': 'succeeded', 'parts/2': 'absent' });
  });
});
