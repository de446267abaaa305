/**
 * json-logic that spends its budget at run time (the expression is cheap to look at, the
 * data makes it heavy) fails what it decides, with a sentence naming the budget: a guard's
 * step, a fan-out's list, a cycle's until, a use's with, a rule's when. Never a skip, never
 * "was false". Real HTTP, Redis, BullMQ and processes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flowDoc, shTask } from '../support/documents.ts';
import { startRunService, type RunTestService } from '../support/run-service.ts';

/** Doubles a string once per element: lengths sum to far past the budget for 2,000 elements. */
const heavy = (list: unknown) => ({ reduce: [list, { cat: [{ var: 'accumulator' }, { var: 'accumulator' }, 'x'] }, ''] });
const xs = Array.from({ length: 2000 }, (_, i) => i);
const task = (id: string) => ({ id, task: shTask('true') });

let svc: RunTestService;
beforeAll(async () => {
  svc = await startRunService();
});
afterAll(async () => svc?.close());

const runOf = (root: unknown, name: string) => svc.runToEnd({ flow: flowDoc(root, name), params: { xs } }, { timeoutMs: 20_000 });

describe('a json-logic budget spent at run time', () => {
  it('fails a guarded step (and its run), saying the budget was spent', async () => {
    const v = await runOf({ sequence: [{ ...task('a'), when: heavy({ var: 'params.xs' }) }, task('b')] }, 'budget-when');
    expect(v.status).toBe('failed');
    expect(v.steps.a.status).toBe('failed');
    expect(v.steps.a.error).toMatch(/budget/);
    expect(v.steps.a.error).not.toMatch(/was false/);
    expect(v.steps.b.status).toBe('skipped');
  });

  it('fails a guarded step whose jsonpath searches a large value again and again (the search was counted as one unit)', async () => {
    // 3,000 entries (9,000 keys and elements, under STRATA_MAX_PARAMS_KEYS), searched 15,000 times:
    // about 150 s of the coordinator's thread when each search cost one unit.
    const big = Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`k${i}`, { a: [i] }]));
    const when = { reduce: [{ range: [0, 15_000] }, { if: [{ jsonpath: [{ var: 'accumulator' }, '$..zz'] }, { var: 'accumulator' }, { var: 'accumulator' }] }, { var: 'params.big' }] };
    const v = await svc.runToEnd({ flow: flowDoc({ sequence: [{ ...task('a'), when }, task('b')] }, 'budget-jsonpath'), params: { big } }, { timeoutMs: 20_000 });
    expect(v.status).toBe('failed');
    expect(v.steps.a.error).toMatch(/json-logic used its budget of 1,000,000 operations and was stopped/);
    expect(v.steps.b.status).toBe('skipped');
  });

  it('fails a guarded step inside a pod (micro level)', async () => {
    const v = await runOf({ sequence: [{ id: 'p', pod: { flow: { sequence: [{ ...task('c'), when: heavy({ var: 'params.xs' }) }] } } }] }, 'budget-pod');
    expect(v.status).toBe('failed');
    expect(JSON.stringify(v.steps)).toMatch(/budget/);
    expect(v.steps['p/c']?.status ?? 'failed').not.toBe('skipped');
  });

  it('fails a fan-out whose over spends it', async () => {
    const v = await runOf({ sequence: [{ id: 'f', fanOut: { over: heavy({ var: 'params.xs' }), do: { task: shTask('true') } } }] }, 'budget-over');
    expect(v.status).toBe('failed');
    expect(v.steps.f.error).toMatch(/budget/);
  });

  it('fails a cycle whose until spends it', async () => {
    const v = await runOf({ sequence: [{ id: 'c', cycle: { ring: [task('r')], rounds: 3, until: heavy({ var: 'params.xs' }) } }] }, 'budget-until');
    expect(v.status).toBe('failed');
    expect(v.steps.c.error).toMatch(/budget/);
  });
});

describe('a rule whose when spends the budget on a Dataset', () => {
  const rule = { apiVersion: 'strata/v1', kind: 'Rule', metadata: { name: 'budget-rule' }, spec: { priority: 1000, when: heavy({ var: 'spec.partitions' }), emit: { generator: 'pipeline' } } };
  const ds = { apiVersion: 'strata/v1', kind: 'Dataset', metadata: { name: 'budget-ds' }, spec: { shape: 'table', partitions: xs } };

  it('refuses the ingest with 422 naming the rule and the budget, instead of trying the next rule', async () => {
    const put = await svc.call('POST', '/v1/rules', rule);
    expect(put.status, JSON.stringify(put.body)).toBe(201);
    const r = await svc.call('POST', '/v1/datasets', ds);
    expect(r.status, JSON.stringify(r.body).slice(0, 300)).toBe(422);
    expect(r.body.error.message).toContain('budget-rule');
    expect(r.body.error.message).toMatch(/budget/);
  });

  it('explain says the budget was spent, not that the rule was false', async () => {
    const r = await svc.call('POST', '/v1/rules/explain', ds);
    const t = r.body.rules?.find((x: { name: string }) => x.name === 'budget-rule') ?? r.body.error;
    expect(JSON.stringify(t)).toMatch(/budget/);
    expect(JSON.stringify(t)).not.toMatch(/was false/);
  });
});
