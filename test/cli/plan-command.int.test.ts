/**
 * `strata plan` as users run it: a real process (node bin/strata.js), its stdout,
 * stderr and exit code.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runStrata } from '../support/processes.ts';

const ROOT = join(import.meta.dirname, '../..');
const BAD = join(ROOT, 'test/fixtures/flows/bad');
const EXAMPLES = join(ROOT, 'examples/flows');

const strata = (...args: string[]) => runStrata(args);

describe('strata plan', () => {
  it('--dry-run prints exactly { "order": [...] }, one list of step ids per tick', async () => {
    const out = await strata('plan', join(EXAMPLES, 'graph-dependency.yaml'), '--dry-run');
    expect(out.code).toBe(0);
    expect(out.stderr).toBe('');
    expect(JSON.parse(out.stdout)).toEqual({ order: [['fetch-deps'], ['compile-core', 'compile-api'], ['compile-ui', 'test-core'], ['test-api'], ['package']] });
  });

  it('plans a flow that uses one from another file', async () => {
    const out = await strata('plan', join(EXAMPLES, 'use.yaml'), join(EXAMPLES, 'lib-clean-table.yaml'), '--dry-run');
    expect(JSON.parse(out.stdout)).toEqual({ order: [['orders/dedupe', 'customers/dedupe'], ['orders/check'], ['close']] });
  });

  it('plans the flow whose exit handler uses another, not the flow it uses (listed first)', async () => {
    const out = await strata('plan', join(ROOT, 'test/fixtures/flows/ok/exit-handler-use.yaml'), '--dry-run');
    expect(out.code).toBe(0);
    expect(out.stderr).toContain('planning flow exit-main@1 (the first Flow no other Flow in the files uses)');
    expect(JSON.parse(out.stdout)).toEqual({ order: [['work'], ['onExit/send']] });
  });

  const formats = [
    { format: 'json', check: (s: string) => expect(JSON.parse(s)).toMatchObject({ apiVersion: 'strata/v1', kind: 'Plan', metadata: { name: 'retail-hierarchy' } }) },
    { format: 'dot', check: (s: string) => expect(s).toMatch(/^digraph "retail-hierarchy" \{\n[\s\S]*\}\n$/) },
    { format: 'mermaid', check: (s: string) => expect(s).toMatch(/^flowchart TD\n[\s\S]*subgraph /) },
  ];
  for (const { format, check } of formats) {
    it(`--format ${format} prints the plan`, async () => {
      const out = await strata('plan', join(EXAMPLES, 'hierarchy.yaml'), '--format', format);
      expect(out.code).toBe(0);
      check(out.stdout);
    });
  }

  const bad = [
    { name: 'a dependency problem', file: 'self-dependency.yaml', code: 2, text: 'spec.root.graph.nodes.b.dependsOn[0]: "b" depends on itself' },
    { name: 'malformed YAML', file: 'malformed-yaml.yaml', code: 2, text: 'malformed-yaml.yaml: Flow sequence in block collection must be sufficiently indented and end with a ] at line 8, column 1' },
    { name: 'a use cycle', file: 'use-cycle.yaml', code: 2, text: 'use cycle a@1 -> b@2 -> a@1' },
    { name: 'wrong types', file: 'wrong-types.yaml', code: 2, text: 'spec.root.graph.nodes.a.task.image: must be text (with {{ references }}) or a json-logic expression giving it, not a number' },
    { name: 'a guard reading a misspelt step', file: 'unresolved-references.yaml', code: 2, text: 'spec.root.sequence[2].when: results.biuld: no step "biuld" (did you mean "build"?)' },
    { name: 'an input naming no step', file: 'unresolved-references.yaml', code: 2, text: 'spec.root.sequence[4].task.inputs.rows: input "extrct": no step "extrct"' },
    { name: 'an unknown pattern key, named', file: 'unknown-pattern.yaml', code: 2, text: 'spec.root.sequence[0].teleport: unknown key "teleport": a node needs exactly one of task, pod, sequence, graph, fanOut, fanIn, cycle, use, generate' },
    { name: 'a misspelt pattern key, with the nearest one', file: 'unknown-pattern.yaml', code: 2, text: 'spec.root.sequence[1].sequnce: unknown key "sequnce" (did you mean "sequence"?)' },
  ];
  for (const { name, file, code, text } of bad) {
    it(`a bad document (${name}) exits ${code} with the path on stderr and no stack trace`, async () => {
      const out = await strata('plan', join(BAD, file), '--dry-run');
      expect(out.code).toBe(code);
      expect(out.stdout).toBe('');
      expect(out.stderr).toMatch(/^strata: /);
      expect(out.stderr).toContain(text);
      expect(out.stderr).not.toMatch(/^\s+at /m);
      expect(out.stderr).not.toContain('.ts:');
    });
  }

  it('keeps versions as written: a Flow at version 1.10, unquoted, is used as lib@1.10, not stored as 1.1', async () => {
    const out = await strata('plan', join(ROOT, 'test/fixtures/flows/ok/unquoted-versions.yaml'));
    expect(out.stderr).toBe('strata: planning flow report@1.10 (the first Flow no other Flow in the files uses)\n');
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout).metadata).toMatchObject({ name: 'report', version: '1.10' });
    expect(JSON.parse(out.stdout).graph.nodes.find((n: { key: string }) => n.key === 'clean').attributes.ref).toBe('lib@1.10');
  });

  it('a Dataset whose levels find no operation names each level and where to give one', async () => {
    const out = await strata('plan', join(ROOT, 'test/fixtures/datasets/no-operations.yaml'));
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('rule family-tree: spec.levels[0] (patriarch): no operation for tree node adam and its level');
    expect(out.stderr).toContain('rule family-tree: spec.levels[1] (son): no operation for tree node cain and its level');
    expect(out.stderr).not.toContain('must be a task or a flow node');
  });

  it('--dry-run on data it cannot know ends at once, exit 0, with notes of what it could not know', async () => {
    const out = await strata('plan', join(ROOT, 'test/fixtures/flows/ok/unknowable.yaml'), '--dry-run');
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout)).toEqual({
      order: [['list'], ['fan/*'], ['refine/improve#0']],
      notes: [
        'fan: fanOut.over depends on step results, which a dry run does not know: simulated as one symbolic item, fan/*',
        'refine: cycle.until depends on step results, which a dry run does not know: one round simulated',
      ],
    });
  });

  it('--dry-run of a flow that fails on its own params prints the order so far and the error, and exits 1', async () => {
    const out = await strata('plan', join(ROOT, 'test/fixtures/flows/ok/fails-on-params.yaml'), '--dry-run');
    expect(out.code).toBe(1);
    expect(JSON.parse(out.stdout)).toEqual({ order: [['first']], status: 'failed', error: 'step fan failed: fanOut.over gave "eu,us", not a list' });
    expect(out.stderr).toBe('strata: the simulated run failed: step fan failed: fanOut.over gave "eu,us", not a list\n');
  });

  it('a file that is not there exits non-zero, naming it', async () => {
    const out = await strata('plan', 'no/such/flow.yaml');
    expect(out.code).not.toBe(0);
    expect(out.stderr).toBe('strata: no/such/flow.yaml: cannot read (ENOENT)\n');
  });

  it('an unknown format is refused', async () => {
    const out = await strata('plan', join(EXAMPLES, 'sequence.yaml'), '--format', 'svg');
    expect(out.code).toBe(2);
    expect(out.stderr).toBe('strata: --format must be json, dot or mermaid, not "svg"\n');
  });

  it('plans a Dataset through the built-in rules and the rules and flows in the files', async () => {
    const out = await strata('plan', 'examples/retail/dataset.yaml', 'examples/retail/rules.yaml', 'examples/retail/report-flow.yaml', '--dry-run');
    expect(out.code).toBe(0);
    const order = (JSON.parse(out.stdout) as { order: string[][] }).order.flat();
    expect(order).toContain('tree/us-west/sf'); // a pod's containers are its leaves in a dry run
    expect(order[order.length - 1]).toBe('report/publish');
  });
});
