/**
 * Every pattern at the macro level through the whole stack: API, coordinator, BullMQ,
 * a worker and real processes. The order steps ran in is read from their start times
 * and from a log every step appends to.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRunService, type RunTestService } from '../support/run-service.ts';
import { flowDoc as flow } from '../support/documents.ts';
import { useTempDirs } from '../support/temp-dirs.ts';

const newTempDir = useTempDirs('strata-patterns-');

const dir = newTempDir();
/** A step that appends its id (and item/round) to a shared log and echoes them as its result. */
const mark = (log: string, extra: Record<string, unknown> = {}) => ({
  task: { image: 'alpine', command: ['sh', '-c', `echo "$STRATA_STEP" >> ${join(dir, log)}; printf '{"step":"%s","item":%s,"round":"%s"}' "$STRATA_STEP" "\${STRATA_ITEM:-null}" "$STRATA_ROUND" > $STRATA_OUTPUTS/result.json`] },
  ...extra,
});
const order = (log: string) => readFileSync(join(dir, log), 'utf8').trim().split('\n');

let svc: RunTestService;
beforeAll(async () => {
  svc = await startRunService({ STRATA_WORKER_CONCURRENCY: '4' });
});
afterAll(async () => svc?.close());

const run = (root: unknown) => svc.runToEnd({ flow: flow(root) }, { timeoutMs: 20_000 });

