/**
 * `strata import argo` on Argo-style workflows written for these tests, one per construct
 * (test/fixtures/argo/*.yaml): each imports to the flow beside it (*.flow.yaml), read back
 * as data so the comparison is of documents, not of YAML layout. What strata cannot map is
 * refused naming the field and its template.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { importArgo } from '../../src/argo/import-argo.ts';
import { readArgoText } from '../../src/argo/lenient-yaml.ts';
import { importCommand } from '../../src/cli/import-command.ts';

const dir = join(import.meta.dirname, '..', 'fixtures', 'argo');
const fixtures = readdirSync(dir).filter((f) => f.endsWith('.yaml') && !f.endsWith('.flow.yaml'));
const read = (file: string) => readArgoText(readFileSync(file, 'utf8'), file).map((doc) => ({ doc, source: file }));

describe('strata import argo', () => {
  it.each(fixtures)('%s imports to the flows beside it', async (name) => {
    const printed = await importCommand('argo', [join(dir, name)], {});
    const expected = parseAllDocuments(readFileSync(join(dir, name.replace(/\.yaml$/, '.flow.yaml')), 'utf8')).map((d) => d.toJS());
    expect(parseAllDocuments(printed).map((d) => d.toJS())).toEqual(expected);
  });

  const examples = readdirSync(join(dir, '..', '..', '..', 'examples', 'argo')).filter((f) => f.endsWith('.yaml'));
  it.each(examples)('examples/argo/%s imports to the flow in test/fixtures/argo/examples', async (name) => {
    const printed = await importCommand('argo', [join('examples', 'argo', name)], {});
    const expected = parseAllDocuments(readFileSync(join(dir, 'examples', name.replace(/\.yaml$/, '.flow.yaml')), 'utf8')).map((d) => d.toJS());
    expect(parseAllDocuments(printed).map((d) => d.toJS())).toEqual(expected);
  });

  it('names steps after Argo step and task names', () => {
    const [flow] = importArgo(read(join(dir, 'dag.yaml'))).workflows;
    expect(Object.keys((flow.spec.root.graph as { nodes: object }).nodes)).toEqual(['a', 'b', 'c', 'report', 'unused']);
  });

  it('gives a WorkflowTemplate one version from its content, the same when imported again and new when edited', () => {
    const docs = read(join(dir, 'template-ref.yaml'));
    const again = importArgo(docs).units.map((u) => u.metadata.version);
    expect(importArgo(docs).units.map((u) => u.metadata.version)).toEqual(again);
    const edited = structuredClone(docs);
    (edited[0].doc as { spec: { templates: Array<{ container: { image: string } }> } }).spec.templates[0].container.image = 'alpine';
    expect(importArgo(edited).units[0].metadata.version).not.toBe(again[0]);
  });

  it('resolves a templateRef to a registered flow when the documents do not hold the WorkflowTemplate', () => {
    const [, uses] = read(join(dir, 'template-ref.yaml'));
    const registered = importArgo(read(join(dir, 'template-ref.yaml'))).units;
    const flow = importArgo([uses], (name) => registered.filter((f) => f.metadata.name === name)).workflows[0];
    expect((flow.spec.root.graph as { nodes: { hi: { use: string } } }).nodes.hi.use).toBe(`greetings.greet@${registered[0].metadata.version}`);
    expect(() => importArgo([uses])).toThrow(/templateRef greetings\/greet: no WorkflowTemplate greetings with template greet is given or registered/);
  });

  it.each([
    ['suspend.yaml', /bad\/suspend\.yaml: spec\.templates\[1\]\(wait\)\.suspend: Argo field "suspend" is not supported: strata has no suspend/],
    ['resource.yaml', /spec\.templates\[0\]\(make\)\.resource: Argo field "resource" is not supported/],
  ])('refuses %s naming the field and the template', (name, message) => {
    expect(() => importArgo(read(join(dir, 'bad', name)))).toThrow(message);
  });

  it.each([
    ['an unknown tag', { value: '{{workflow.creationTimestamp}}' }, /\{\{workflow\.creationTimestamp\}\}: is not a variable strata maps/],
    ['a parameter the template does not have', { value: '{{inputs.parameters.nope}}' }, /has no input parameter "nope"/],
    ['a step that does not exist', { value: '{{steps.nope.outputs.result}}' }, /no step or task named "nope"/],
    ['workflow.status outside the exit handler', { value: '{{workflow.status}}' }, /is known only in the exit handler/],
    ['the workflow\'s uid in a when', { when: '{{workflow.uid}} == x', value: 'x' }, /step s, when: workflow.name, workflow.uid and pod.name are given to a task's fields only, not to a condition/],
    ['a regular expression in an expression', { when: '{{item}} =~ a.*', value: 'x' }, /regular expression matching/],
    ['an unknown function', { value: '{{=sprig.upper("a")}}' }, /function sprig\.upper\(\) is not supported/],
    ['a ClusterWorkflowTemplate', { value: 'x', ref: true }, /clusterScope: ClusterWorkflowTemplates \(clusterScope: true\) are not supported/],
  ] as Array<[string, { value: string; when?: string; ref?: boolean }, RegExp]>)('refuses %s with a sentence', (_what, step, message) => {
    const doc = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Workflow',
      metadata: { name: 'w' },
      spec: {
        entrypoint: 'main',
        templates: [
          { name: 'main', steps: [[{ name: 's', ...(step.ref ? { templateRef: { name: 't', template: 'echo', clusterScope: true } } : { template: 'echo' }), withItems: [1], arguments: { parameters: [{ name: 'v', value: step.value }] }, ...(step.when ? { when: step.when } : {}) }]] },
          { name: 'echo', inputs: { parameters: [{ name: 'v' }] }, container: { image: 'busybox', command: ['echo', '{{inputs.parameters.v}}'] } },
        ],
      },
    };
    expect(() => importArgo([{ doc, source: 'w.yaml' }])).toThrow(message);
  });

  it('runs a template that calls itself as a unit that uses itself, registered with the workflow', () => {
    const { units, workflows } = importArgo(read(join(dir, 'recursion.yaml')));
    expect(units.map((u) => u.metadata.name)).toEqual(['countdown.countdown']);
    const again = (units[0].spec.root.graph as { nodes: { again: { use: string; when: unknown } } }).nodes.again;
    expect(again.use).toBe(`countdown.countdown@${units[0].metadata.version}`);
    // govaluate reads the parameter's text as a number, and the when must be a boolean (Argo tester 3, N1).
    expect(again.when).toEqual({ where: ['template countdown, step again, when "{{inputs.parameters.n}} > 1"', { boolean: { '>': [{ govaluate: { text: { var: 'params.n' } } }, 1] } }] });
    expect((workflows[0].spec.root.graph as { nodes: { again: { use: string } } }).nodes.again.use).toBe(again.use);
  });
});
