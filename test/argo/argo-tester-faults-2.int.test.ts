/**
 * Faults an Argo user met in the second tester round (issue 12, /work/tools/reports
 * argo-tester.md): each Argo-style workflow of test/fixtures/argo/faults-2 sent as it is to
 * `POST /v1/runs` or through the `strata` CLI, run on the local runtime through real HTTP,
 * Redis, BullMQ and processes, and checked by its outputs, its order or its refusal.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunView } from '../../src/run/run-view.ts';
import { runStrata } from '../support/processes.ts';
import { cliEnv, useRunService } from '../support/use-run-service.ts';
import { argoFixtures } from '../support/documents.ts';
import { useTempDirs } from '../support/temp-dirs.ts';

const newTempDir = useTempDirs('strata-argo-faults-');

const FAULTS = argoFixtures('faults-2').dir;
const fixture = (name: string): string => join(FAULTS, name);
const read = (name: string): string => readFileSync(fixture(name), 'utf8');

const svc = useRunService();
const env = cliEnv(svc);
let tmp: string;
beforeAll(() => {
  tmp = newTempDir();
});

const post = (name: string): Promise<RunView> => svc.runToEnd(read(name));

/** A Workflow looping one echo over `n` items (withItems). */
function manyItems(n: number): Record<string, unknown> {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { name: `items-${n}` },
    spec: {
      entrypoint: 'main',
      templates: [
        { name: 'main', steps: [[{ name: 'each', template: 'echo', arguments: { parameters: [{ name: 'v', value: '{{item}}' }] }, withItems: Array.from({ length: n }, (_, i) => i) }]] },
        { name: 'echo', inputs: { parameters: [{ name: 'v' }] }, container: { image: 'alpine', command: ['echo', '{{inputs.parameters.v}}'] } },
      ],
    },
  };
}

describe('user-sized lists (fault 2): no call takes a list element per argument', { timeout: 120_000 }, () => {
  it('imports and plans a withItems of 200,000 items', async () => {
    const file = join(tmp, 'items-200000.json');
    writeFileSync(file, JSON.stringify(manyItems(200_000)));
    const imported = await runStrata(['import', 'argo', file, '-o', 'json'], {});
    expect(imported.code, imported.stderr).toBe(0);
    const flow = JSON.parse(imported.stdout) as { spec: { root: { graph: { nodes: { each: { fanOut: { over: number[] } } } } } } };
    expect(flow.spec.root.graph.nodes.each.fanOut.over.length).toBe(200_000);
    const plan = await runStrata(['plan', file, '--dry-run'], {});
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain('"each/199999"');
  }, 240_000);

  it('refuses a withItems of 600,000 items sent as JSON with the step limit named, as it does sent as YAML', async () => {
    const r = await svc.call('POST', '/v1/runs', manyItems(600_000));
    expect(r.status, JSON.stringify(r.body).slice(0, 500)).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
    expect(r.body.error.message).toMatch(/500000|500,000/);
  }, 240_000);
});

describe('deadlines (faults 5, 23)', { timeout: 120_000 }, () => {
  it('a step past its activeDeadlineSeconds failed, so continueOn.failed covers it and later steps run', async () => {
    const run = await post('deadline-continue.yaml');
    expect(run.steps.slow).toMatchObject({ status: 'failed', error: expect.stringContaining('timed out after 1s') });
    expect(run.steps.after.status).toBe('succeeded');
    expect(Date.parse(run.steps.slow.finishedAt!)).toBeLessThanOrEqual(Date.parse(run.steps.after.startedAt!));
    expect(run.status, run.error ?? '').toBe('succeeded');
  });

  it('the workflow\'s deadline says the run timed out', async () => {
    const run = await post('workflow-deadline.yaml');
    expect(run.status).toBe('failed');
    expect(run.error).toBe('the run timed out after 1s');
  });
});

describe('WorkflowTemplates run whole (faults 3, 8, 13)', { timeout: 120_000 }, () => {
  it('a WorkflowTemplate run from its entrypoint reads {{workflow.parameters.x}} and runs its exit handler with {{workflow.status}}', async () => {
    const run = await post('wt-exit-params.yaml');
    expect(run.status, run.error ?? '').toBe('succeeded');
    expect(run.steps.up.result).toBe('DEFAULT-SUBJECT');
    expect(run.steps.loud.result).toBe('DEFAULT-SUBJECT!');
    expect(run.steps.onExit.result).toBe('exit Succeeded for default-subject');
    expect(Date.parse(run.steps.loud.finishedAt!)).toBeLessThanOrEqual(Date.parse(run.steps.onExit.startedAt!));
  });

  it('a Workflow with workflowTemplateRef gives the template its argument and runs the template\'s exit handler', async () => {
    await post('wt-exit-params.yaml'); // registers the WorkflowTemplate
    const run = await post('wt-exit-params-ref.yaml');
    expect(run.status, run.error ?? '').toBe('succeeded');
    expect(run.steps.up.result).toBe('FROM-WORKFLOW');
    const exit = Object.keys(run.steps).find((s) => s.endsWith('onExit'));
    expect(exit && run.steps[exit].result).toBe('exit Succeeded for from-workflow');
  });

  it('a workflowTemplateRef to a WorkflowTemplate nobody registered is a 400 and exit 2 naming it', async () => {
    const r = await svc.call('POST', '/v1/runs', read('wfref-missing.yaml'));
    expect(r.status).toBe(400);
    expect(r.body.error.message).toContain('no WorkflowTemplate nosuch-lib is given or registered');
    for (const args of [['import', 'argo'], ['plan'], ['apply'], ['runs', 'submit']]) {
      const c = await runStrata([...args, fixture('wfref-missing.yaml')], env);
      expect(c.code, `${args.join(' ')}: ${c.stderr}`).toBe(2);
      // strata import argo and strata plan read no registered one: they say it is not among the documents (issue 12, a tester's pass).
      expect(c.stderr).toContain(args[0] === 'import' || args[0] === 'plan' ? 'no WorkflowTemplate nosuch-lib is among the documents given' : 'no WorkflowTemplate nosuch-lib is given or registered');
    }
  });
});

