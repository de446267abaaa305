/**
 * Tester 13: a plan right at STRATA_MAX_RUN_STEPS was accepted (compile counts the steps, not
 * the run's root) and then failed its last step ("the run would make more than 10 steps"),
 * the engine counting its root activation, and each unit's root, as steps: ten steps run,
 * nine for real. Now the run counts what the plan counts (log version 4), at both levels.
 * Real HTTP, Redis, BullMQ, processes; the service runs with STRATA_MAX_RUN_STEPS=10.
 */
import { describe, expect, it } from 'vitest';
import { flowDoc, shTask } from '../support/documents.ts';
import { runStrata } from '../support/processes.ts';
import { useRunService } from '../support/use-run-service.ts';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { linesIn, useTempDirs } from '../support/temp-dirs.ts';

const svc = useRunService({ STRATA_MAX_RUN_STEPS: '10' });
const tempDir = useTempDirs('steps-at-limit-');
const tasks = (n: number, from = 0) => Array.from({ length: n }, (_, i) => ({ id: `t${i + from}`, task: shTask('true') }));

/** Run `flow` (and register `units` first); its status and how many of its steps succeeded. */
async function run(flow: unknown, units: unknown[] = []): Promise<string> {
  for (const u of units) expect((await svc.call('POST', '/v1/flows', u)).status).toBeLessThan(300);
  const r = await svc.call('POST', '/v1/runs', { flow });
  if (r.status !== 202) return `${r.status} ${r.body.error.message}`;
  const done = await svc.waitRun(r.body.runId);
  const steps = Object.values(done.steps as Record<string, { status: string }>);
  return `${done.status}: ${steps.filter((s) => s.status === 'succeeded').length}/${steps.length} succeeded${done.error ? ` (${done.error})` : ''}`;
}

