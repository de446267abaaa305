/**
 * `strata plan` reads no registered flow: a `use` of a flow none of its files holds says so
 * and how to mend it, for a Flow and for a Dataset whose rule emits the use (exit 4). It had
 * said `no registered flow "clean-table@1"`, sending a newcomer to register a flow that
 * `strata plan` would not read all the same (tester 17). With the file given, the plan is made.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { runStrata } from '../support/processes.ts';
import { useTempDirs } from '../support/temp-dirs.ts';

const newTempDir = useTempDirs('strata-plan-units-');
const NOT_GIVEN = 'no flow "clean-table@1" among the files given (strata plan reads no registered flow: give the file that holds it)';

/** A Rule emitting a use of clean-table@1 for Datasets labelled t=units, and such a Dataset, as files. */
function ruleAndDataset(): [string, string] {
  const dir = newTempDir();
  const rule = { apiVersion: 'strata/v1', kind: 'Rule', metadata: { name: 'units' }, spec: { priority: 10, when: { '==': [{ var: 'metadata.labels.t' }, 'units'] }, emit: { use: 'clean-table@1', with: { table: 'orders' } } } };
  const dataset = { apiVersion: 'strata/v1', kind: 'Dataset', metadata: { name: 'units', labels: { t: 'units' } }, spec: { shape: 'table' } };
  writeFileSync(join(dir, 'rule.yaml'), stringify(rule));
  writeFileSync(join(dir, 'dataset.yaml'), stringify(dataset));
  return [join(dir, 'dataset.yaml'), join(dir, 'rule.yaml')];
}

describe('strata plan with a use of a flow not among its files', () => {
  it('a Flow: exit 4, each use named, saying the plan reads no registered flow', async () => {
    const r = await runStrata(['plan', 'examples/flows/use.yaml']);
    expect(r.code).toBe(4);
    expect(r.stderr).toBe(`strata: spec.root.graph.nodes.orders.use: ${NOT_GIVEN}\nspec.root.graph.nodes.customers.use: ${NOT_GIVEN}\n`);
    const given = await runStrata(['plan', 'examples/flows/use.yaml', 'examples/flows/lib-clean-table.yaml', '--dry-run']);
    expect(given.code, given.stderr).toBe(0);
    expect(JSON.parse(given.stdout).order).toContainEqual(['close']);
  });

  it('a Dataset whose rule emits the use: exit 4, saying so', async () => {
    const [dataset, rule] = ruleAndDataset();
    const r = await runStrata(['plan', dataset, rule]);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain(NOT_GIVEN);
    expect(r.stderr).not.toContain('no registered flow "');
    const given = await runStrata(['plan', dataset, rule, 'examples/flows/lib-clean-table.yaml', '--dry-run']);
    expect(given.code, given.stderr).toBe(0);
    expect(JSON.parse(given.stdout).order).toContainEqual(['dedupe']);
  });
});
