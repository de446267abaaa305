/**
 * Problems an Argo user met, said in Argo's words: the template, step and field of a bad
 * reference or expression, every bad reference of a string; a template that calls itself
 * reading the workflow's parameters; and unsupported fields given as empty lists accepted.
 */
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { importArgo } from '../../src/argo/import-argo.ts';
import { readArgoText } from '../../src/argo/lenient-yaml.ts';
import { importCommand } from '../../src/cli/import-command.ts';
import { argoFixtures } from '../support/documents.ts';

const FAULTS = argoFixtures('faults').dir;
const read = (name: string) => readArgoText(readFileSync(join(FAULTS, name), 'utf8'), name).map((doc) => ({ doc, source: name }));

describe('Argo import problems in Argo\'s words', () => {
  it('reports every bad reference of a string, with the template and field', () => {
    expect(() => importArgo(read('bad-refs.yaml'))).toThrow(
      /^template main, command\[1\]: \{\{inputs\.parameters\.nope\}\}: .*"nope"\ntemplate main, command\[1\]: \{\{workflow\.parametrs\.x\}\}: is not a variable .*\ntemplate main, command\[1\]: \{\{steps\.ghost\.outputs\.result\}\}: no step or task named "ghost"/,
    );
  });

  it('names the template, step and field of an expression that does not parse', () => {
    expect(() => importArgo(read('bad-expression.yaml'))).toThrow('template main, step a, when: expression "1 +": Expected expression after +');
  });

  it('names the task two tasks of a DAG are named alike (tester 14: "two tasks have one name")', () => {
    expect(() => importArgo(read('duplicate-task.yaml'))).toThrow(/^template main: two tasks are named "fetch"$/);
  });

  it('passes the workflow parameters a template that calls itself reads to each of its calls (N22)', () => {
    const { units, workflows } = importArgo(read('recursion-workflow-param.yaml'));
    const loop = units.find((u) => u.metadata.name === 'recursion-workflow-param.loop')!;
    expect(loop.spec.params).toEqual({ n: null, 'workflow:greeting': null });
    const again = (loop.spec.root.graph as { nodes: { again: { with: unknown } } }).nodes.again;
    expect(again.with).toEqual({ n: expect.anything(), 'workflow:greeting': { var: 'params.workflow:greeting' } });
    const first = (workflows[0].spec.root.graph as { nodes: { again: { with: unknown } } }).nodes.again;
    expect(first.with).toEqual({ n: expect.anything(), 'workflow:greeting': { var: 'params.greeting' } });
  });

  it('names a looped step\'s output parameter that comes from a step inside the looped template', () => {
    expect(() => importArgo(read('loop-inner-param.yaml'))).toThrow(/template main, step show, arguments\.parameters\(v\): \{\{steps\.each\.outputs\.parameters\.v\}\}: looped step each gives no output parameter "v" of its own/);
  });

  it.each([
    // Argo tester fault 20: the range's limit named, not json-logic's work budget.
    ['huge-sequence.yaml', 'template main, step a: withSequence gives 100000000 items, more than the 100000 one sequence may give'],
    ['unguarded-recursion.yaml', 'Workflow unguarded-, template loop, step again, template (a template calling itself) [spec.root.graph.nodes.again.use]: use cycle'],
  ])('strata import argo refuses %s as plan does, naming the Argo step', async (name, message) => {
    await expect(importCommand('argo', [join(FAULTS, name)], {})).rejects.toThrow(message);
  });

  it('accepts unsupported fields given as empty lists (volumeMounts: [], volumes: [])', async () => {
    const [flow] = importArgo(read('empty-lists.yaml')).workflows;
    expect(flow.spec.root).toMatchObject({ id: 'main', pod: expect.anything() });
  });
});