describe('a plan right at STRATA_MAX_RUN_STEPS runs whole; one past it is refused', () => {
  it('a sequence of 10 tasks: succeeded, 10 of 10; of 11: refused 422', async () => {
    expect(await run(flowDoc({ sequence: tasks(10) }, 'at-limit-ten'))).toBe('succeeded: 10/10 succeeded');
    expect(await run(flowDoc({ sequence: tasks(11) }, 'at-limit-eleven'))).toMatch(/^422 the plan has 11 steps, more than the limit of 10/);
  });

  it('a use of a unit of 3 tasks beside 6 tasks (the use step, its 3, the 6): succeeded, 10 of 10', async () => {
    const unit = flowDoc({ sequence: tasks(3) }, 'at-limit-unit');
    expect(await run(flowDoc({ sequence: [{ id: 'u', use: 'at-limit-unit@1' }, ...tasks(6)] }, 'at-limit-use'), [unit])).toBe('succeeded: 10/10 succeeded');
  });

  it('a pod of 9 containers (the pod step and its 9): succeeded, 10 of 10', async () => {
    expect(await run(flowDoc({ id: 'p', pod: { flow: { sequence: tasks(9) } } }, 'at-limit-pod'))).toBe('succeeded: 10/10 succeeded');
  });

  it('strata plan --dry-run of 10 tasks with STRATA_MAX_RUN_STEPS=10: every step in the order, exit 0', async () => {
    const file = join(tempDir(), 'ten.json');
    writeFileSync(file, JSON.stringify(flowDoc({ sequence: tasks(10) }, 'at-limit-dry')));
    const r = await runStrata(['plan', file, '--dry-run'], { STRATA_MAX_RUN_STEPS: '10' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('["t9"]');
  });

  it('a fan-out of 3 pods of 4 containers (16 steps, the plan counting 6): failed at the limit, as the same without pods is; the containers count', async () => {
    const pods = { id: 'f', fanOut: { over: [1, 2, 3], do: { id: 'p', pod: { flow: { sequence: tasks(4) } } } } };
    const plain = { id: 'f', fanOut: { over: [1, 2, 3], do: { id: 'p', sequence: tasks(4) } } };
    for (const [name, root] of [['fan-pods', pods], ['fan-plain', plain]] as const) {
      const r = await svc.call('POST', '/v1/runs', { flow: flowDoc(root, name) });
      const done = await svc.waitRun(r.body.runId);
      expect([name, done.status, done.error]).toEqual([name, 'failed', expect.stringContaining('the run would make more than 10 steps, the limit (STRATA_MAX_RUN_STEPS)')]);
    }
  });

  // A fan-out inside a pod over a list known only when the pod runs (a parameter): the plan counts its body once, so the pod's start does too.
  it('6 tasks, then a pod fanning out over the 4 items a parameter lists (11 steps, the plan counting 8): failed at the limit inside the pod, 3 of its containers run (10 steps: the 6, the pod, failed at the limit, and its 3)', async () => {
    const dir = tempDir();
    const root = { sequence: [...tasks(6), { id: 'p', pod: { flow: podFan(dir) } }] };
    const r = await runMarked(dir, { ...flowDoc(root, 'six-then-pod-fan'), spec: { params: { ns: [1, 2, 3, 4] }, root } });
    expect(r).toEqual({ status: 'failed', error: expect.stringContaining('the run would make more than 10 steps, the limit (STRATA_MAX_RUN_STEPS)'), made: 9, ran: 3 });
  });

  it('6 tasks, then a pod cycling until round 19 (20 rounds, the plan counting 8): failed at the limit inside the pod, 3 rounds run', async () => {
    const dir = tempDir();
    const cycle = { id: 'c', cycle: { ring: [{ id: 't', task: { image: 'alpine', command: ['sh', '-c', `echo x >> ${dir}/ran`] } }], until: { '>=': [{ var: 'round' }, 19] } } };
    const r = await runMarked(dir, flowDoc({ sequence: [...tasks(6), { id: 'p', pod: { flow: cycle } }] }, 'six-then-pod-cycle'));
    expect(r).toEqual({ status: 'failed', error: expect.stringContaining('the run would make more than 10 steps, the limit (STRATA_MAX_RUN_STEPS)'), made: 9, ran: 3 });
  });

  it('a fan-out of 3 pods, one at a time, each fanning out over the 4 items a parameter lists (15 steps, the plan counting 6): failed at the limit, as the same without pods is; no more than 10 steps made nor containers run', async () => {
    const { status, error, made, ran } = await fanOfPodFans(1);
    expect([status, error]).toEqual(['failed', expect.stringContaining('the run would make more than 10 steps, the limit (STRATA_MAX_RUN_STEPS)')]);
    expect(made).toBeLessThanOrEqual(10);
    expect(ran).toBeLessThanOrEqual(10);
  });

  it('a pod fanning out over 4 items, then a fan-out of 5 tasks (11 steps: the pod, its 4, the fan-out, its 5; the plan counting 4): failed at the limit, and failed again at it when retried, the pod kept (its micro steps charged again, as a kept fan-out\'s items are counted again)', async () => {
    const dir = tempDir();
    const root = { sequence: [{ id: 'p', pod: { flow: podFan(dir) } }, { id: 'f', fanOut: { over: [1, 2, 3, 4, 5], do: { id: 't', task: shTask('true') } } }] };
    const r = await svc.call('POST', '/v1/runs', { flow: { ...flowDoc(root, 'pod-fan-then-fan'), spec: { params: { ns: [1, 2, 3, 4] }, root } } });
    expect(r.status, r.text).toBe(202);
    const first = await svc.waitRun(r.body.runId);
    expect([first.status, first.error]).toEqual(['failed', expect.stringContaining('the run would make more than 10 steps, the limit (STRATA_MAX_RUN_STEPS)')]);
    expect((await svc.call('POST', `/v1/runs/${r.body.runId}/retry`)).status).toBe(200);
    const again = await svc.waitRun(r.body.runId);
    // The pod's 4 containers ran once: kept by the retry, not run again.
    expect([again.status, again.retries, again.error, linesIn(dir, 'ran')]).toEqual(['failed', 1, expect.stringContaining('the run would make more than 10 steps, the limit (STRATA_MAX_RUN_STEPS)'), 4]);
  });

  // R3 (log version 8): pods running at once ask the run for their micro steps past their start's
  // count (docs/runs.md); here 3 pods start together, each within the limit alone. Before, each
  // counted on from the run's steps when it started and 12 containers ran. The 3 pods are 3 of
  // the run's 10 steps (the fan-out is the run's root), so 7 containers at most.
  it('a fan-out of 3 pods running at once, each fanning out over 4 items a parameter lists: failed at the limit, no more than 7 containers run (the 3 pods are steps too)', async () => {
    const { status, error, made, ran } = await fanOfPodFans(undefined);
    expect([status, error]).toEqual(['failed', expect.stringContaining('the run would make more than 10 steps, the limit (STRATA_MAX_RUN_STEPS)')]);
    expect(ran).toBeLessThanOrEqual(7);
    expect(made).toBeLessThanOrEqual(10);
  });

  it('a fan-out of 2 pods running at once, each fanning out over 4 items, right at the limit (2 pods, 8 containers): succeeded, every container run; the asks fail nothing', async () => {
    expect(await fanOfPodFans(undefined, [1, 2])).toEqual({ status: 'succeeded', made: 10, ran: 8 });
  });
});

/** A pod's flow: a fan-out over the items of parameter `ns`, each a container that marks file `ran` in `dir`. */
function podFan(dir: string) {
  return { id: 'g', fanOut: { over: { var: 'params.ns' }, as: 'n', do: { id: 't', task: { image: 'alpine', command: ['sh', '-c', `echo x >> ${dir}/ran`] } } } };
}

/**
 * Run `flow`, whose containers mark file `ran` in `dir`: its status and error, the steps it
 * made (started, the one the limit refused aside) and the containers that ran.
 */
async function runMarked(dir: string, flow: unknown): Promise<{ status: string; error?: string; made: number; ran: number }> {
  const r = await svc.call('POST', '/v1/runs', { flow });
  expect(r.status, r.text).toBe(202);
  const done = await svc.waitRun(r.body.runId);
  const steps = Object.values(done.steps as Record<string, { status: string; error?: string | null }>);
  const made = steps.filter((s) => !['pending', 'skipped', 'cancelled'].includes(s.status) && !s.error?.includes('(STRATA_MAX_RUN_STEPS)')).length;
  const ran = existsSync(join(dir, 'ran')) ? readFileSync(join(dir, 'ran'), 'utf8').split('\n').filter(Boolean).length : 0;
  return { status: done.status, error: done.error ?? undefined, made, ran };
}

/** A fan-out over `pods` (`concurrency` at once) of a pod fanning out over the 4 items of parameter `ns` (podFan): as runMarked says. */
async function fanOfPodFans(concurrency: number | undefined, pods = [1, 2, 3]): Promise<{ status: string; error?: string; made: number; ran: number }> {
  const dir = tempDir();
  const root = { id: 'f', fanOut: { over: pods, ...(concurrency ? { concurrency } : {}), do: { id: 'p', pod: { flow: podFan(dir) } } } };
  return runMarked(dir, { ...flowDoc(root, `fan-pods-fan-${concurrency ?? 'all'}-${pods.length}`), spec: { params: { ns: [1, 2, 3, 4] }, root } });
}
