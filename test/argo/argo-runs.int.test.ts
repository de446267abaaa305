/**
 * Each Argo fixture sent as it is (`POST /v1/runs` with the YAML body; WorkflowTemplates
 * registered first as `strata apply` does), run on the local runtime through real HTTP,
 * Redis, BullMQ and processes, and checked by its outputs and its order.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importArgo } from '../../src/argo/import-argo.ts';
import { readArgoText } from '../../src/argo/lenient-yaml.ts';
import type { RunView } from '../../src/run/run-view.ts';
import { podName } from '../../runtime/kubernetes/names.ts';
import { planCommand } from '../../src/cli/plan-command.ts';
import { runStrata } from '../support/processes.ts';
import { useTempDirs } from '../support/temp-dirs.ts';
import { cliEnv, useRunService } from '../support/use-run-service.ts';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'argo');
const EXAMPLES = join(import.meta.dirname, '..', '..', 'examples', 'argo');

// Argo images go through the image map like any flow's: one maps to a test program.
const images = join(useTempDirs('strata-argo-')(), 'images.json');
writeFileSync(images, JSON.stringify({ 'argo-tests/print-args': [process.execPath, join(import.meta.dirname, '..', 'fixtures', 'programs', 'print-args.mjs')] }));
const svc = useRunService({ STRATA_IMAGE_MAP: images });
const env = cliEnv(svc);

/** Registers the file's WorkflowTemplates (as apply does), then posts each Workflow document as it is. */
async function runFixture(name: string, which = 0, dir = FIXTURES): Promise<RunView> {
  const text = readFileSync(join(dir, name), 'utf8');
  const docs = readArgoText(text, name);
  for (const unit of importArgo(docs.map((doc) => ({ doc, source: name }))).units) {
    const r = await svc.call('POST', '/v1/flows', unit);
    expect([200, 201]).toContain(r.status);
  }
  const workflows = text.split(/\n---\n/).filter((t) => /kind:\s*Workflow\s*$/m.test(t));
  const r = await svc.call('POST', '/v1/runs', workflows[which] ?? text);
  expect(r.status, JSON.stringify(r.body)).toBe(202);
  return svc.waitRun(r.body.runId, 60_000);
}

const before = (run: RunView, a: string, b: string) => expect(Date.parse(run.steps[a].finishedAt!)).toBeLessThanOrEqual(Date.parse(run.steps[b].startedAt!));
const statuses = (run: RunView) => Object.fromEntries(Object.entries(run.steps).map(([k, v]) => [k, v.status]));

