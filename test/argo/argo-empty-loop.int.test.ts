/**
 * A loop whose list is empty is Skipped in Argo, not Succeeded (Argo tester 6, Q2):
 * workflow/controller/dag.go executeDAGTask ("DAG task with empty withParams list should be
 * skipped": a Skipped node, "Skipped, empty params") and steps.go expandStepGroup; Argo's e2e
 * TestLoopEmptyParam asserts the phase. So `loop.Skipped` holds, `loop.Succeeded` does not, and
 * `{{steps.loop.status}}` is `Skipped`. A literal `withItems: []` is no loop in Argo
 * (ShouldExpand): the step runs once. strata's fan-out does the same with `empty: skipped`
 * (the importer writes it on every Argo loop); without it an empty fan-out succeeds with `[]`.
 * Through POST /v1/runs and `strata runs submit`, the local runtime, both levels.
 */
import { describe, expect, it } from 'vitest';
import { argoFixtures } from '../support/documents.ts';
import { LEVELS } from '../support/levels.ts';
import { runAtLevel } from '../support/level-runs.ts';
import { runStrata } from '../support/processes.ts';
import { cliEnv, useRunService } from '../support/use-run-service.ts';
import { join } from 'node:path';

const svc = useRunService();
const env = cliEnv(svc);
const { dir, read } = argoFixtures('empty-loop');

describe('an Argo loop over an empty list is Skipped (Q2)', () => {
  it('DAG: withParam [] and withSequence count 0 end skipped; .Skipped runs, .Succeeded does not, a bare depends runs', async () => {
    const r = await svc.runToEnd(read('dag.yaml'));
    expect(r.status, r.error ?? JSON.stringify(r.steps)).toBe('succeeded');
    expect(r.steps.loop).toMatchObject({ status: 'skipped' });
    expect(r.steps.loop.error).toMatch(/empty/);
    expect(r.steps.seq).toMatchObject({ status: 'skipped' });
    expect(r.steps['after-skipped']).toMatchObject({ status: 'succeeded', result: 'after-skipped ran' });
    expect(r.steps['seq-skipped']).toMatchObject({ status: 'succeeded', result: 'seq-skipped ran' });
    expect(r.steps['after-plain']).toMatchObject({ status: 'succeeded', result: 'after-plain ran' });
    expect(r.steps['after-succeeded'].status).toBe('skipped');
  });

  it('steps (strata runs submit): {{steps.loop.status}} is Skipped, in a when and in {{= }}; a literal empty withItems runs its step once', async () => {
    const sub = await runStrata(['runs', 'submit', join(dir, 'steps.yaml'), '--watch'], env);
    expect(sub.code, sub.stdout + sub.stderr).toBe(0);
    const id = /run (\S+) submitted/.exec(sub.stdout)?.[1];
    const r = await svc.waitRun(id!, 60_000);
    expect(r.status, JSON.stringify(r.steps)).toBe('succeeded');
    expect(r.steps.loop.status).toBe('skipped');
    expect(r.steps['nothing-to-do']).toMatchObject({ status: 'succeeded', result: 'nothing to do (loop Skipped)' });
    expect(r.steps['expr-skipped']).toMatchObject({ status: 'succeeded', result: 'expr saw Skipped' });
    expect(r.steps['did-work'].status).toBe('skipped');
    expect(r.steps.once).toMatchObject({ status: 'succeeded', result: 'once ran' });
  });
});

describe.each(LEVELS)('strata fanOut over an empty list, $name', (level) => {
  const echo = (text: string) => ({ task: { image: 'alpine', command: ['echo', text], result: 'stdout' } });
  const graph = (fan: Record<string, unknown>) => ({
    graph: {
      nodes: {
        loop: { fanOut: { over: { var: 'params.list' }, ...fan, do: echo('{{ item }}') } },
        'if-skipped': { dependsOn: [{ node: 'loop', on: 'skipped' }], ...echo('skipped branch') },
        'if-succeeded': { dependsOn: [{ node: 'loop', on: 'succeeded' }], ...echo('succeeded branch') },
        after: { dependsOn: ['loop'], ...echo('after ran') },
      },
    },
  });

  it('with empty: skipped it ends skipped, saying why: its skipped branch runs, a plain dependency runs', async () => {
    const { run, steps } = await runAtLevel(svc, level, graph({ empty: 'skipped' }), { params: { list: [] } });
    expect(run.status, run.error ?? JSON.stringify(run.steps)).toBe('succeeded');
    expect(steps.loop.status).toBe('skipped');
    expect(steps.loop.error).toMatch(/empty/);
    expect(steps['if-skipped']).toMatchObject({ status: 'succeeded', result: 'skipped branch' });
    expect(steps['if-succeeded'].status).toBe('skipped');
    expect(steps.after).toMatchObject({ status: 'succeeded', result: 'after ran' });
  });

  it('with empty: skipped over items it runs them and succeeds', async () => {
    const { run, steps } = await runAtLevel(svc, level, graph({ empty: 'skipped' }), { params: { list: ['x'] } });
    expect(run.status, run.error ?? JSON.stringify(run.steps)).toBe('succeeded');
    expect(steps.loop).toMatchObject({ status: 'succeeded', result: ['x'] });
    expect(steps['if-succeeded'].status).toBe('succeeded');
    expect(steps['if-skipped'].status).toBe('skipped');
  });

  it('without it (the default) an empty fan-out succeeds with [] (a fan-in over nothing reads an empty list)', async () => {
    const { run, steps } = await runAtLevel(svc, level, graph({}), { params: { list: [] } });
    expect(run.status, run.error ?? JSON.stringify(run.steps)).toBe('succeeded');
    expect(steps.loop).toMatchObject({ status: 'succeeded', result: [] });
    expect(steps['if-succeeded'].status).toBe('succeeded');
    expect(steps['if-skipped'].status).toBe('skipped');
  });
});
