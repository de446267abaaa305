/**
 * Problems an Argo user met, said in Argo's words: the template, step and field of a bad
 * reference or expression, every bad reference of a string, the limitation inside a
 * template that calls itself; and unsupported fields given as empty lists accepted.
 */
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { importArgo } from '../../src/argo/import-argo.ts';
import { readArgoText } from '../../src/argo/lenient-yaml.ts';
import { importCommand } from '../../src/cli/import-command.ts';

const FAULTS = join(import.meta.dirname, '..', 'fixtures', 'argo', 'faults');
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

  it('says that workflow parameters are not read inside a template that calls itself', () => {
    expect(() => importArgo(read('recursion-workflow-param.yaml'))).toThrow(/step say, arguments\.parameters\(m\): \{\{workflow\.parameters\.greeting\}\}: workflow parameters are not read inside template loop, which calls itself/);
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
