/**
 * One rule per kind of answer across routes (issue 10's tester found them differing):
 * unknown flows are 404 everywhere, repeated query parameters, long ids, artifacts with
 * any file name, crons that cannot fire, flows in use by hooks and schedules, schedule
 * times in one format. Real HTTP, Redis, BullMQ and processes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flowDoc, shTask } from '../support/documents.ts';
import { startRunService, type RunTestService } from '../support/run-service.ts';

let svc: RunTestService;
beforeAll(async () => {
  svc = await startRunService();
});
afterAll(async () => svc?.close());

const using = (ref: string, name = 'uses-missing') => flowDoc({ sequence: [{ id: 'u', use: ref }] }, name);

describe('an unknown flow', () => {
  it('is 404 not_found naming it on every route that takes one', async () => {
    for (const [method, path, body] of [
      ['POST', '/v1/runs', { use: 'nosuch@1' }],
      ['POST', '/v1/runs', { flow: using('nosuch@1') }],
      ['POST', '/v1/plans', { use: 'nosuch@1' }],
      ['POST', '/v1/plans', using('nosuch@1')],
      ['POST', '/v1/flows', using('nosuch@1')],
      ['POST', '/v1/schedules', { apiVersion: 'strata/v1', kind: 'Schedule', metadata: { name: 'cs' }, spec: { schedule: '0 3 * * *', use: 'nosuch@1' } }],
      ['POST', '/v1/hooks', { apiVersion: 'strata/v1', kind: 'Hook', metadata: { name: 'ch' }, spec: { use: 'nosuch@1' } }],
    ] as Array<[string, string, unknown]>) {
      const r = await svc.call(method, path, body);
      expect(r.status, `${method} ${path} ${JSON.stringify(body)}: ${r.text.slice(0, 300)}`).toBe(404);
      expect(r.body.error.code).toBe('not_found');
      expect(r.body.error.message).toContain('nosuch@1');
    }
  });
});

describe('repeated query parameters', () => {
  it('status given twice lists runs of either status; any other parameter given twice is 400 naming it', async () => {
    const ok = await svc.call('POST', '/v1/runs', { flow: flowDoc({ sequence: [{ id: 'a', task: shTask('true') }] }, 'q-ok') });
    const bad = await svc.call('POST', '/v1/runs', { flow: flowDoc({ sequence: [{ id: 'a', task: shTask('exit 1') }] }, 'q-bad') });
    await svc.waitRun(ok.body.runId);
    await svc.waitRun(bad.body.runId);
    const ids = async (q: string) => (await svc.call('GET', `/v1/runs?${q}`)).body.runs.map((r: { id: string }) => r.id).sort();
    expect(await ids('status=failed&status=succeeded&limit=1000')).toEqual(expect.arrayContaining([ok.body.runId, bad.body.runId]));
    expect(await ids('status=failed&status=running&limit=1000')).toContain(bad.body.runId);
    expect(await ids('status=failed&status=running&limit=1000')).not.toContain(ok.body.runId);
    for (const q of ['/v1/runs?flow=q-ok&flow=q-bad', '/v1/runs?limit=1&limit=2', '/v1/plans?format=dot&format=json']) {
      const r = await svc.call(q.startsWith('/v1/plans') ? 'POST' : 'GET', q, q.startsWith('/v1/plans') ? flowDoc({ task: shTask('true') }) : undefined);
      expect(r.status, q).toBe(400);
      expect(r.body.error.message).toMatch(/given more than once/);
    }
  });
});

describe('a 300-character step id', () => {
  it('is answered with its length and the limit, in a document and in a path', async () => {
    const long = 'a'.repeat(300);
    const doc = await svc.call('POST', '/v1/runs', { flow: flowDoc({ sequence: [{ id: long, task: shTask('true') }] }, 'long-id') });
    expect(doc.status).toBe(400);
    expect(doc.body.error.message).toBe('spec.root.sequence[0].id: is 300 characters long; an id has at most 63');
    const run = await svc.call('POST', '/v1/runs', { flow: flowDoc({ sequence: [{ id: 'a', task: shTask('true') }] }, 'long-path') });
    const path = await svc.call('GET', `/v1/runs/${run.body.runId}/steps/${long}/logs`);
    expect(path.status).toBe(404);
    expect(path.body.error.message).toContain('is 300 characters long; a part of a step id has at most 128');
  });
});

describe('deleting a flow a schedule or a hook uses', () => {
  it('is 409 naming them, as for a flow another flow uses; allowed once they are gone', async () => {
    expect((await svc.call('POST', '/v1/flows', flowDoc({ task: shTask('true') }, 'held'))).status).toBe(201);
    expect((await svc.call('POST', '/v1/schedules', { apiVersion: 'strata/v1', kind: 'Schedule', metadata: { name: 'holds' }, spec: { schedule: '0 3 * * *', use: 'held@1' } })).status).toBe(201);
    expect((await svc.call('POST', '/v1/hooks', { apiVersion: 'strata/v1', kind: 'Hook', metadata: { name: 'holds-too' }, spec: { use: 'held@1' } })).status).toBe(201);
    for (const path of ['/v1/flows/held', '/v1/flows/held/1']) {
      const r = await svc.call('DELETE', path);
      expect(r.status, path).toBe(409);
      expect(r.body.error.message).toContain('schedule holds');
      expect(r.body.error.message).toContain('hook holds-too');
    }
    expect((await svc.call('GET', '/v1/flows/held/1')).status).toBe(200);
    expect((await svc.call('DELETE', '/v1/schedules/holds')).status).toBe(200);
    expect((await svc.call('DELETE', '/v1/hooks/holds-too')).status).toBe(200);
    expect((await svc.call('DELETE', '/v1/flows/held')).status).toBe(200);
  });
});

describe('artifacts of any name', () => {
  it('are listed and served when their names start with a dot or hold spaces; a 404 says what is missing', async () => {
    const r = await svc.call('POST', '/v1/runs', { flow: flowDoc({ sequence: [{ id: 'w', task: shTask('echo h > "$STRATA_OUTPUTS/.hidden"; echo s > "$STRATA_OUTPUTS/my file.txt"; echo p > "$STRATA_OUTPUTS/plain"') }] }, 'odd-names') });
    const id = r.body.runId as string;
    expect((await svc.waitRun(id)).status).toBe('succeeded');
    const listed = await svc.call('GET', `/v1/runs/${id}/steps/w/artifacts`);
    expect(listed.body.artifacts.map((a: { name: string }) => a.name)).toEqual(['.hidden', 'my file.txt', 'plain']);
    for (const [name, text] of [['.hidden', 'h\n'], ['my file.txt', 's\n']]) {
      const got = await fetch(`${svc.url}/v1/runs/${id}/steps/w/artifacts/${encodeURIComponent(name)}`);
      expect(got.status, name).toBe(200);
      expect(await got.text()).toBe(text);
      expect(got.headers.get('content-disposition')).toBe(`attachment; filename*=UTF-8''${encodeURIComponent(name)}`);
    }
    const missing = await svc.call('GET', `/v1/runs/${id}/steps/w/artifacts/nope`);
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toBe(`step "w" of run "${id}" has no output file named "nope" (GET .../artifacts lists them)`);
    expect((await svc.call('GET', `/v1/runs/${id}/steps/zz/artifacts/nope`)).body.error.message).toBe(`no step "zz" in run "${id}"`);
    expect((await svc.call('GET', '/v1/runs/rzzzzzzzzzz/steps/w/artifacts/nope')).body.error.message).toBe('no run "rzzzzzzzzzz"');
    expect((await svc.call('GET', '/v1/runs/rzzzzzzzzzz/steps/w/artifacts')).body.error.message).toBe('no run "rzzzzzzzzzz"');
    // The logs routes say the same: the run when it is not there (deleted while a page followed it), else the step.
    expect((await svc.call('GET', `/v1/runs/${id}/steps/zz/logs`)).body.error.message).toBe(`no logs for step "zz" of run "${id}"`);
    expect((await svc.call('GET', '/v1/runs/rzzzzzzzzzz/steps/w/logs')).body.error.message).toBe('no run "rzzzzzzzzzz"');
    expect((await svc.call('GET', `/v1/runs/${id}/logs?step=zz`)).body.error.message).toBe(`no step "zz" in run "${id}"`);
    expect((await svc.call('GET', '/v1/runs/rzzzzzzzzzz/logs?step=w')).body.error.message).toBe('no run "rzzzzzzzzzz"');
  });
});

describe('schedules', () => {
  const schedule = (name: string, cron: string) => ({ apiVersion: 'strata/v1', kind: 'Schedule', metadata: { name }, spec: { schedule: cron, use: 'sched-target@1' } });

  it('refuse a 7-field cron and a cron that never fires, with a sentence naming spec.schedule', async () => {
    expect((await svc.call('POST', '/v1/flows', flowDoc({ task: shTask('true') }, 'sched-target'))).status).toBe(201);
    for (const [cron, words] of [['0 0 3 * * * 2030', /has 7 fields; a cron expression has 5 .* or 6/], ['0 0 30 2 *', /never fires/], ['0 0 31 4 *', /never fires/]] as Array<[string, RegExp]>) {
      const r = await svc.call('POST', '/v1/schedules', schedule('bad-cron', cron));
      expect(r.status, cron).toBe(400);
      expect(r.body.error.message, cron).toMatch(/^spec\.schedule: /);
      expect(r.body.error.message, cron).toMatch(words);
    }
    expect((await svc.call('GET', '/v1/schedules/bad-cron')).status).toBe(404);
  });

  it('give every status time in ISO 8601 UTC', async () => {
    expect((await svc.call('POST', '/v1/schedules', schedule('every-second', '* * * * * *'))).status).toBe(201);
    const iso = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
    let status: Record<string, string> = {};
    for (let i = 0; i < 400 && !(status.lastTick && status.lastRunAt && status.nextRunAt); i++) {
      status = (await svc.call('GET', '/v1/schedules/every-second')).body.status;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(status.lastRunId).toMatch(/^r/);
    for (const k of ['lastTick', 'lastRunAt', 'nextRunAt']) expect(status[k], k).toMatch(iso);
    const listed = (await svc.call('GET', '/v1/schedules')).body.schedules.find((s: { metadata: { name: string } }) => s.metadata.name === 'every-second');
    for (const k of ['lastTick', 'lastRunAt']) expect(listed.status[k], k).toMatch(iso);
    expect((await svc.call('DELETE', '/v1/schedules/every-second')).status).toBe(200);
  });
});

describe('a rule that would use an unknown flow', () => {
  it('is refused at registration, 404 naming the flow and its place; registered once the flow is', async () => {
    const rule = (name: string, emit: unknown) => ({ apiVersion: 'strata/v1', kind: 'Rule', metadata: { name }, spec: { priority: 1, when: false, emit } });
    for (const [name, emit, path] of [
      ['uses-generated', { generator: 'pipeline', with: { operations: [{ use: 'later@1' }] } }, 'spec.emit.with.operations[0].use'],
      ['uses-literal', { sequence: [{ id: 'x', use: 'later@1' }] }, 'spec.emit.sequence[0].use'],
    ] as Array<[string, unknown, string]>) {
      const r = await svc.call('POST', '/v1/rules', rule(name, emit));
      expect(r.status, `${name}: ${r.text.slice(0, 300)}`).toBe(404);
      expect(r.body.error.message).toBe(`${path}: no registered flow "later@1"`);
      expect((await svc.call('GET', `/v1/rules/${name}`)).status).toBe(404);
    }
    expect((await svc.call('POST', '/v1/flows', flowDoc({ task: shTask('true') }, 'later'))).status).toBe(201);
    expect((await svc.call('POST', '/v1/rules', rule('uses-generated', { generator: 'pipeline', with: { operations: [{ use: 'later@1' }] } }))).status).toBe(201);
  });
});
