/** Failures: retries, a failing step failing its run, cancel leaving no process behind. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alive, until } from '../support/processes.ts';
import { startRunService, type RunTestService } from '../support/run-service.ts';
import { flowDoc as flow, shTask as sh } from '../support/documents.ts';
import { useTempDirs } from '../support/temp-dirs.ts';

const newTempDir = useTempDirs('strata-fail-');

const dir = newTempDir();

let svc: RunTestService;
beforeAll(async () => {
  svc = await startRunService();
});
afterAll(async () => svc?.close());

describe('failures', () => {
  it('retries a failing step and succeeds on the third attempt', async () => {
    const counter = join(dir, 'tries');
    const script = `n=$(( $(cat ${counter} 2>/dev/null || echo 0) + 1 )); echo $n > ${counter}; [ $n -ge 3 ]`;
    const r = await svc.call('POST', '/v1/runs', { flow: flow({ sequence: [{ id: 'flaky', retries: 2, task: sh(script) }] }) });
    const run = await svc.waitRun(r.body.runId);
    expect(run.status).toBe('succeeded');
    expect(run.steps.flaky).toMatchObject({ attempts: 3, attempt: 3 }); // retries: the engine's attempt too
    expect(readFileSync(counter, 'utf8').trim()).toBe('3');
  });

  it('fails the run when a step fails after its retries, shows the error, starts nothing that depends on it', async () => {
    const nodes = { bad: { retries: 1, task: sh('echo boom >&2; exit 3') }, after: { dependsOn: ['bad'], task: sh('true') }, free: { task: sh('sleep 0.3') } };
    const r = await svc.call('POST', '/v1/runs', { flow: flow({ graph: { nodes } }) });
    const run = await svc.waitRun(r.body.runId);
    expect(run.status).toBe('failed');
    expect(run.steps.bad).toMatchObject({ status: 'failed', attempts: 2 });
    expect(run.steps.bad.error).toMatch(/exit|code 3/);
    // Never started, and said so with the reason (DESIGN.md section 3): not left pending.
    expect(run.steps.after).toMatchObject({ status: 'skipped', error: 'not started: step bad failed', attempts: 0 });
    expect(run.steps.free.status).toBe('succeeded'); // an independent branch already running finishes
    expect(run.error).toContain('bad');
    expect((await svc.call('GET', `/v1/runs/${run.id}/steps/bad/logs`)).text).toContain('boom');
  });

  it('cancels a run and leaves no process behind', async () => {
    const pids = join(dir, 'pids');
    const slow = (id: string) => ({ id, task: sh(`echo $$$$ >> ${pids}; sleep 30`) });
    const r = await svc.call('POST', '/v1/runs', { flow: flow({ fanOut: { over: [1, 2], do: slow('s') } }) });
    const list = await until('both steps to start', () => {
      try {
        const p = readFileSync(pids, 'utf8').trim().split('\n').map(Number);
        return p.length === 2 ? p : undefined;
      } catch {
        return undefined;
      }
    });
    expect(list.every(alive)).toBe(true);
    const c = await svc.call('POST', `/v1/runs/${r.body.runId}/cancel`);
    expect(c.status).toBe(200);
    expect(c.body.status).toBe('cancelled');
    await until('step processes to be gone', () => list.every((p) => !alive(p)), 10_000);
    const run = await svc.waitRun(r.body.runId);
    expect(run.status).toBe('cancelled');
    expect(run.steps['0'].status).toBe('cancelled');
    expect((await svc.call('POST', `/v1/runs/${r.body.runId}/cancel`)).status).toBe(409);
  });

  it('streams step events over SSE until the run ends', async () => {
    const r = await svc.call('POST', '/v1/runs', { flow: flow({ sequence: [{ id: 'a', task: sh('true') }, { id: 'b', task: sh('true') }] }) });
    const res = await fetch(`${svc.url}/v1/runs/${r.body.runId}/events`);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const text = await res.text(); // ends when the run ends
    const events = text.split('\n\n').filter((b) => b.includes('data: ')).map((b) => ({ event: /^event: (.*)$/m.exec(b)?.[1], data: JSON.parse(/^data: (.*)$/m.exec(b)![1]) }));
    const steps = events.filter((e) => e.event === 'step').map((e) => `${e.data.step}:${e.data.status}`);
    expect(steps).toEqual(['a:running', 'a:succeeded', 'b:running', 'b:succeeded']);
    expect(events.some((e) => e.event === 'run' && e.data.status === 'succeeded')).toBe(true);
    expect(events[events.length - 1].event).toBe('end');
    // A client that reconnects with Last-Event-ID gets only what came after.
    const resumed = await (await fetch(`${svc.url}/v1/runs/${r.body.runId}/events`, { headers: { 'last-event-id': '2' } })).text();
    const seqs = resumed.split('\n\n').filter((b) => b.includes('data: ') && !b.includes('event: end')).map((b) => JSON.parse(/^data: (.*)$/m.exec(b)![1]).seq as number);
    expect(seqs[0]).toBe(2);
    expect(seqs.length).toBe(events.filter((e) => e.event !== 'end').length - 2);
  });

  it('answers 404 for unknown runs and logs', async () => {
    expect((await svc.call('GET', '/v1/runs/nope')).status).toBe(404);
    expect((await svc.call('POST', '/v1/runs/nope/cancel')).status).toBe(404);
    expect((await svc.call('GET', '/v1/runs/nope/events')).status).toBe(404);
    expect((await svc.call('POST', '/v1/runs', { nothing: 1 })).status).toBe(400);
  });

  it('refuses a file:// cycle source outside STRATA_FILE_ROOTS', async () => {
    const { writeFileSync } = await import('node:fs');
    const src = join(dir, 'secret.jsonl');
    writeFileSync(src, '{"x":1}\n');
    const confined = await startRunService({ STRATA_FILE_ROOTS: newTempDir() });
    try {
      const r = await confined.call('POST', '/v1/runs', { flow: flow({ sequence: [{ id: 'ring', cycle: { ring: [{ id: 'm', task: sh('true') }], source: `file://${src}` } }] }) });
      const run = await confined.waitRun(r.body.runId);
      expect(run.status).toBe('failed');
      expect(run.steps.ring.error).toMatch(/outside the directories this service reads/);
      expect(run.steps['ring/m#0']).toBeUndefined();
    } finally {
      await confined.close();
    }
  });
});
