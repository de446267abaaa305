/**
 * A Schedule's tick is planned on the CPU pool (the service's worker threads), as the
 * routes that take documents are, never on the coordinator's thread: a tick of a schedule
 * whose flow is large still starts its run, and the plannings made on this thread (the
 * coordinator's, the API's) are counted: none, for a `use` tick and for a Dataset tick.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { flowDoc, shTask } from '../support/documents.ts';
import { runStrata, until } from '../support/processes.ts';
import { startRunService, type RunTestService } from '../support/run-service.ts';
import { tickRunId } from '../../src/app/scheduler.ts';

// Counted on this thread only: worker threads load their own copies of these modules.
const onThisThread = vi.hoisted(() => ({ plannings: 0 }));
vi.mock('../../src/service/plan-flow.ts', async (importOriginal) => {
  const m = await importOriginal<typeof import('../../src/service/plan-flow.ts')>();
  return { ...m, planFlow: (...a: Parameters<typeof m.planFlow>) => (onThisThread.plannings++, m.planFlow(...a)) };
});
vi.mock('../../src/service/plan-dataset.ts', async (importOriginal) => {
  const m = await importOriginal<typeof import('../../src/service/plan-dataset.ts')>();
  return { ...m, planDataset: (...a: Parameters<typeof m.planDataset>) => (onThisThread.plannings++, m.planDataset(...a)) };
});

let svc: RunTestService;
beforeAll(async () => {
  svc = await startRunService();
});
afterAll(async () => {
  await svc?.close();
});

const schedule = (name: string, spec: Record<string, unknown>) => ({ apiVersion: 'strata/v1', kind: 'Schedule', metadata: { name }, spec: { schedule: '* * * * * *', ...spec } });

/** The first run a schedule started, once it has ended. */
async function firstRunOf(name: string): Promise<{ id: string; status: string; origin: Record<string, string>; steps: Record<string, unknown> }> {
  const id = await until(`a run of schedule ${name}`, async () => {
    const runs = (await svc.call('GET', '/v1/runs?limit=1000')).body.runs as Array<{ id: string }>;
    for (const r of runs) if ((await svc.call('GET', `/v1/runs/${r.id}`)).body.origin?.schedule === name) return r.id;
    return undefined;
  }, 60_000);
  expect((await svc.call('DELETE', `/v1/schedules/${name}`)).status).toBe(200);
  return svc.waitRun(id, 120_000) as never;
}

