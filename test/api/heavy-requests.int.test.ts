/**
 * Issue 13, fault 6: work per request is bounded, not only bytes, and no request keeps
 * the process from answering others. Through real HTTP against the whole service
 * (coordinator and worker in the same process, as `strata up` runs them).
 *
 * "Answered meanwhile": /healthz is asked again and again while a heavy request is under
 * way; it must answer more than once before the heavy one settles. A counted answer, not a
 * timed one: with the work on the main thread, at most the first check (sent before the
 * work began) could answer before it, the others wait for the whole of the work.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapshot } from '../support/redis-snapshot.ts';
import { startRunService, type RunTestService } from '../support/run-service.ts';

const list = (n: number) => Array.from({ length: n }, (_, i) => i);
const nested = (a: unknown, b: unknown, c: unknown) => ({ some: [a, { some: [b, { some: [c, { '==': [{ var: '' }, -1] }] }] }] });
const rule = (name: string, when: unknown) => ({ apiVersion: 'strata/v1', kind: 'Rule', metadata: { name }, spec: { priority: 10, when, emit: { generator: 'pipeline' } } });
const dataset = (partitions: number) => ({ apiVersion: 'strata/v1', kind: 'Dataset', metadata: { name: 'heavy' }, spec: { shape: 'table', partitions: list(partitions) } });

/** A Flow whose tasks' args all alias one large list: ~1.3 MB of YAML, ~130 MB of data. */
function aliasedFlowYaml(): string {
  const arg = 'a'.repeat(65_000);
  const lines = ['apiVersion: strata/v1', 'kind: Flow', 'metadata: {name: aliased, version: "1"}', 'spec:', '  root:', '    sequence:'];
  lines.push('      - id: t0', '        task:', '          image: x', '          args: &big', ...Array.from({ length: 20 }, () => `            - "${arg}"`));
  for (let i = 1; i < 100; i++) lines.push(`      - {id: t${i}, task: {image: x, args: *big}}`);
  return lines.join('\n');
}

/**
 * Ask /healthz until `heavy` settles: how many answers came before it, and every status.
 * Without the worker threads a check waits for the whole of the work.
 */
async function healthWhile(url: string, heavy: Promise<unknown>): Promise<{ before: number; statuses: number[] }> {
  let settled = false;
  void heavy.finally(() => (settled = true)).catch(() => undefined);
  const statuses: number[] = [];
  let before = 0;
  while (!settled && statuses.length < 1000) {
    const r = await fetch(`${url}/healthz`);
    statuses.push(r.status);
    if (!settled) before++;
  }
  return { before, statuses };
}

let svc: RunTestService;
let hurried: RunTestService;
beforeAll(async () => {
  svc = await startRunService();
  // A short time limit per request, so that a heavy one is stopped soon.
  hurried = await startRunService({ STRATA_API_TASK_MS: '1000' });
});
afterAll(async () => {
  await svc?.close();
  await hurried?.close();
});

describe('heavy requests', () => {
  it('refuses a YAML document that aliases expand past the size limit, storing nothing', async () => {
    const client = svc.redis.connect();
    const before = await snapshot(client, svc.prefix);
    const text = aliasedFlowYaml();
    expect(Buffer.byteLength(text)).toBeLessThan(1_500_000);
    const r = await svc.call('POST', '/v1/flows', text, { 'content-type': 'application/yaml' });
    expect(r.status, r.text.slice(0, 300)).toBe(413);
    expect(r.body.error.message).toMatch(/once its YAML aliases are expanded/);
    expect(await snapshot(client, svc.prefix)).toEqual(before);
    client.disconnect();
  });

  it('refuses a rule whose when is too heavy whatever the data, naming the place', async () => {
    const r = await svc.call('POST', '/v1/rules', rule('bomb', { and: [true, nested(list(400), list(400), list(400))] }));
    expect(r.status).toBe(400);
    expect(r.body.error.message).toContain('spec.when.and[1]: json-logic would need about');
    expect((await svc.call('GET', '/v1/rules/bomb')).status).toBe(404);
  });

  it('stops at run time a stored rule that data makes heavy; the Dataset is still answered, the rule said why', async () => {
    // Light enough to register (its outer list comes from data), heavy for 400 partitions.
    expect((await svc.call('POST', '/v1/rules', rule('data-bomb', nested({ var: 'spec.partitions' }, list(300), list(300))))).status).toBe(201);
    const heavy = svc.call('POST', '/v1/rules/explain', dataset(400));
    const health = await healthWhile(svc.url, heavy);
    const r = await heavy;
    expect(r.status).toBe(200);
    const trace = r.body.rules.find((t: { name: string }) => t.name === 'data-bomb');
    expect(trace.matched).toBe(false);
    expect(trace.reason).toMatch(/json-logic used its budget of 1,000,000 operations and was stopped/);
    expect(health.statuses.every((s) => s === 200)).toBe(true);
    expect(health.before).toBeGreaterThanOrEqual(2);
    expect((await svc.call('DELETE', '/v1/rules/data-bomb')).status).toBe(200);
  });

  it.each([
    ['a 3.5 MB YAML list of numbers as a plan', '/v1/plans', () => list(400_000).map((i) => `- ${i}`).join('\n'), 'application/yaml'],
    // 400,000 steps, under the step limit (a plan past it is refused from its counts, at once): the dry run itself is the work, stopped at the time limit.
    ['a dry run of 400,000 steps', '/v1/plans?dryRun=true', () => JSON.stringify({ apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'wide', version: '1' }, spec: { root: { fanOut: { over: list(1000), do: { fanOut: { over: list(400), as: 'inner', do: { task: { image: 'x' } } } } } } } }), 'application/json'],
    ['a 30 MB JSON document', '/v1/flows', () => JSON.stringify({ apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'big', version: '1' }, spec: { root: { sequence: list(300_000).map((i) => ({ id: `s${i}`, task: { image: 'x', args: ['a'.repeat(60)] } })) } } }), 'application/json'],
  ])('answers /healthz while it works on %s, and answers that with a 4xx', async (_d, path, body, type) => {
    const text = body();
    const heavy = hurried.call('POST', path, text, { 'content-type': type });
    const health = await healthWhile(hurried.url, heavy);
    const r = await heavy;
    expect(r.status, r.text.slice(0, 300)).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
    // A probe sent while the work runs is answered before it ends (a blocked event loop would
    // answer it only after). Each body is work up to the 1 s time limit (the YAML list under
    // the size limit, the dry run under the step limit: past them, a body is refused from its
    // size or its counts at once, and a probe's round trip could outlast that: CI saw 0).
    expect(health.before).toBeGreaterThanOrEqual(1);
    expect(health.statuses.every((s) => s === 200)).toBe(true);
  });
});
