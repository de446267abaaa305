/**
 * Issue 12: a templated retryStrategy.limit (`"{{inputs.parameters.n}}"`,
 * `"{{workflow.parameters.n}}"`: Argo's IntOrString, substituted when the node runs) is
 * resolved when the step starts, as S14 resolves a templated timeout; a value that is no
 * whole number fails the step, named. Through the real stack: `strata import argo`,
 * `strata apply` and `strata runs submit` as processes, POST /v1/runs, the local runtime; the
 * flow language's templated `retry.limit` and `retryWhole.limit` at both levels. Each attempt
 * marks a line in a folder of the test's; the lines are counted.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { LEVELS } from '../support/levels.ts';
import { runAtLevel } from '../support/level-runs.ts';
import { runStrata } from '../support/processes.ts';
import { cliEnv, stepStatuses, useRunService } from '../support/use-run-service.ts';
import { argoFixtures } from '../support/documents.ts';
import { linesIn, useTempDirs } from '../support/temp-dirs.ts';

const FIX = argoFixtures('retry-limit');
const file = (n: string) => join(FIX.dir, n);

const svc = useRunService();
const env = cliEnv(svc);
const tempDir = useTempDirs('retry-limit-');

describe('a templated retryStrategy.limit is resolved when the step starts', { timeout: 90_000 }, () => {
  it('strata import argo writes it as substitution of the flow\'s params (CLI)', async () => {
    const imp = await runStrata(['import', 'argo', file('template-limits.yaml')], env);
    expect(imp.code, imp.stderr).toBe(0);
    expect(imp.stdout).toContain('limit: "{{ params.n }}"');
    expect(imp.stdout).toContain('limit: "{{ params.bad }}"');
  });

  it('a container from a parameter and from an input, a steps template run again whole; a bad value fails its step named (HTTP)', async () => {
    const dir = tempDir();
    const r = await svc.runToEnd({ flow: parse(FIX.read('template-limits.yaml')), params: { dir } });
    expect(stepStatuses(r, ['global', 'input', 'group', 'bad']), JSON.stringify(r.steps).slice(0, 3000)).toEqual({ global: 'failed', input: 'failed', group: 'failed', bad: 'failed' });
    expect([linesIn(dir, 'global'), linesIn(dir, 'input'), linesIn(dir, 'group'), linesIn(dir, 'bad')]).toEqual([3, 3, 3, 0]);
    expect(r.steps.bad.error).toContain('limit: "{{ params.bad }}" is "many" once resolved, which is not a whole number');
    expect(r.steps.bad.exitCode).toBeUndefined();
    expect(r.status).toBe('succeeded');
  });

  it('spec.retryStrategy\'s templated limit, -p n=1 (CLI runs submit)', async () => {
    const dir = tempDir();
    const sub = await runStrata(['runs', 'submit', file('workflow-default.yaml'), '-p', `dir=${dir}`, '-p', 'n=1'], env);
    expect(sub.code, sub.stderr).toBe(0);
    const r = await svc.waitRun(/run (\S+) submitted/.exec(sub.stdout)![1], 60_000);
    expect(r.status).toBe('failed');
    expect(linesIn(dir, 'main')).toBe(2);
  });

  it('a WorkflowTemplate applied, run by runs submit --from with -p n=2 (CLI apply, runs submit)', async () => {
    const dir = tempDir();
    const app = await runStrata(['apply', file('wft-limit.yaml')], env);
    expect(app.code, app.stderr).toBe(0);
    const sub = await runStrata(['runs', 'submit', '--from', 'workflowtemplate/retry-limit-wft', '-p', `dir=${dir}`, '-p', 'n=2'], env);
    expect(sub.code, sub.stderr).toBe(0);
    const r = await svc.waitRun(/run (\S+) submitted/.exec(sub.stdout)![1], 60_000);
    expect(r.status).toBe('failed');
    expect(linesIn(dir, 'wft')).toBe(3);
  });

  it('a tag naming nothing the template has is refused naming retryStrategy.limit (HTTP 400, import exit 2)', async () => {
    const bad = FIX.read('template-limits.yaml').replace('limit: "{{workflow.parameters.bad}}"', 'limit: "{{workflow.parameters.nope}}"');
    const r = await svc.call('POST', '/v1/runs', { flow: parse(bad), params: { dir: tempDir() } });
    expect(r.status).toBe(400);
    expect(r.text).toContain('retryStrategy.limit');
    const path = join(tempDir(), 'bad.yaml');
    writeFileSync(path, FIX.read('workflow-default.yaml').replace('{{workflow.parameters.n}}', 'x{{workflow.parameters.n}}'));
    const imp = await runStrata(['import', 'argo', path], env);
    expect(imp.code).toBe(2);
    expect(imp.stderr).toContain('spec.retryStrategy.limit');
  });
});

describe.each(LEVELS)('the flow language\'s templated retry limit ($name)', (level) => {
  it('a task\'s retry.limit, a composite\'s retry (its leaves\' default) and retryWhole.limit resolve when they start; a bad value fails the step named', async () => {
    const dir = tempDir();
    const mark = (name: string) => ({ image: 'alpine', command: ['sh', '-c', `echo x >> ${dir}/${name}; exit 3`] });
    const root = {
      graph: {
        nodes: {
          own: { task: mark('own'), retry: { limit: '{{ params.n }}' }, continueOn: { failed: true } },
          given: { sequence: [{ id: 'in', task: mark('given') }], retry: { limit: '{{ params.n }}' }, continueOn: { failed: true } },
          whole: { sequence: [{ id: 'in', retries: 0, task: mark('whole') }], retryWhole: { limit: '{{ params.n }}' }, continueOn: { failed: true } },
          bad: { task: mark('bad'), retry: { limit: '{{ params.bad }}' }, continueOn: { failed: true, error: true } },
        },
      },
    };
    const { run, steps } = await runAtLevel(svc, level, root, { params: { n: '2', bad: '-1' }, timeoutMs: 60_000 });
    expect(stepStatuses({ steps }, ['own', 'given', 'whole', 'bad']), JSON.stringify(steps).slice(0, 3000)).toEqual({ own: 'failed', given: 'failed', whole: 'failed', bad: 'failed' });
    expect([linesIn(dir, 'own'), linesIn(dir, 'given'), linesIn(dir, 'whole'), linesIn(dir, 'bad')]).toEqual([3, 3, 3, 0]);
    expect(steps.bad.error).toContain('retry.limit: "{{ params.bad }}" is "-1" once resolved, which is not a whole number from 0 to 100');
    expect(run.status).toBe('succeeded');
  });

  it('a reference that cannot resolve is refused when the flow is planned, naming the limit (HTTP 400)', async () => {
    const flow = { apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'f', version: '1' }, spec: { root: level.wrap({ task: { image: 'alpine', command: ['true'] }, retry: { limit: '{{ params.nope }}' } }) } };
    const r = await svc.call('POST', '/v1/runs', { flow });
    expect(r.status).toBe(400);
    expect(r.text).toContain('param \\"nope\\" is not declared');
    expect(r.text).toContain('.retry.limit');
  });
});