describe('values put into text (fault 7)', { timeout: 120_000 }, () => {
  it('a loop\'s list and a JSON object given in text to a templateRef template keep their JSON text, as to a local template', async () => {
    await post('text-lib.yaml'); // registers the WorkflowTemplate
    const run = await post('text-into-tref.yaml');
    expect(run.status, run.error ?? '').toBe('succeeded');
    expect(run.steps['list-local'].result).toBe('list=["a","b"]');
    expect(run.steps['list-ref'].result).toBe('list=["a","b"]!');
    // The object's text as the program wrote it (Argo's outputs.result, fault 11), not re-serialised.
    expect(run.steps['obj-ref'].result).toBe('obj={"k": [1, 2]}!');
  });

  it('refuses outputs.result of a templateRef to a steps template and of a looped steps template, naming the step', async () => {
    await post('text-lib.yaml');
    const viaRef = await svc.call('POST', '/v1/runs', read('result-of-steps-tref.yaml'));
    expect(viaRef.status).toBe(400);
    expect(viaRef.body.error.message).toContain('step show, arguments.parameters(text): {{steps.via-pipeline.outputs.result}}: step via-pipeline has no outputs.result');
    const looped = await svc.call('POST', '/v1/runs', read('result-of-looped-steps.yaml'));
    expect(looped.status).toBe(400);
    expect(looped.body.error.message).toContain('{{steps.loop.outputs.result}}: the items of step loop have no outputs.result');
    const c = await runStrata(['plan', fixture('result-of-looped-steps.yaml')], {});
    expect(c.code).toBe(2);
    expect(c.stderr).toContain('the items of step loop have no outputs.result');
  });
});

describe('clear answers for what strata does not take (faults 12, 17, 18, 20, 21)', { timeout: 120_000 }, () => {
  it('runs a Workflow with cluster housekeeping fields, naming them in the flow\'s annotation; value: ~ is no value', async () => {
    const run = await post('boilerplate.yaml');
    expect(run.status, run.error ?? '').toBe('succeeded');
    expect(run.steps.main.result).toBe('hi fallback');
    const imported = await runStrata(['import', 'argo', fixture('boilerplate.yaml'), '-o', 'json'], {});
    expect(imported.code, imported.stderr).toBe(0);
    expect(JSON.parse(imported.stdout).metadata.annotations['strata/argo-ignored']).toBe('accepted, no effect in strata: spec.ttlStrategy, spec.podGC, spec.workflowMetadata, spec.serviceAccountName, spec.templates[0](main).metadata');
  });

  it('refuses a CronWorkflow saying to use a Schedule, a million-item withSequence naming the limit, and a script past 65,536 characters naming script.source', async () => {
    const big = join(tmp, 'big-script.yaml');
    writeFileSync(big, read('boilerplate.yaml').replace('    container: {image: alpine, command: [echo, "hi {{inputs.parameters.nothing}}"]}', `    script:\n      image: alpine\n      command: [sh]\n      source: "echo ${'x'.repeat(65_537)}"`));
    const cases: Array<[string, string]> = [
      [fixture('cron-workflow.yaml'), 'kind: Argo kind CronWorkflow is not supported: apply its spec.workflowSpec as the spec of a WorkflowTemplate named nightly'],
      [fixture('sequence-million.yaml'), 'template main, step each: withSequence gives 1000000 items, more than the 100000 one sequence may give'],
      [big, 'template main, script.source: the script has 65542 characters, more than the 65536 a script may have'],
    ];
    for (const [file, message] of cases) {
      const r = await svc.call('POST', '/v1/runs', readFileSync(file, 'utf8'));
      expect(r.status, file).toBe(400);
      expect(r.body.error.message).toContain(message);
      const c = await runStrata(['plan', file], {});
      expect(c.code, file).toBe(2);
      expect(c.stderr).toContain(message);
    }
  });
});

