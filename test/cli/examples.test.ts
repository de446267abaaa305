/**
 * Every flow in examples/flows plans in all three formats and dry-runs, with the other
 * example files as its registry (as `strata plan FILE OTHER...` takes them). The
 * expected orders double as a check that each example shows the pattern it is named for.
 * Running them for real against a service is examples-run.int.test.ts.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planCommand } from '../../src/cli/plan-command.ts';
import { ticks } from '../engine/drive.ts';
import { RunEngine } from '../../src/engine/engine.ts';
import { compileFlow } from '../../src/plan/compile.ts';
import { flowsOf, readDocuments } from '../../src/cli/local-flows.ts';

const DIR = join(import.meta.dirname, '../../examples/flows');
const files = readdirSync(DIR).filter((f) => f.endsWith('.yaml')).sort();
/** The example's own flow, planned with every other example file as its registry (--flow picks it among them). */
const plan = (file: string, opts: { format?: string; dryRun?: boolean }) => {
  const own = flowsOf(readDocuments([join(DIR, file)]))[0];
  return planCommand([join(DIR, file), ...files.filter((f) => f !== file).map((f) => join(DIR, f))], { ...opts, flow: `${own.metadata.name}@${own.metadata.version}` });
};

const expected: Record<string, string[][]> = {
  'sequence.yaml': [['fetch'], ['sort'], ['publish']],
  'graph-dfs.yaml': [['world'], ['eu'], ['fr'], ['de'], ['us'], ['ca'], ['ny']],
  'graph-bfs.yaml': [['world'], ['eu'], ['us'], ['fr'], ['de'], ['ca'], ['ny']],
  'graph-dependency.yaml': [['fetch-deps'], ['compile-core', 'compile-api'], ['compile-ui', 'test-core'], ['test-api'], ['package']],
  'fan-out-fan-in.yaml': [['per-region/0', 'per-region/1'], ['per-region/2', 'per-region/3'], ['total']],
  'cycle.yaml': [['seed'], ...[0, 1, 2, 3, 4].flatMap((r) => [[`refine/improve#${r}`], [`refine/score#${r}`]])],
  'cycle-stream.yaml': [0, 1, 2].flatMap((r) => [[`parse#${r}`], [`count#${r}`]]),
  'lib-clean-table.yaml': [['dedupe']],
  'use.yaml': [['orders/dedupe', 'customers/dedupe'], ['orders/check'], ['close']],
  'when.yaml': [['extract'], ['load/0'], ['notify']],
  'argo-grade.yaml': [['split/0', 'split/1', 'split/2'], ['report'], ['onExit']],
  // A pod is a composite in a dry run: its containers are the leaves (DESIGN.md section 3).
  'hierarchy.yaml': [['prepare'], ['eu/split', 'us/fetch'], ['eu/countries/0', 'eu/countries/1', 'us/states/0', 'us/states/1'], ['eu/countries/2', 'eu/countries/3'], ['eu/merge'], ['report']],
};

/** What a dry run says it could not know, per example (none for the others). */
const notes: Record<string, string[]> = {
  'cycle.yaml': ['refine: cycle.until depends on step results, which a dry run does not know: every round up to rounds simulated (until may end it sooner)'],
  // What would not run when every step succeeds is said, not left out (Argo tester fault 22).
  'argo-grade.yaml': [
    'unused: not run: not needed by the targets report, on-failure',
    'on-failure: would not run when every step succeeds: its condition on split, report does not hold (split succeeded, report succeeded)',
  ],
};

describe('examples/flows', () => {
  it('has an expected order for every example, and an example for every expected order', () => {
    expect(files).toEqual(Object.keys(expected).sort());
  });

  for (const file of files) {
    it(`${file} dry-runs in the order its pattern gives`, async () => {
      expect(JSON.parse(await plan(file, { dryRun: true }))).toEqual({ order: expected[file], ...(notes[file] ? { notes: notes[file] } : {}) });
    });

    it(`${file} plans as JSON, DOT and Mermaid`, async () => {
      expect(JSON.parse(await plan(file, { format: 'json' }))).toMatchObject({ kind: 'Plan' });
      expect(await plan(file, { format: 'dot' })).toMatch(/^digraph /);
      expect(await plan(file, { format: 'mermaid' })).toMatch(/^flowchart TD\n/);
    });
  }

  it('the hierarchy\'s eu pod holds a micro flow: a sequence with a fan-out of containers', async () => {
    const doc = JSON.parse(await plan('hierarchy.yaml', { format: 'json' }));
    const eu = doc.graph.nodes.find((n: { key: string }) => n.key === 'eu');
    expect(eu.attributes.kind).toBe('pod');
    expect(eu.attributes.plan.nodes.map((n: { key: string }) => n.key)).toEqual(['eu/split', 'eu/countries', 'eu/countries/*', 'eu/merge']);
  });

  it('the hierarchy\'s eu pod, run at micro level by the same engine, starts its containers in this order', async () => {
    const doc = JSON.parse(await plan('hierarchy.yaml', { format: 'json' }));
    const compiled = compileFlow(flowsOf(readDocuments([join(DIR, 'hierarchy.yaml')]))[0]);
    const pod = (compiled.root as unknown as { children: Array<{ seg: string; body: never }> }).children.find((c) => c.seg === 'eu')!;
    expect(ticks(new RunEngine(pod.body, { prefix: 'eu', params: doc.params }))).toEqual([
      ['eu/split'],
      ['eu/countries/0', 'eu/countries/1'],
      ['eu/countries/2', 'eu/countries/3'],
      ['eu/merge'],
    ]);
  });
});
