/**
 * Argo tester 8, S14: a templated `activeDeadlineSeconds` or `timeout` (a template's, or the
 * workflow's) is resolved when the step or run starts, as Argo substitutes its IntOrString
 * field when it runs the node; a value that is no duration fails the step (or run), named.
 * Through the real stack: `strata import argo` and `strata runs submit` as processes, POST
 * /v1/runs, the local runtime; the flow language's templated `timeout` at both levels.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LEVELS } from '../support/levels.ts';
import { runAtLevel } from '../support/level-runs.ts';
import { runStrata } from '../support/processes.ts';
import { cliEnv, stepStatuses, useRunService } from '../support/use-run-service.ts';
import { argoFixtures } from '../support/documents.ts';

const DIR = argoFixtures('s14-deadline').dir;
const file = (n: string) => join(DIR, n);
const text = (n: string) => readFileSync(file(n), 'utf8');

const svc = useRunService();
const env = cliEnv(svc);

type Steps = Record<string, { status: string; result?: unknown; error?: string | null }>;

describe('S14: a templated template deadline is resolved when the step starts', () => {
  it('strata import argo writes it as substitution of the flow\'s params (CLI)', async () => {
    const imp = await runStrata(['import', 'argo', file('template-deadlines.yaml')], env);
    expect(imp.code, imp.stderr).toBe(0);
    expect(imp.stdout).toContain('timeout: "{{ params.t }}"');
    expect(imp.stdout).toContain('timeout: "{{ params.t }}s"');
  });

  it('a container and a steps template are stopped at the resolved deadline, a bad value fails its step named, a fast step runs (HTTP)', async () => {
    const r = await svc.runToEnd(text('template-deadlines.yaml'));
    const steps = r.steps as Steps;
    expect(stepStatuses({ steps: steps }, ['slow', 'slow-input', 'group', 'bad', 'fast'])).toEqual({ slow: 'failed', 'slow-input': 'failed', group: 'failed', bad: 'failed', fast: 'succeeded' });
    expect(steps.slow.error).toContain('timed out after 2s');
    expect(steps['slow-input'].error).toContain('timed out after 2s');
    expect(steps.group.error).toContain('timed out after 2s');
    expect(steps.bad.error).toContain('timeout: "{{ params.bad }}" is "soon" once resolved, which is not a number of seconds');
    expect(r.status).toBe('succeeded');
  });
});

describe('S14: a templated spec.activeDeadlineSeconds is the run\'s deadline, resolved when it starts', () => {
  it('the run stops at the parameter\'s seconds (CLI runs submit)', async () => {
    const sub = await runStrata(['runs', 'submit', file('workflow-deadline.yaml')], env);
    expect(sub.code, sub.stderr).toBe(0);
    const r = await svc.waitRun(/run (\S+) submitted/.exec(sub.stdout)![1], 60_000);
    expect(r.status).toBe('failed');
    expect(r.error).toContain('the run timed out after 2s');
  });

  it('-p d=soon fails the run naming spec.deadline and the value (CLI runs submit)', async () => {
    const sub = await runStrata(['runs', 'submit', file('workflow-deadline.yaml'), '-p', 'd=soon'], env);
    expect(sub.code, sub.stderr).toBe(0);
    const r = await svc.waitRun(/run (\S+) submitted/.exec(sub.stdout)![1], 60_000);
    expect(r.status).toBe('failed');
    expect(r.error).toContain('spec.deadline: "{{ params["d"] }}" is "soon" once resolved');
    expect(stepStatuses(r, ['long'])).toEqual({ long: 'skipped' });
  });

  it('a tag other than a workflow parameter is refused naming the field (HTTP 400)', async () => {
    const r = await svc.call('POST', '/v1/runs', text('workflow-deadline.yaml').replace('{{workflow.parameters.d}}', '{{workflow.parameters.nope}}'));
    expect(r.status).toBe(400);
    expect(r.body.error.details.problems[0].path).toContain('spec.activeDeadlineSeconds');
  });
});

describe.each(LEVELS)('the flow language\'s templated timeout ($name)', (level) => {
  it('a task and a composite are stopped at the resolved seconds, a value that is no duration fails the step named', async () => {
    const sleep = { image: 'alpine', command: ['sleep', '30'] };
    const root = {
      graph: {
        nodes: {
          slow: { task: sleep, timeout: '{{ params.t }}', continueOn: { failed: true } },
          box: { sequence: [{ id: 'in', task: sleep }], timeout: '{{ params.t }}', continueOn: { failed: true } },
          bad: { task: { image: 'alpine', command: ['true'] }, timeout: '{{ params.bad }}', continueOn: { failed: true, error: true } },
          ok: { task: { image: 'alpine', command: ['true'] }, timeout: '{{ params.t }}' },
        },
      },
    };
    const { run, steps } = await runAtLevel(svc, level, root, { params: { t: '1s', bad: 'later' } });
    expect(stepStatuses({ steps: steps as Steps }, ['slow', 'box', 'bad', 'ok']), JSON.stringify(steps)).toEqual({ slow: 'failed', box: 'failed', bad: 'failed', ok: 'succeeded' });
    expect(steps.slow.error).toContain('timed out after 1s');
    expect(steps.box.error).toContain('timed out after 1s');
    expect(steps.bad.error).toContain('timeout: "{{ params.bad }}" is "later" once resolved');
    expect(run.status).toBe('succeeded');
  });

  it('a reference that cannot resolve is refused when the flow is planned, naming the timeout (HTTP 400)', async () => {
    const flow = { apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'f', version: '1' }, spec: { root: level.wrap({ task: { image: 'alpine', command: ['true'] }, timeout: '{{ params.nope }}' }) } };
    const r = await svc.call('POST', '/v1/runs', { flow });
    expect(r.status).toBe(400);
    expect(r.text).toContain('param \\"nope\\" is not declared');
    expect(r.text).toContain('.timeout');
  });
});