describe('a CronWorkflow (tester 14: the refusal said to apply it as a Workflow, whose flow is not registered, so no Schedule could name it)', () => {
  it('is refused with advice that works as written: its workflowSpec as a WorkflowTemplate of its name, then a Schedule using its flow', async () => {
    const refused = await runStrata(['apply', fixture('cron-workflow.yaml')], env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('kind: Argo kind CronWorkflow is not supported: apply its spec.workflowSpec as the spec of a WorkflowTemplate named nightly (kind: WorkflowTemplate), which registers its flow nightly@argo-<digest> (strata flows get nightly), then a strata Schedule (docs/operating.md, Schedules) with use: nightly@argo-<digest> and schedule: "0 2 * * *"');
    // Followed to the letter.
    const cron = read('cron-workflow.yaml');
    const template = join(tmp, 'nightly-template.yaml');
    writeFileSync(template, cron.replace('kind: CronWorkflow', 'kind: WorkflowTemplate').replace(/\n {2}schedule: .*\n {2}workflowSpec:\n/, '\n').replace(/^ {4}/gm, '  '));
    const applied = await runStrata(['apply', template], env);
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    const version = (JSON.parse((await runStrata(['flows', 'get', 'nightly', '-o', 'json'], env)).stdout) as { latest: string }).latest;
    expect(version).toMatch(/^argo-[0-9a-f]{12}$/);
    const schedule = join(tmp, 'nightly-schedule.yaml');
    writeFileSync(schedule, `apiVersion: strata/v1\nkind: Schedule\nmetadata: { name: nightly }\nspec: { schedule: "0 2 * * *", use: nightly@${version} }\n`);
    const scheduled = await runStrata(['apply', schedule], env);
    expect([scheduled.code, scheduled.stdout, scheduled.stderr]).toEqual([0, 'schedule nightly created\n', '']);
    expect((await svc.call('DELETE', '/v1/schedules/nightly')).status).toBe(200);
  });
});

describe('templated file paths (fault 10)', { timeout: 120_000 }, () => {
  it('substitutes an input parameter in valueFrom.path and an output artifact\'s path', async () => {
    const run = await post('templated-path.yaml');
    expect(run.status, run.error ?? '').toBe('succeeded');
    expect(run.steps.r.result).toBe('written written');
  });

  it('refuses a path that depends on the run, naming the field (400, exit 2)', async () => {
    const message = 'template main, outputs.parameters(content).valueFrom.path: "/out/{{workflow.parameters.fname}}" depends on the run';
    const r = await svc.call('POST', '/v1/runs', read('run-time-path.yaml'));
    expect(r.status).toBe(400);
    expect(r.body.error.message).toContain(message);
    const c = await runStrata(['plan', fixture('run-time-path.yaml')], {});
    expect(c.code).toBe(2);
    expect(c.stderr).toContain(message);
  });
});

describe('DAG targets from parameters (fault 14)', { timeout: 120_000 }, () => {
  it('substitutes an input parameter in dag.target: only the target and what it needs run', async () => {
    const run = await post('dag-target.yaml');
    expect(run.status, run.error ?? '').toBe('succeeded');
    expect(Object.fromEntries(['A', 'B', 'C', 'D'].map((k) => [k, run.steps[`only-c/${k}`].status]))).toEqual({ A: 'succeeded', B: 'skipped', C: 'succeeded', D: 'skipped' });
    expect(Date.parse(run.steps['only-c/A'].finishedAt!)).toBeLessThanOrEqual(Date.parse(run.steps['only-c/C'].startedAt!));
  });

  it('substitutes a target from a workflow parameter when the run starts: its value, or -p', async () => {
    const run = await post('dag-target-param.yaml');
    expect(run.status, run.error ?? '').toBe('succeeded');
    expect(Object.fromEntries(['A', 'B', 'C', 'D'].map((k) => [k, run.steps[k].status]))).toEqual({ A: 'succeeded', B: 'skipped', C: 'succeeded', D: 'skipped' });
    const c = await runStrata(['runs', 'submit', fixture('dag-target-param.yaml'), '-p', 'target=B', '--watch'], env);
    expect(c.code, c.stderr).toBe(0);
    const id = /run (\S+) submitted/.exec(c.stdout)![1];
    const withP = await svc.waitRun(id, 90_000);
    expect(Object.fromEntries(['A', 'B', 'C', 'D'].map((k) => [k, withP.steps[k].status]))).toEqual({ A: 'succeeded', B: 'succeeded', C: 'skipped', D: 'skipped' });
    const dry = await runStrata(['plan', fixture('dag-target-param.yaml'), '--dry-run', '-p', 'target=D'], {});
    expect(dry.code, dry.stderr).toBe(0);
    expect(JSON.parse(dry.stdout).order).toEqual([['A'], ['B', 'C'], ['D']]);
  });

  it('a target from a workflow parameter that names no task fails the run, naming it', async () => {
    const c = await runStrata(['runs', 'submit', fixture('dag-target-param.yaml'), '-p', 'target=Z', '--watch'], env);
    const id = /run (\S+) submitted/.exec(c.stdout)![1];
    const run = await svc.waitRun(id, 90_000);
    expect(run.status).toBe('failed');
    expect(run.error).toContain('graph.targets: no node named "Z"');
    expect(Object.values(run.steps).every((s) => s.status !== 'succeeded')).toBe(true);
  });
});
