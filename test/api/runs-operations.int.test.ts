/**
 * Operating runs through real HTTP, Redis, BullMQ and processes: filters, labels and names,
 * pages, step records, artifacts, retry from the failure, resubmit, delete, retention.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flowDoc, shTask } from '../support/documents.ts';
import { until } from '../support/processes.ts';
import { startRunService, type RunTestService } from '../support/run-service.ts';
import { useTempDirs } from '../support/temp-dirs.ts';

const newTempDir = useTempDirs('retry-');

const sh = (id: string, script: string) => ({ id, task: shTask(script) });
const labelled = (root: unknown, name: string, labels: Record<string, string>) => ({ ...flowDoc(root, name), metadata: { name, version: '1', labels } });

let svc: RunTestService;
beforeAll(async () => {
  svc = await startRunService();
});
afterAll(async () => svc?.close());

async function run(body: unknown): Promise<string> {
  const r = await svc.call('POST', '/v1/runs', body);
  expect(r.status).toBe(202);
  return r.body.runId;
}

describe('runs list', () => {
  it('filters by status, flow, Dataset and label selector, pages with limit and cursor', async () => {
    const ok = await run({ flow: labelled({ sequence: [sh('a', 'true')] }, 'list-ok', { team: 'analytics' }), labels: { env: 'prod' } });
    const bad = await run({ flow: labelled({ sequence: [sh('a', 'exit 1')] }, 'list-bad', { team: 'finance' }) });
    await svc.waitRun(ok);
    await svc.waitRun(bad);
    const ids = async (q: string) => (await svc.call('GET', `/v1/runs?${q}`)).body.runs.map((r: { id: string }) => r.id);
    expect(await ids('status=failed&flow=list-bad')).toEqual([bad]);
    expect(await ids('status=succeeded&flow=list-bad')).toEqual([]);
    expect(await ids('selector=team%3Danalytics')).toEqual([ok]);
    expect(await ids('selector=team%3Danalytics,env%3Dprod')).toEqual([ok]);
    expect(await ids('selector=team%3Danalytics,env!%3Dprod')).toEqual([]);
    const one = (await svc.call('GET', `/v1/runs?flow=list-ok`)).body.runs[0];
    expect(one).toMatchObject({ id: ok, name: 'list-ok', flow: 'list-ok@1', status: 'succeeded', labels: { team: 'analytics', env: 'prod' } });

    const made: string[] = [];
    for (let i = 0; i < 5; i++) made.push(await run({ flow: flowDoc({ sequence: [sh('a', 'true')] }, 'paged') }));
    const seen: string[] = [];
    let cursor = '';
    for (let page = 0; page < 5; page++) {
      const r = await svc.call('GET', `/v1/runs?flow=paged&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...r.body.runs.map((x: { id: string }) => x.id));
      if (!r.body.next) break;
      cursor = r.body.next;
    }
    expect(seen).toEqual([...made].reverse());
    expect((await svc.call('GET', '/v1/runs?limit=0')).status).toBe(400);
    expect((await svc.call('GET', '/v1/runs?status=done')).body.error.message).toContain('status must be one of');
    expect((await svc.call('GET', '/v1/runs?cursor=zzz')).status).toBe(400);
  });

  it('names a { use } run after the used flow, with its labels; a Dataset run carries the Dataset\'s labels', async () => {
    expect((await svc.call('POST', '/v1/flows', labelled({ sequence: [sh('a', 'true')] }, 'unit', { tier: 'gold' }))).status).toBe(201);
    const id = await run({ use: 'unit@1', labels: { who: 'me' } });
    const v = await svc.waitRun(id);
    expect(v).toMatchObject({ name: 'unit', flow: 'unit@1', labels: { tier: 'gold', who: 'me' } });
    const ds = { apiVersion: 'strata/v1', kind: 'Dataset', metadata: { name: 'labelled-ds', labels: { team: 'analytics' } }, spec: { shape: 'table', partitions: [1] } };
    const r = await svc.call('POST', '/v1/datasets?run=true', ds);
    expect(r.status).toBe(202);
    await svc.waitRun(r.body.runId);
    const listed = (await svc.call('GET', '/v1/runs?dataset=labelled-ds')).body.runs;
    expect(listed).toEqual([expect.objectContaining({ id: r.body.runId, dataset: 'labelled-ds', name: 'labelled-ds-plan', labels: { team: 'analytics', 'strata.dev/dataset': 'labelled-ds', 'strata.dev/rule': 'builtin-partitioned' } })]);
    const got = await svc.call('GET', '/v1/datasets/labelled-ds');
    expect(got.body).toMatchObject({ dataset: { metadata: { name: 'labelled-ds' } }, flow: expect.stringMatching(/^labelled-ds-plan@/), runs: [expect.objectContaining({ id: r.body.runId })] });
    expect((await svc.call('GET', '/v1/datasets')).body.datasets).toContainEqual(expect.objectContaining({ name: 'labelled-ds', labels: { team: 'analytics' }, shape: 'table' }));
    expect((await svc.call('GET', '/v1/datasets/nope')).status).toBe(404);
  });
});

describe('step records and artifacts', () => {
  it('give exit code, duration, attempt, image and fan-out item; list and stream output files', async () => {
    const id = await run({ flow: flowDoc({ sequence: [
      { id: 'fan', fanOut: { over: ['x', 'y'], do: { task: { ...shTask('echo "item $STRATA_ITEM" > $STRATA_OUTPUTS/out.txt'), outputs: ['out.txt'] } } } },
      sh('bad', 'exit 3'),
    ] }) });
    const v = await svc.waitRun(id);
    expect(v.steps['fan/1']).toMatchObject({ status: 'succeeded', attempts: 1, exitCode: 0, image: 'alpine', item: 'y', durationMs: expect.any(Number) });
    expect(v.steps.bad).toMatchObject({ status: 'failed', exitCode: 3 });
    const list = await svc.call('GET', `/v1/runs/${id}/steps/fan/1/artifacts`);
    expect(list.body.artifacts).toEqual([expect.objectContaining({ name: 'out.txt', size: 9 })]);
    const file = await svc.call('GET', `/v1/runs/${id}/steps/fan/1/artifacts/out.txt`);
    expect(file.text).toBe('item "y"\n');
    expect((await svc.call('GET', `/v1/runs/${id}/steps/fan/1/artifacts/nope.txt`)).status).toBe(404);
    expect((await svc.call('GET', `/v1/runs/${id}/steps/nope/artifacts`)).status).toBe(404);
    expect((await svc.call('GET', `/v1/runs/${id}/steps/fan/1/artifacts/..`)).status).toBe(404);
  });
});

describe('retry, resubmit, delete', () => {
  it('retry goes on from the failure: succeeded steps do not run again', async () => {
    const dir = newTempDir();
    const id = await run({ flow: flowDoc({ sequence: [
      sh('a', `echo run >> ${dir}/a.count`),
      sh('b', `test -f ${dir}/fixed`),
      sh('c', `echo run >> ${dir}/c.count`),
    ] }) });
    const failed = await svc.waitRun(id);
    expect(failed.status).toBe('failed');
    expect((await svc.call('POST', `/v1/runs/${id}/retry`)).status).toBe(200);
    // The same failure again: b still fails, on attempt 2.
    const again = await svc.waitRun(id);
    expect(again).toMatchObject({ status: 'failed', retries: 1 });
    expect(again.steps.b.attempts).toBe(2);
    writeFileSync(join(dir, 'fixed'), '');
    expect((await svc.call('POST', `/v1/runs/${id}/retry`)).status).toBe(200);
    const done = await svc.waitRun(id);
    expect(done.status).toBe('succeeded');
    expect(done.steps.b).toMatchObject({ status: 'succeeded', attempts: 3 });
    expect(readFileSync(join(dir, 'a.count'), 'utf8')).toBe('run\n');
    expect(readFileSync(join(dir, 'c.count'), 'utf8')).toBe('run\n');
    // Its events from the start go past the failures to the last end.
    const events = await (await fetch(`${svc.url}/v1/runs/${id}/events`)).text();
    const runStates = [...events.matchAll(/^event: run\ndata: (.*)$/gm)].map((m) => JSON.parse(m[1]).status);
    expect(runStates).toEqual(['running', 'failed', 'running', 'failed', 'running', 'succeeded']);
    expect(events.trimEnd().endsWith(`event: end\ndata: {"runId":"${id}"}`)).toBe(true);
    const r = await svc.call('POST', `/v1/runs/${id}/retry`);
    expect(r.status).toBe(409);
    expect(r.body.error.message).toBe(`run ${id} is succeeded: only a failed or cancelled run can be retried`);
    expect((await svc.call('POST', '/v1/runs/nope/retry')).status).toBe(404);
  });

  it("a retried step reads the kept steps' results, output parameters and status (Argo tester 3, N20)", async () => {
    const dir = newTempDir();
    const a = { id: 'a', task: { image: 'alpine', command: ['sh', '-c', 'echo a-out; printf P > /tmp/p'], result: 'text', outputs: { parameters: { p: { path: '/tmp/p' } } } } };
    const b = { id: 'b', task: { image: 'alpine', command: ['sh', '-c', `test -f ${dir}/fixed || exit 1; echo "$0 $1 $2"`, '{{ steps.a.result }}', '{{ steps.a.outputs.parameters.p }}', '{{ steps.a.status }}'], result: 'text' } };
    const id = await run({ flow: flowDoc({ sequence: [a, b] }, 'retry-reads') });
    expect((await svc.waitRun(id)).status).toBe('failed');
    writeFileSync(join(dir, 'fixed'), '');
    expect((await svc.call('POST', `/v1/runs/${id}/retry`)).status).toBe(200);
    const done = await svc.waitRun(id);
    expect(done.status, JSON.stringify(done.steps)).toBe('succeeded');
    expect(done.steps.a).toMatchObject({ status: 'succeeded', attempts: 1, result: 'a-out' });
    expect(done.steps.b).toMatchObject({ status: 'succeeded', attempts: 2, result: 'a-out P succeeded' });
  });

  it('resubmit makes a new run of the same flow, params and labels; delete removes an ended run', async () => {
    const id = await run({ flow: { ...flowDoc({ sequence: [sh('a', 'echo "p=$STRATA_PARAMS"')] }, 'again'), spec: { params: { n: 1 }, root: { sequence: [sh('a', 'echo "p=$STRATA_PARAMS"')] } } }, params: { n: 2 }, labels: { k: 'v' } });
    await svc.waitRun(id);
    const r = await svc.call('POST', `/v1/runs/${id}/resubmit`);
    expect(r.status).toBe(202);
    const second = await svc.waitRun(r.body.runId);
    expect(second).toMatchObject({ status: 'succeeded', name: 'again', flow: 'again@1', labels: { k: 'v' }, origin: { resubmittedFrom: id } });
    expect((await svc.call('GET', `/v1/runs/${second.id}/steps/a/logs`)).text).toContain('"n":2');
    expect((await svc.call('DELETE', `/v1/runs/${id}`)).body).toEqual({ deleted: id });
    expect((await svc.call('GET', `/v1/runs/${id}`)).status).toBe(404);
    expect((await svc.call('GET', `/v1/runs/${id}/steps/a/logs`)).status).toBe(404);
    expect((await svc.call('GET', '/v1/runs?flow=again')).body.runs.map((x: { id: string }) => x.id)).toEqual([second.id]);
    expect((await svc.call('DELETE', `/v1/runs/${id}`)).status).toBe(404);
  });

  it('refuses to delete a run that is still going', async () => {
    const id = await run({ flow: flowDoc({ sequence: [sh('slow', 'sleep 30')] }) });
    await until('the step to run', async () => (await svc.call('GET', `/v1/runs/${id}`)).body.steps.slow.status === 'running');
    const r = await svc.call('DELETE', `/v1/runs/${id}`);
    expect(r.status).toBe(409);
    expect(r.body.error.message).toBe(`run ${id} is running: cancel it before deleting it`);
    await svc.call('POST', `/v1/runs/${id}/cancel`);
  });
});

describe('retention', () => {
  it('removes a run that ended longer ago than STRATA_RETENTION, with its logs and artifacts', async () => {
    const short = await startRunService({ STRATA_RETENTION: '1s' });
    try {
      const r = await short.call('POST', '/v1/runs', { flow: flowDoc({ sequence: [{ id: 'w', task: { ...shTask('echo hello; echo x > $STRATA_OUTPUTS/o'), outputs: ['o'] } }] }) });
      const id = r.body.runId as string;
      await short.waitRun(id);
      const dir = join(short.home, 'artifacts', id);
      expect(existsSync(join(dir, 'w', 'o'))).toBe(true);
      expect((await short.call('GET', `/v1/runs/${id}/steps/w/logs`)).text).toContain('hello');
      await until('the run to expire', async () => (await short.call('GET', `/v1/runs/${id}`)).status === 404, 20_000);
      expect((await short.call('GET', `/v1/runs/${id}/steps/w/logs`)).status).toBe(404);
      expect(existsSync(dir)).toBe(false);
      const { Redis } = await import('ioredis');
      const redis = new Redis(short.redis.url);
      expect(await redis.keys(`${short.prefix}:run:${id}*`)).toEqual([]);
      await redis.quit();
    } finally {
      await short.close();
    }
  });
});