describe('macro patterns', () => {
  it('graph dfs runs one node at a time in pre-order', async () => {
    const nodes = { r: mark('dfs'), a: mark('dfs', { dependsOn: ['r'] }), a1: mark('dfs', { dependsOn: ['a'] }), b: mark('dfs', { dependsOn: ['r'] }) };
    const result = await run({ graph: { traversal: 'dfs', nodes } });
    expect(result.status).toBe('succeeded');
    expect(order('dfs')).toEqual(['r', 'a', 'a1', 'b']);
  });

  it('graph bfs runs level by level', async () => {
    const nodes = { r: mark('bfs'), a: mark('bfs', { dependsOn: ['r'] }), a1: mark('bfs', { dependsOn: ['a'] }), b: mark('bfs', { dependsOn: ['r'] }) };
    await run({ graph: { traversal: 'bfs', nodes } });
    expect(order('bfs')).toEqual(['r', 'a', 'b', 'a1']);
  });

  it('graph dependency never starts a node before its dependencies finished', async () => {
    const nodes = { a: mark('dep'), b: mark('dep'), c: mark('dep', { dependsOn: ['a', 'b'] }), d: mark('dep', { dependsOn: ['c'] }) };
    const result = await run({ graph: { traversal: 'dependency', maxParallel: 2, nodes } });
    const s = result.steps;
    expect(Date.parse(s.c.startedAt!)).toBeGreaterThanOrEqual(Math.max(Date.parse(s.a.finishedAt!), Date.parse(s.b.finishedAt!)));
    expect(order('dep').slice(2)).toEqual(['c', 'd']);
  });

  it('fans out over a json-logic list and fans in over the results', async () => {
    const flowDoc = flow({
      sequence: [
        { id: 'fan', fanOut: { over: { map: [{ var: 'params.n' }, { '*': [{ var: '' }, 10] }] }, concurrency: 2, do: mark('fan') } },
        { id: 'join', fanIn: { from: 'fan', do: { task: { image: 'alpine', command: ['sh', '-c', 'cp $STRATA_INPUTS/results $STRATA_OUTPUTS/result.json'] } } } },
      ],
    });
    (flowDoc.spec as Record<string, unknown>).params = { n: [1, 2, 3] };
    const r = await svc.call('POST', '/v1/runs', { flow: flowDoc });
    const result = await svc.waitRun(r.body.runId);
    expect(result.status).toBe('succeeded');
    expect(result.steps['fan/2'].result).toMatchObject({ step: 'fan/2', item: 30 });
    expect((result.steps.join.result as Array<{ item: number }>).map((x) => x.item)).toEqual([10, 20, 30]);
  });

  it('cycles windows of a JSON-lines file through a ring until the source is drained', async () => {
    const src = join(dir, 'events.jsonl');
    writeFileSync(src, Array.from({ length: 5 }, (_, i) => JSON.stringify({ v: i + 1 })).join('\n') + '\n');
    const sum = { id: 'sum', task: { image: 'alpine', command: ['sh', '-c', 'p=$(cat $STRATA_INPUTS/previous); w=$(cat $STRATA_INPUTS/window); echo "{\\"round\\":$STRATA_ROUND,\\"window\\":$w,\\"previous\\":$p}" > $STRATA_OUTPUTS/result.json'] } };
    const result = await run({ sequence: [{ id: 'ring', cycle: { ring: [sum], source: `file://${src}`, window: { size: 2 } } }] });
    expect(result.status).toBe('succeeded');
    expect(Object.keys(result.steps).filter((k) => k.startsWith('ring/sum#')).sort()).toEqual(['ring/sum#0', 'ring/sum#1', 'ring/sum#2']);
    expect(result.steps['ring/sum#2'].result).toMatchObject({ round: 2, window: [{ v: 5 }] });
    expect((result.steps['ring/sum#1'].result as any).previous.round).toBe(0);
  });

  it('cycles a fixed number of rounds and stops early when until holds', async () => {
    const counter = { id: 'c', task: { image: 'alpine', command: ['sh', '-c', 'echo "{\\"n\\":$STRATA_ROUND}" > $STRATA_OUTPUTS/result.json'] } };
    const result = await run({ sequence: [{ id: 'ring', cycle: { ring: [counter], rounds: 10, until: { '>=': [{ var: 'last.n' }, 2] } } }] });
    expect(Object.keys(result.steps).filter((k) => k.startsWith('ring/c#'))).toHaveLength(3);
  });

  it('skips a step whose when guard is false and runs its dependents', async () => {
    const result = await run({ sequence: [{ id: 'no', when: { '==': [1, 2] }, ...mark('when') }, { id: 'yes', ...mark('when') }] });
    expect(result.steps.no.status).toBe('skipped');
    expect(result.steps.yes.status).toBe('succeeded');
    expect(order('when')).toEqual(['yes']);
  });

  it('runs a registered flow as a unit beneath the use node, with its parameters', async () => {
    const unit = flow({ sequence: [{ id: 'inner', task: { image: 'alpine', command: ['sh', '-c', 'echo "$STRATA_PARAMS" > $STRATA_OUTPUTS/result.json'] } }] }, 'unit-p');
    (unit.spec as Record<string, unknown>).params = { greeting: 'hello', who: 'nobody' };
    expect((await svc.call('POST', '/v1/flows', unit)).status).toBe(201);
    const r = await svc.call('POST', '/v1/runs', { use: 'unit-p@1', with: { who: 'world' } });
    const result = await svc.waitRun(r.body.runId);
    expect(result.steps.inner.result).toEqual({ greeting: 'hello', who: 'world' });
  });

  it('runs a pod whose inside is a micro sequence driven by the quarterback, data kept on the scratch disk', async () => {
    const pod = {
      id: 'etl',
      pod: {
        flow: {
          sequence: [
            { id: 'extract', task: { image: 'alpine', command: ['sh', '-c', 'echo 21 > $STRATA_SCRATCH/n'] } },
            { id: 'double', task: { image: 'alpine', command: ['sh', '-c', 'echo "{\\"n\\":$(( $(cat $STRATA_SCRATCH/n) * 2 ))}" > $STRATA_OUTPUTS/result.json'] } },
          ],
        },
      },
    };
    const result = await run({ sequence: [pod] });
    expect(result.status).toBe('succeeded');
    expect(result.steps['etl/extract'].status).toBe('succeeded');
    expect(result.steps['etl/double'].result).toEqual({ n: 42 });
  });

  it('gives a pod in a fan-out its item under the fan-out\'s name, for guards inside the pod', async () => {
    const inner = { sequence: [{ id: 'only-b', when: { '==': [{ var: 'region' }, 'b'] }, task: { image: 'alpine', command: ['true'] } }, { id: 'all', task: { image: 'alpine', command: ['true'] } }] };
    const result = await run({ fanOut: { over: ['a', 'b'], as: 'region', do: { pod: { flow: inner } } } });
    expect(result.status).toBe('succeeded');
    expect(result.steps['0/only-b'].status).toBe('skipped');
    expect(result.steps['1/only-b'].status).toBe('succeeded');
  });

  it('cycles windows of a Redis stream, reading on from where the last round stopped', async () => {
    const { Redis } = await import('ioredis');
    const { inject } = await import('vitest');
    const redis = new Redis(inject('redisUrl'));
    const key = `events-${Date.now()}`;
    for (let i = 1; i <= 5; i++) await redis.xadd(key, '*', 'v', String(i));
    await redis.quit();
    const echo = { id: 'take', task: { image: 'alpine', command: ['sh', '-c', 'cp $STRATA_INPUTS/window $STRATA_OUTPUTS/result.json'] } };
    const result = await run({ sequence: [{ id: 'ring', cycle: { ring: [echo], source: `redis-stream://${key}`, window: { size: 2, ms: 100 } } }] });
    expect(result.status).toBe('succeeded');
    const rounds = Object.keys(result.steps).filter((k) => k.startsWith('ring/take#')).sort();
    expect(rounds).toEqual(['ring/take#0', 'ring/take#1', 'ring/take#2']);
    const values = rounds.flatMap((k) => (result.steps[k].result as Array<{ v: string }>).map((e) => e.v));
    expect(values).toEqual(['1', '2', '3', '4', '5']);
  });
});
