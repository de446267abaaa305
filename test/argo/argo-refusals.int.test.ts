/**
 * Argo tester 8, S3: a refused Argo document gets every problem at once, each once, each
 * said with its place; Kubernetes extended resources are taken as Kubernetes takes them.
 * Through the real stack: `strata import argo` and `strata apply` as processes, POST /v1/runs
 * on a real strata (Redis, coordinator, worker, the local runtime): 400 with nothing stored,
 * exit 2. S6's messages: argo-messages-8.int.test.ts.
 */
import { parse } from 'yaml';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runStrata } from '../support/processes.ts';
import { cliEnv, useRunService } from '../support/use-run-service.ts';
import { argoFixtures } from '../support/documents.ts';
import { argoRefused, said } from '../support/argo-refused.ts';

const svc = useRunService();
const env = cliEnv(svc);
const { dir, read } = argoFixtures('refusals');
const file = (n: string) => join(dir, n);
const refused = (name: string) => argoRefused(svc, file(name), read(name));

describe('S3: every problem at once, each once', () => {
  it('steps: bad references in steps a, b, c and in template say (called by all three) are four problems (CLI import argo, apply, HTTP)', async () => {
    const { stderr, problems } = await refused('every-problem.yaml');
    const want = [
      'template main, step a, arguments.parameters(m): {{steps.nope.outputs.result}}: no step or task named "nope" before this one in the template',
      'template main, step b, arguments.parameters(m): {{workflow.parameters.nomsg}}: the workflow has no parameter "nomsg" in spec.arguments.parameters',
      'template main, step c, arguments.parameters(m): {{steps.a.outputs.parameters.zz}}: step a has no output parameter "zz"',
      'template say, command[1]: {{inputs.parameters.other}}: template say has no input parameter "other"',
    ];
    expect(said(problems).sort()).toEqual([...want].sort());
    for (const w of want) expect(stderr.split(w).length - 1, w).toBe(1);
    const applied = await runStrata(['apply', file('every-problem.yaml')], env);
    expect(applied.code).toBe(2);
    for (const w of want) expect(applied.stderr.split(w).length - 1, w).toBe(1);
  });

  it('dag: a task refused for its arguments still gives its declared outputs to the tasks after it; a template called twice is said once (HTTP, CLI)', async () => {
    const { stderr, problems } = await refused('every-problem-dag.yaml');
    expect(said(problems).sort()).toEqual([
      'template gen, command[2]: {{inputs.parameters.typo}}: template gen has no input parameter "typo"',
      'template main, step a, arguments.parameters(m): {{tasks.nope.outputs.result}}: no step or task named "nope" before this one in the template',
      'template main, step c, arguments.parameters(v): {{tasks.a.outputs.parameters.zz}}: step a has no output parameter "zz"',
      'template show, command[1]: {{workflow.parameters.missing}}: the workflow has no parameter "missing" in spec.arguments.parameters',
    ]);
    expect(stderr.split('{{workflow.parameters.missing}}').length - 1).toBe(1);
  });

  it('withSequence with count and end is said beside {{item}} read inside the called template, each once, in words that say the rule', async () => {
    const { stderr, problems } = await refused('seq-both.yaml');
    expect(said(problems)).toContain('template main, step b: withSequence needs exactly one of count and end (Argo\'s withSequence counts from start either count items or up to end)');
    const item = problems.filter((p) => p.message.includes('{{item}}'));
    expect(item).toHaveLength(1);
    expect(item[0].path).toBe('template t, command[1]');
    expect(item[0].message).toBe('{{item}}: an item is read in the fields of the step that loops (withItems, withParam, withSequence: its arguments, when), not inside the template it calls; pass it in as an argument parameter ({name: x, value: "{{item}}"}) and read {{inputs.parameters.x}}');
    expect(problems).toHaveLength(2);
    expect(stderr).not.toContain('only a step with');
  });
});

describe('S3: Kubernetes extended resources (a domain-prefixed name) in a container\'s resources', () => {
  it('are mapped to the task\'s limits and the run succeeds on the local runtime (CLI import argo, HTTP)', async () => {
    const imp = await runStrata(['import', 'argo', file('extended-resources.yaml')]);
    expect(imp.code, imp.stderr).toBe(0);
    const flow = parse(imp.stdout) as { spec: { root: { graph: { nodes: Record<string, { task: { resources: unknown } }> } } } };
    expect(flow.spec.root.graph.nodes.train.task.resources).toEqual({ cpu: '100m', memory: '64Mi', limits: { cpu: '1', 'nvidia.com/gpu': '1', 'example.com/dongle': '2' } });
    const r = await svc.runToEnd(read('extended-resources.yaml'));
    expect(r.status, JSON.stringify(r.steps)).toBe('succeeded');
    expect(r.steps.train.result).toBe('trained');
  });

  it('one Kubernetes would refuse is refused with its rule: a fraction, a request without a limit; a name without a domain stays an unknown key; the rest of the document is read for its other problems', async () => {
    const { problems } = await refused('extended-resources-bad.yaml');
    const at = (t: string) => problems.filter((p) => p.path.includes(`(${t}).container.resources`));
    expect(at('half').map((p) => [p.path.replace(/^.*\.container/, 'container'), p.message])).toEqual([
      ['container.resources.limits.nvidia.com/gpu', '"0.5" is not a whole number: Kubernetes counts an extended resource (a name with a domain, like nvidia.com/gpu) in whole units'],
    ]);
    expect(at('unlimited').map((p) => [p.path.replace(/^.*\.container/, 'container'), p.message])).toEqual([
      ['container.resources.requests.nvidia.com/gpu', 'an extended resource is requested without a limit: Kubernetes needs its limit (its request is then the limit) and refuses the pod otherwise'],
    ]);
    expect(at('typo').map((p) => p.message)).toEqual(['unknown key "gpu" (a resource is cpu, memory, or an extended resource named with a domain, like nvidia.com/gpu)']);
    // Read on past them: a reference problem of the same document is said in the same answer.
    expect(said(problems)).toContain('template typo, command[1]: {{inputs.parameters.nope}}: template typo has no input parameter "nope"');
    expect(problems).toHaveLength(4);
  });
});