describe('Argo workflows run on the local runtime', () => {
  it('hello.yaml: one step, its standard output its result', async () => {
    const run = await runFixture('hello.yaml');
    expect(run.status).toBe('succeeded');
    expect(run.steps.main.result).toBe('hello from strata');
  });

  it('steps-params.yaml: first, then second and each loop item; parameters and a result passed on', async () => {
    const run = await runFixture('steps-params.yaml');
    expect(run.status).toBe('succeeded');
    expect(run.steps.first.result).toBe('hello');
    expect(run.steps.second.result).toBe('hello again');
    expect([run.steps['loop/0'].result, run.steps['loop/1'].result]).toEqual(['item a', 'item b']);
    expect(run.steps.fallback.result).toBe('by default');
    for (const s of ['second', 'loop/0', 'loop/1', 'fallback']) before(run, 'first', s);
  });

  it('dag.yaml: a before b and c; c fails, report runs on c.Failed; unused is not a target', async () => {
    const run = await runFixture('dag.yaml');
    expect(statuses(run)).toMatchObject({ a: 'succeeded', b: 'succeeded', c: 'failed', report: 'succeeded', unused: 'skipped' });
    expect(run.steps.b.result).toBe('b saw 3');
    before(run, 'a', 'b');
    before(run, 'b', 'report');
  });

  it('loops.yaml: withItems over objects, withParam over a result, withSequence counted and formatted', async () => {
    const run = await runFixture('loops.yaml');
    expect(run.status).toBe('succeeded');
    expect(run.steps.fruits.result).toEqual(['apple is red', 'lime is green']);
    expect(run.steps.each.result).toEqual(['got x', 'got y']);
    expect(run.steps.numbered.result).toEqual(['part 1', 'part 2', 'part 3']);
    expect(run.steps.formatted.result).toEqual(['file-01', 'file-02', 'file-03']);
    before(run, 'list', 'each/0');
  });

  it('script.yaml: the source runs from a file with its parameter substituted', async () => {
    const run = await runFixture('script.yaml');
    expect(run.steps.add.result).toBe(42);
    expect(run.steps.show.result).toBe('result=42');
  });

  it('artifacts.yaml: a file written at a private path reaches the next step at another path', async () => {
    const run = await runFixture('artifacts.yaml');
    expect(run.status).toBe('succeeded');
    expect(run.steps.read.result).toBe('payload\nbird');
    before(run, 'make/write', 'read');
  });

  it('failures.yaml: a retried step, a failure continued past, an exit handler that reads the status and duration', async () => {
    const run = await runFixture('failures.yaml');
    expect(run.status).toBe('succeeded');
    expect(run.steps.flaky).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(run.steps.broken.status).toBe('failed');
    expect(run.steps.after.status).toBe('succeeded');
    before(run, 'flaky', 'broken');
    before(run, 'broken', 'after');
    before(run, 'after', 'onExit/status');
    expect(run.steps['onExit/status'].result).toMatch(/^Succeeded in [0-9.]+s$/);
    expect(run.steps['onExit/alert'].status).toBe('skipped');
  });

  it('exit-failed.yaml: after a failure the exit handler runs and reads the status and the failures', async () => {
    const run = await runFixture('exit-failed.yaml');
    expect(run.status).toBe('failed');
    expect(run.steps.main.status).toBe('failed');
    // The root is one task, the step main: its exit handler is main/onExit.
    expect(run.steps['main/onExit/status'].result).toBe('Failed');
    expect(run.steps['main/onExit/failures'].result).toEqual([expect.objectContaining({ step: 'main', exitCode: 4 })]);
    // (main's finishedAt is set when its handler has ended too, so the order shows in what the handler read.)
  });

  it('container-set.yaml: prepare before main inside one pod; the result is main\'s', async () => {
    const run = await runFixture('container-set.yaml');
    expect(run.steps.show.result).toBe('done');
    before(run, 'pod/prepare', 'pod/main');
  });

  it('template-ref.yaml: a registered template used by templateRef, and a whole WorkflowTemplate by workflowTemplateRef', async () => {
    const uses = await runFixture('template-ref.yaml', 0);
    expect(uses.steps.echo.result).toBe('hello strata');
    const whole = await runFixture('template-ref.yaml', 1);
    expect(whole.steps.main.result).toBe('hello argo'); // a use as the root adds no segment, down to the template's task
  });

  it('expressions.yaml: a jsonpath condition decides which step runs', async () => {
    const run = await runFixture('expressions.yaml');
    expect(statuses(run)).toMatchObject({ info: 'succeeded', big: 'succeeded', small: 'skipped' });
    expect(run.steps.big.result).toBe('size 42');
  });

  it('parallelism.yaml: five loop items, never more than two running at once', async () => {
    const run = await runFixture('parallelism.yaml');
    expect(run.status).toBe('succeeded');
    expect(run.steps.work.result).toEqual([0, 1, 2, 3, 4]);
    const items = [0, 1, 2, 3, 4].map((i) => run.steps[`work/${i}`]);
    // At each item's start, count the items started and not yet finished (a finish at that same instant is before it).
    for (const a of items) {
      const at = Date.parse(a.startedAt!);
      const running = items.filter((b) => Date.parse(b.startedAt!) <= at && Date.parse(b.finishedAt!) > at);
      expect(running.length).toBeLessThanOrEqual(2);
    }
  });

  it('outputs-default.yaml: a written output parameter and a defaulted one, passed to a program the image map gives', async () => {
    const run = await runFixture('outputs-default.yaml');
    expect(run.status).toBe('succeeded');
    expect(run.steps.probe.parameters).toEqual({ found: 'yes', missing: 'none' });
    expect(run.steps.show.result).toBe('found=yes missing=none');
    before(run, 'probe', 'show');
  });

  it('variables.yaml: a step\'s status in when and arguments, the workflow\'s name and uid, the pod\'s name, a looped step\'s output parameters as a list', async () => {
    const run = await runFixture('variables.yaml');
    expect(run.status).toBe('succeeded');
    expect(statuses(run)).toMatchObject({ flaky: 'failed', report: 'succeeded', never: 'skipped' });
    expect(run.steps.sizes.parameters).toEqual({ len: ['1', '2', '3'] });
    expect(run.steps.report.result).toBe('flaky was Failed, sizes ["1","2","3"]');
    expect(run.steps.whoami.result).toBe(`workflow variables-${run.id} uid ${run.id}`);
    // The pod's name as the Kubernetes runtime names it: the run, the step, the attempt.
    expect(run.steps.pod.result).toBe(podName(run.id, 'pod', 1));
    before(run, 'flaky', 'report');
    before(run, 'sizes', 'report');
  });

  it('lenient.yaml: read as Argo reads it, both lines printed', async () => {
    const run = await runFixture('lenient.yaml');
    expect(run.steps.main.result).toBe('one\ntwo');
  });

  it('recursion.yaml: counts down 3, 2, 1 and stops', async () => {
    const run = await runFixture('recursion.yaml');
    expect([run.steps.say.result, run.steps['again/say'].result, run.steps['again/again/say'].result]).toEqual([3, 2, 1]);
    expect(run.steps['again/again/again'].status).toBe('skipped');
  });

  it('examples/argo: one command applies the example and follows it to its end', async () => {
    const r = await runStrata(['apply', 'examples/argo/hello-dag.yaml', '--watch'], env);
    expect(r.code, r.stderr).toBe(0);
    const id = /run (\S+) started for Argo Workflow hello-dag/.exec(r.stdout)![1];
    const run = await svc.waitRun(id);
    expect(run.steps.report.result).toBe('hello newcomer: 8 letters');
    before(run, 'greet', 'report');
    before(run, 'count', 'report');
  }, 120_000);

  it('examples/argo/squares.yaml: the numbers, each squared, then their sum from the loop\'s results', async () => {
    const run = await runFixture('squares.yaml', 0, EXAMPLES);
    expect(run.status).toBe('succeeded');
    expect(run.steps.numbers.result).toEqual([1, 2, 3, 4]);
    expect(run.steps.square.result).toEqual([1, 4, 9, 16]);
    expect(run.steps.total.result).toBe('sum of squares: 30');
    for (const i of [0, 1, 2, 3]) {
      before(run, 'numbers', `square/${i}`);
      before(run, `square/${i}`, 'total');
    }
  });

  it('examples/argo/exit-handler.yaml: retried until {{retries}} is 2, a failure gone on past, then the exit handler', async () => {
    const run = await runFixture('exit-handler.yaml', 0, EXAMPLES);
    expect(run.status).toBe('succeeded');
    expect(run.steps.fetch).toMatchObject({ status: 'succeeded', attempts: 3, result: '2 retries' });
    expect(run.steps.optional.status).toBe('failed');
    expect(run.steps.publish.result).toBe('published after 2 retries');
    before(run, 'fetch', 'publish');
    before(run, 'optional', 'publish');
    before(run, 'publish', 'onExit/status');
    expect(run.steps['onExit/status'].result).toMatch(/^workflow Succeeded in [0-9.]+ s$/);
  });

  it('strata apply -p gives the Workflow its parameters', async () => {
    const r = await runStrata(['apply', 'examples/argo/hello-dag.yaml', '-p', 'name=grace', '--watch'], env);
    expect(r.code, r.stderr).toBe(0);
    const run = await svc.waitRun(/run (\S+) started for Argo Workflow hello-dag/.exec(r.stdout)![1]);
    expect(run.steps.report.result).toBe('hello grace: 5 letters');
  }, 120_000);

  it('strata runs submit takes an Argo Workflow with -p, as argo submit does', async () => {
    const r = await runStrata(['runs', 'submit', 'examples/argo/hello-dag.yaml', '-p', 'name=ada', '--watch'], env);
    expect(r.code, r.stderr).toBe(0);
    const run = await svc.waitRun(/run (\S+) submitted/.exec(r.stdout)![1]);
    expect(run.steps.report.result).toBe('hello ada: 3 letters');
  }, 120_000);

  it('strata runs submit of a WorkflowTemplate runs its entrypoint with -p, as argo submit --from does', async () => {
    const r = await runStrata(['runs', 'submit', join(FIXTURES, 'submit-template.yaml'), '-p', 'word=yo', '--watch'], env);
    expect(r.code, r.stderr).toBe(0);
    const run = await svc.waitRun(/run (\S+) submitted/.exec(r.stdout)![1]);
    expect(run.steps.shout.result).toBe('YO');
    before(run, 'say', 'shout');
  }, 120_000);

  it('strata plan plans an Argo Workflow: the dry run\'s order follows its DAG', async () => {
    expect(JSON.parse(await planCommand(['examples/argo/hello-dag.yaml'], { dryRun: true }))).toEqual({ order: [['greet', 'count'], ['report']] });
    expect(JSON.parse(await planCommand([join(FIXTURES, 'template-ref.yaml')], { dryRun: true }))).toEqual({ order: [['hi/main'], ['echo']] });
  });
});
