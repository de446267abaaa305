/**
 * A key of a map that strata refuses (a run's label, a Schedule's label, a task's environment
 * variable) is refused in the schema's own words, naming the
 * key's place (a label's in brackets, as its key may hold "." and "/": label-rule.int.test.ts): zod's "Invalid key in record" had stood for each (tester 17). Over HTTP (400,
 * nothing stored) and from the CLI (exit 2).
 */
import { describe, expect, it } from 'vitest';
import { flowDoc } from '../support/documents.ts';
import { runStrata } from '../support/processes.ts';
import { cliEnv, useRunService } from '../support/use-run-service.ts';

const svc = useRunService();
const LABEL = 'must be a label key: a name of at most 63 letters, digits, "-", "_" and ".", beginning and ending with a letter or digit, after an optional prefix and "/" (a DNS subdomain of at most 253 lower-case letters, digits, "-" and "."), as Kubernetes takes it';

describe('a refused key of a map, in its own words', () => {
  const cases: Array<{ name: string; path: string; body: () => unknown; problem: string }> = [
    { name: 'a run\'s label', path: '/v1/runs', body: () => ({ flow: flowDoc({ task: { image: 'x' } }, 'rk-run'), labels: { 'A B': 'c' } }), problem: `labels["A B"]: ${LABEL}` },
    {
      name: 'a Schedule\'s label',
      path: '/v1/schedules',
      body: () => ({ apiVersion: 'strata/v1', kind: 'Schedule', metadata: { name: 'rk-schedule' }, spec: { schedule: '0 2 * * *', use: 'rk-lib@1', labels: { 'team,x': 'a' } } }),
      problem: `spec.labels["team,x"]: ${LABEL}`,
    },
    { name: 'a task\'s environment variable', path: '/v1/flows', body: () => flowDoc({ task: { image: 'x', env: { '1BAD': 'v' } } }, 'rk-env'), problem: 'spec.root.task.env.1BAD: must be an environment variable name' },
  ];

  it.each(cases)('$name: 400 naming the key and the rule, nothing stored', async ({ path, body, problem }) => {
    const lib = await svc.call('POST', '/v1/flows', flowDoc({ task: { image: 'x' } }, 'rk-lib'));
    expect(lib.status).toBeLessThan(300);
    const before = await svc.call('GET', path === '/v1/runs' ? '/v1/runs?limit=1000' : path);
    const r = await svc.call('POST', path, body());
    expect(r.status).toBe(400);
    expect(r.body.error.details.problems.map((p: { path: string; message: string }) => `${p.path}: ${p.message}`)).toContain(problem);
    expect((await svc.call('GET', path === '/v1/runs' ? '/v1/runs?limit=1000' : path)).body).toEqual(before.body);
  });

  it('strata runs submit -l with a key that is none: exit 2, the key and the rule', async () => {
    await svc.call('POST', '/v1/flows', flowDoc({ task: { image: 'x' } }, 'rk-lib'));
    const r = await runStrata(['runs', 'submit', '--use', 'rk-lib@1', '-l', 'A B=c'], cliEnv(svc));
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`strata: labels["A B"]: ${LABEL}\n`);
  });
});
