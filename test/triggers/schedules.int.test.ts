/**
 * Schedules through the real stack: two coordinators (two whole strata services) share
 * one Redis; a schedule firing every second makes exactly one run per tick; concurrency
 * policies Forbid and Replace.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flowDoc, shTask } from '../support/documents.ts';
import { until } from '../support/processes.ts';
import { startRunService, type RunTestService } from '../support/run-service.ts';
import { tickRunId } from '../../src/app/scheduler.ts';

const prefix = `sched-${randomUUID().slice(0, 8)}`;
let a: RunTestService;
let b: RunTestService;
beforeAll(async () => {
  // Both look at the schedules every 50 ms, so they race for every tick.
  a = await startRunService({}, { scheduleIntervalMs: 50 }, prefix);
  b = await startRunService({}, { scheduleIntervalMs: 50 }, prefix);
});
afterAll(async () => {
  await a?.close();
  await b?.close();
});

const schedule = (name: string, spec: Record<string, unknown>) => ({ apiVersion: 'strata/v1', kind: 'Schedule', metadata: { name }, spec: { schedule: '* * * * * *', ...spec } });

async function runsOf(name: string): Promise<Array<{ id: string; status: string; origin: Record<string, string> }>> {
  const list = (await a.call('GET', `/v1/runs?flow=${name}&limit=1000`)).body.runs as Array<{ id: string }>;
  return Promise.all(list.map(async (r) => (await a.call('GET', `/v1/runs/${r.id}`)).body));
}

describe('schedules', () => {
  it('fire exactly one run per tick with two coordinators on one Redis', async () => {
    expect((await a.call('POST', '/v1/flows', flowDoc({ task: shTask('true') }, 'tick'))).status).toBe(201);
    const r = await a.call('POST', '/v1/schedules', schedule('every-second', { use: 'tick@1', with: { who: 'cron' }, labels: { via: 'schedule' } }));
    expect([r.status, r.body.outcome]).toEqual([201, 'created']);
    await until('five ticks', async () => (await runsOf('tick')).length >= 5, 60_000);
    expect((await b.call('DELETE', '/v1/schedules/every-second')).status).toBe(200);
    const runs = await runsOf('tick');
    const seconds = runs.map((x) => Date.parse(x.origin.tick) / 1000).sort((p, q) => p - q);
    // One run per tick, and no tick between the first and the last without its run.
    expect(new Set(seconds).size).toBe(seconds.length);
    expect(seconds[seconds.length - 1] - seconds[0]).toBe(seconds.length - 1);
    // Each run is named after its tick: whichever coordinator started it named it alike.
    for (const x of runs) expect(x.id).toBe(tickRunId('every-second', Date.parse(x.origin.tick)));
    for (const x of runs) expect(x.origin.schedule).toBe('every-second');
    const one = (await a.call('GET', `/v1/runs/${runs[0].id}`)).body;
    expect(one).toMatchObject({ name: 'tick', flow: 'tick@1', labels: { via: 'schedule' } });
    expect((await a.call('GET', `/v1/runs/${runs[0].id}/steps/main/logs`)).status).toBe(200);
  }, 120_000);

  it('Forbid skips a tick while the last run runs; Replace cancels it', async () => {
    await a.call('POST', '/v1/flows', flowDoc({ task: shTask('sleep 2.5') }, 'slow'));
    await a.call('POST', '/v1/schedules', schedule('forbid', { use: 'slow@1', concurrencyPolicy: 'Forbid' }));
    await until('two runs', async () => (await runsOf('slow')).length >= 2, 60_000);
    await a.call('DELETE', '/v1/schedules/forbid');
    const forbid = (await runsOf('slow')).sort((p, q) => (p.origin.tick < q.origin.tick ? -1 : 1)) as unknown as Array<{ id: string; createdAt: string; finishedAt: string | null }>;
    // Never two at once: each run started after the one before it had ended (the ticks between were skipped).
    for (let i = 1; i < forbid.length; i++) {
      expect(forbid[i - 1].finishedAt).not.toBeNull();
      expect(Date.parse(forbid[i].createdAt)).toBeGreaterThanOrEqual(Date.parse(forbid[i - 1].finishedAt!));
    }
    expect((await a.call('GET', '/v1/schedules')).body.schedules.map((x: { metadata: { name: string } }) => x.metadata.name)).not.toContain('forbid');

    await a.call('POST', '/v1/flows', flowDoc({ task: shTask('sleep 30') }, 'endless'));
    await a.call('POST', '/v1/schedules', schedule('replace', { use: 'endless@1', concurrencyPolicy: 'Replace' }));
    await until('three runs', async () => (await runsOf('endless')).length >= 3, 60_000);
    await a.call('DELETE', '/v1/schedules/replace');
    const replaced = (await runsOf('endless')).sort((p, q) => (p.origin.tick < q.origin.tick ? -1 : 1));
    await until('the older runs to be cancelled', async () => (await Promise.all(replaced.slice(0, -1).map(async (x) => (await a.call('GET', `/v1/runs/${x.id}`)).body.status))).every((s) => s === 'cancelled'));
    await a.call('POST', `/v1/runs/${replaced[replaced.length - 1].id}/cancel`);
  }, 120_000);

  it('fires no tick that passed while it was suspended, nor one of a new expression from before the edit (tester 14: each fired at once)', async () => {
    expect((await a.call('POST', '/v1/flows', flowDoc({ task: shTask('true') }, 'gap'))).status).toBe(201);
    const ticksOf = async (name: string) => (await runsOf('gap')).filter((x) => x.origin.schedule === name).map((x) => Date.parse(x.origin.tick));
    // One suspended after its first run, one whose yearly expression is edited to every second.
    expect((await a.call('POST', '/v1/schedules', schedule('gap-suspended', { use: 'gap@1' }))).status).toBe(201);
    expect((await a.call('POST', '/v1/schedules', schedule('gap-edited', { use: 'gap@1', schedule: '0 0 1 1 *' }))).status).toBe(201);
    await until('a first run', async () => (await ticksOf('gap-suspended')).length > 0, 30_000);
    expect((await a.call('POST', '/v1/schedules', schedule('gap-suspended', { use: 'gap@1', suspend: true }))).body.outcome).toBe('updated');
    const suspendedAt = Date.now();
    // Ticks of either pass meanwhile: wall-clock seconds, whatever the machine's speed.
    await new Promise((r) => setTimeout(r, 3500));
    const resumedAt = Date.now();
    for (const [name, spec] of [['gap-suspended', {}], ['gap-edited', {}]] as const) expect((await a.call('POST', '/v1/schedules', schedule(name, { use: 'gap@1', ...spec }))).body.outcome).toBe('updated');
    await until('a run of each after the change', async () => (await ticksOf('gap-suspended')).some((t) => t > resumedAt) && (await ticksOf('gap-edited')).length > 0, 30_000);
    for (const name of ['gap-suspended', 'gap-edited']) expect((await a.call('DELETE', `/v1/schedules/${name}`)).status).toBe(200);
    // Ticks before it was suspended, then only ticks after it was resumed: none of the seconds it slept through.
    expect({ slept: (await ticksOf('gap-suspended')).filter((t) => t > suspendedAt && t <= resumedAt) }).toEqual({ slept: [] });
    expect({ beforeEdit: (await ticksOf('gap-edited')).filter((t) => t <= resumedAt) }).toEqual({ beforeEdit: [] });
  }, 120_000);

  it('refuses a bad schedule with every problem named', async () => {
    const r = await a.call('POST', '/v1/schedules', schedule('bad', { schedule: 'every day', timeZone: 'Mars/Olympus', use: 'nope@1', concurrencyPolicy: 'Sometimes' }));
    expect(r.status).toBe(400);
    const paths = r.body.error.details.problems.map((p: { path: string }) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['spec.concurrencyPolicy']));
    const r2 = await a.call('POST', '/v1/schedules', schedule('bad', { schedule: 'every day', timeZone: 'Mars/Olympus', use: 'tick@1' }));
    expect(r2.body.error.details.problems.map((p: { path: string }) => p.path)).toEqual(['spec.schedule', 'spec.timeZone']);
    expect((await a.call('POST', '/v1/schedules', schedule('bad', { use: 'nope@1' }))).status).toBe(404);
    expect((await a.call('GET', '/v1/schedules/bad')).status).toBe(404);
  });

  it('refuses an unknown time zone beside a good cron expression, naming spec.timeZone (tester 14: a 500 from croner)', async () => {
    const r = await a.call('POST', '/v1/schedules', schedule('bad-zone', { schedule: '0 2 * * *', timeZone: 'Mars/Olympus', use: 'tick@1' }));
    expect(r.status).toBe(400);
    expect(r.body.error.details.problems).toEqual([{ path: 'spec.timeZone', message: '"Mars/Olympus" is not an IANA time zone' }]);
    expect((await a.call('GET', '/v1/schedules/bad-zone')).status).toBe(404);
  });

  it('stores a time zone written in other letter case as the IANA name (tester 16: europe/berlin was kept as written); an alias stays as written', async () => {
    const r = await a.call('POST', '/v1/schedules', schedule('lower-zone', { schedule: '0 2 * * *', timeZone: 'europe/berlin', use: 'tick@1' }));
    expect(r.status).toBe(201);
    expect((await a.call('GET', '/v1/schedules/lower-zone')).body.spec.timeZone).toBe('Europe/Berlin');
    expect((await a.call('POST', '/v1/schedules', schedule('alias-zone', { schedule: '0 2 * * *', timeZone: 'US/Pacific', use: 'tick@1' }))).status).toBe(201);
    expect((await a.call('GET', '/v1/schedules/alias-zone')).body.spec.timeZone).toBe('US/Pacific');
    for (const name of ['lower-zone', 'alias-zone']) expect((await a.call('DELETE', `/v1/schedules/${name}`)).status).toBe(200);
  });

  it('refuses a schedule whose every tick would be refused: a Dataset that is none, a flow missing a required parameter (tester 14)', async () => {
    const ds = await a.call('POST', '/v1/schedules', schedule('bad-dataset', { dataset: { kind: 'Dataset', spec: { shape: 'table' } } }));
    expect(ds.status).toBe(400);
    const paths = ds.body.error.details.problems.map((p: { path: string }) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['spec.dataset.apiVersion', 'spec.dataset.metadata']));
    // The entry flow of an Argo WorkflowTemplate whose argument `who` has no value: a run of it needs `who` (docs/argo.md).
    const annotations = { 'strata/argo-workflow-template': 'needs-who', 'strata/argo-required-parameters': 'who' };
    const flow = { apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'needs-who', version: '1', annotations }, spec: { params: { who: null }, root: { id: 'main', task: { image: 'strata/noop' } } } };
    expect((await a.call('POST', '/v1/flows', flow)).status).toBe(201);
    const use = 'needs-who@1';
    const r = await a.call('POST', '/v1/schedules', schedule('needs-who', { use }));
    expect(r.status).toBe(400);
    expect(r.body.error.details.problems).toEqual([{ path: 'spec.with', message: expect.stringMatching(/^spec\.arguments\.parameters\(who\): parameter "who" is required/) }]);
    expect((await a.call('GET', '/v1/schedules/needs-who')).status).toBe(404);
    expect((await a.call('POST', '/v1/schedules', schedule('needs-who', { use, with: { who: 'cron' }, suspend: true }))).status).toBe(201);
    expect((await a.call('DELETE', '/v1/schedules/needs-who')).status).toBe(200);
  });
});