describe('a schedule tick', () => {
  it('of a large flow starts its run, planned off the coordinator\'s thread', async () => {
    // 10,000 steps behind a first one that fails: planned in full, none of them run.
    const nodes: Record<string, unknown> = {};
    for (let i = 0; i < 10_000; i++) nodes[`n${i}`] = { task: { image: 'strata/noop' }, ...(i > 0 ? { dependsOn: [`n${Math.floor((i - 1) / 10)}`] } : {}) };
    const big = flowDoc({ sequence: [{ id: 'gate', task: shTask('exit 1') }, { id: 'all', graph: { traversal: 'dependency', nodes } }] }, 'big');
    expect((await svc.call('POST', '/v1/flows', big)).status).toBe(201);
    const before = onThisThread.plannings;
    expect((await svc.call('POST', '/v1/schedules', schedule('big-tick', { use: 'big@1', labels: { via: 'tick' } }))).status).toBe(201);
    const run = await firstRunOf('big-tick');
    expect(run.status).toBe('failed');
    expect(Object.keys(run.steps)).toHaveLength(10_002);
    expect(run).toMatchObject({ origin: { schedule: 'big-tick', flow: 'big@1' }, labels: { via: 'tick' } });
    expect(onThisThread.plannings - before).toBe(0);
  }, 240_000);

  it('of a Dataset starts the run its rules make, planned off the coordinator\'s thread', async () => {
    const before = onThisThread.plannings;
    const ds = { apiVersion: 'strata/v1', kind: 'Dataset', metadata: { name: 'ticked' }, spec: { shape: 'table', partitions: [1, 2] } };
    expect((await svc.call('POST', '/v1/schedules', schedule('dataset-tick', { dataset: ds }))).status).toBe(201);
    const run = await firstRunOf('dataset-tick');
    expect(run.status).toBe('succeeded');
    expect(run.origin).toMatchObject({ schedule: 'dataset-tick', dataset: 'ticked' });
    expect((await svc.call('GET', '/v1/datasets/ticked')).body.runs.map((r: { id: string }) => r.id)).toContain(run.id);
    expect(onThisThread.plannings - before).toBe(0);
  }, 120_000);

  it('Forbid does not count the tick\'s own run, started by a coordinator that stopped before its claim: the tick is fired, not skipped (tester 14)', async () => {
    expect((await svc.call('POST', '/v1/flows', flowDoc({ task: shTask('sleep 30') }, 'own-tick'))).status).toBe(201);
    // Yearly: the live scheduler leaves it alone until next year; the test looks as of then.
    expect((await svc.call('POST', '/v1/schedules', schedule('own-tick', { use: 'own-tick@1', schedule: '0 0 1 1 *', concurrencyPolicy: 'Forbid' }))).status).toBe(201);
    const tick = Date.UTC(new Date().getUTCFullYear() + 1, 0, 1);
    const scheduler = svc.parts.scheduler!;
    await scheduler.check(tick + 1000);
    const state = `${svc.prefix}:schedule:own-tick`;
    const redis = svc.parts.sys.store.redis;
    const fired = await redis.hgetall(state);
    expect(fired).toMatchObject({ lastTick: String(tick), lastOutcome: 'fired', lastRunId: tickRunId('own-tick', tick) });
    // As a coordinator that stopped between the start and the claim leaves it: the run stored and running, the tick not claimed.
    await redis.hset(state, 'lastTick', String(tick - 1000), 'lastOutcome', 'fired');
    await redis.hdel(state, 'lastRunId', 'lastRunAt');
    expect((await svc.call('GET', `/v1/runs/${tickRunId('own-tick', tick)}`)).body.status).toMatch(/^(pending|running)$/);
    await scheduler.check(tick + 1000);
    expect(await redis.hgetall(state)).toMatchObject({ lastTick: String(tick), lastOutcome: 'fired', lastRunId: tickRunId('own-tick', tick) });
    expect((await svc.call('GET', '/v1/runs?flow=own-tick')).body.runs.map((r: { id: string }) => r.id)).toEqual([tickRunId('own-tick', tick)]);
    expect((await svc.call('DELETE', '/v1/schedules/own-tick')).status).toBe(200);
    expect((await svc.call('POST', `/v1/runs/${tickRunId('own-tick', tick)}/cancel`)).status).toBe(200);
  }, 60_000);

  it('Replace cancels no earlier run for a tick whose own run is refused (tester 14: the earlier run was cancelled, then nothing started)', async () => {
    const ds = { apiVersion: 'strata/v1', kind: 'Dataset', metadata: { name: 'replace-refused' }, spec: { shape: 'table', attributes: { n: 'lots' } } };
    const ruleOf = (emit: unknown) => ({ apiVersion: 'strata/v1', kind: 'Rule', metadata: { name: 'replace-refused' }, spec: { priority: 50, when: { '==': [{ var: 'metadata.name' }, 'replace-refused'] }, emit } });
    expect((await svc.call('POST', '/v1/rules', ruleOf({ id: 'slow', task: shTask('sleep 30') }))).status).toBe(201);
    // Yearly: the live scheduler leaves it alone; the test looks as of next year's tick, then the year after's.
    expect((await svc.call('POST', '/v1/schedules', schedule('replace-refused', { dataset: ds, schedule: '0 0 1 1 *', concurrencyPolicy: 'Replace' }))).status).toBe(201);
    const year = new Date().getUTCFullYear();
    const first = Date.UTC(year + 1, 0, 1);
    await svc.parts.scheduler!.check(first + 1000);
    const earlier = tickRunId('replace-refused', first);
    expect((await svc.call('GET', `/v1/runs/${earlier}`)).body.status).toMatch(/^(pending|running)$/);
    // Its rule now makes every plan refused.
    const count = { var: 'dataset.spec.attributes.n' };
    expect((await svc.call('POST', '/v1/rules', ruleOf({ generator: 'partition', with: { map: { image: 'strata/noop' }, reduce: { image: 'strata/noop' }, count } }))).status).toBe(200);
    const second = Date.UTC(year + 2, 0, 1);
    await svc.parts.scheduler!.check(second + 1000);
    const state = (await svc.call('GET', '/v1/schedules/replace-refused')).body.status;
    expect(state).toMatchObject({ lastTick: new Date(second).toISOString(), lastOutcome: 'failed' });
    expect((await svc.call('GET', `/v1/runs/${earlier}`)).body.status).toMatch(/^(pending|running)$/);
    expect((await svc.call('DELETE', '/v1/schedules/replace-refused')).status).toBe(200);
    expect((await svc.call('POST', `/v1/runs/${earlier}/cancel`)).status).toBe(200);
    expect((await svc.call('DELETE', '/v1/rules/replace-refused')).status).toBe(200);
  }, 60_000);

  it('refused at the tick is recorded as failed, with why, and the next tick is taken up (tester 14: it was tried again every 500 ms for ever)', async () => {
    // Accepted when registered (the fallback rule plans it; a tick may start a run so); a rule
    // registered next makes every tick's plan refused.
    const ds = { apiVersion: 'strata/v1', kind: 'Dataset', metadata: { name: 'later-refused' }, spec: { shape: 'table', attributes: { n: 'lots' } } };
    expect((await svc.call('POST', '/v1/schedules', schedule('later-refused', { dataset: ds }))).status).toBe(201);
    const count = { var: 'dataset.spec.attributes.n' };
    const rule = { apiVersion: 'strata/v1', kind: 'Rule', metadata: { name: 'count-from-attributes' }, spec: { priority: 50, when: { '==': [{ var: 'metadata.name' }, 'later-refused'] }, emit: { generator: 'partition', with: { map: { image: 'strata/noop' }, reduce: { image: 'strata/noop' }, count } } } };
    expect((await svc.call('POST', '/v1/rules', rule)).status).toBe(201);
    const runs = async () => (await svc.call('GET', '/v1/runs?dataset=later-refused&limit=1000')).body.runs.length as number;
    const failedTick = async () => {
      const st = (await svc.call('GET', '/v1/schedules/later-refused')).body.status;
      return st.lastOutcome === 'failed' ? st : undefined;
    };
    const first = await until('a tick recorded as failed', failedTick, 30_000);
    const runsAtFirst = await runs();
    expect(first.lastError).toMatch(/with\.count: must be a whole number/);
    expect(first.lastRunId).toBeUndefined();
    // Ticks go on: a later one is looked at (and refused) in its turn.
    const later = await until('a later tick', async () => {
      const st = await failedTick();
      return st && st.lastTick > first.lastTick ? st : undefined;
    }, 30_000);
    expect(later.lastError).toBe(first.lastError);
    // The command line says so: the list's LAST TICK, the reason in get.
    const list = await runStrata(['schedules', 'list'], { STRATA_URL: svc.url });
    expect(list.stdout.split('\n')[0]).toMatch(/ LAST RUN +LAST TICK$/);
    expect(list.stdout.split('\n').find((l) => l.startsWith('later-refused '))).toMatch(/ failed$/);
    expect((await runStrata(['schedules', 'get', 'later-refused'], { STRATA_URL: svc.url })).stdout).toMatch(/lastError: .*with\.count: must be a whole number/);
    expect(await runs()).toBe(runsAtFirst);
    expect((await svc.call('DELETE', '/v1/schedules/later-refused')).status).toBe(200);
    expect((await svc.call('DELETE', '/v1/rules/count-from-attributes')).status).toBe(200);
  }, 120_000);
});
