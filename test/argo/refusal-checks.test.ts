/**
 * The pure checks behind Argo tester 8's S3 and S6 refusals: problems said once, extended
 * resource names and quantities as Kubernetes takes them (and the pods they make, valid by
 * the Kubernetes schemas), `-p` names, YAML places, empty documents.
 */
import { describe, expect, it } from 'vitest';
import { addProblems, gathered } from '../../src/argo/argo-problems.ts';
import { importArgo } from '../../src/argo/import-argo.ts';
import { isExtendedResourceName } from '../../src/flow/resource-names.ts';
import { resourcesSchema } from '../../src/flow/task-schema.ts';
import { collectParam } from '../../src/cli/params.ts';
import { parseText, parseTextAll } from '../../src/flow/parse-text.ts';
import { readArgoText } from '../../src/argo/lenient-yaml.ts';
import { buildPod } from '../../runtime/kubernetes/pod-builder.ts';
import { schemaProblems } from '../deploy/support/k8s-schema.ts';
import { podOf, podRequest, sh } from '../runtime/kubernetes/support/flows.ts';

const OPTS = { namespace: 'strata', quarterbackImage: 'strata/quarterback:0.1.0', sharedClaim: 'strata-shared', sharedDir: '/var/lib/strata' };
const dirs = { shared: '/var/lib/strata' };
const messageOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('no error');
};

describe('gathered problems', () => {
  it('a problem said already (same place, same message) is not listed again; another message at the place is', () => {
    const g = gathered();
    addProblems(g, [{ path: 'template say, command[1]', message: 'x' }]);
    addProblems(g, [{ path: 'template say, command[1]', message: 'x' }, { path: 'template say, command[1]', message: 'y' }]);
    expect(g.list).toEqual([{ path: 'template say, command[1]', message: 'x' }, { path: 'template say, command[1]', message: 'y' }]);
    expect(g.more).toBe(0);
  });
});

describe('a step refused for its arguments', () => {
  it('has its template read with a stand-in for the refused value, which no check of the template refuses again (a path from it)', () => {
    const doc = {
      apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', metadata: { generateName: 'x-' },
      spec: {
        entrypoint: 'main',
        templates: [
          { name: 'main', steps: [[{ name: 'a', template: 'w', arguments: { parameters: [{ name: 'dir', value: '{{steps.nope.outputs.result}}' }] } }]] },
          { name: 'w', inputs: { parameters: [{ name: 'dir' }] }, container: { image: 'alpine', command: ['sh', '-c', 'echo {{inputs.parameters.typo}}'] }, outputs: { artifacts: [{ name: 'o', path: '{{inputs.parameters.dir}}/o' }] } },
        ],
      },
    };
    const e = (() => {
      try {
        importArgo([{ doc, source: 'x.yaml' }]);
      } catch (err) {
        return err as { details: { problems: Array<{ path: string; message: string }> } };
      }
      throw new Error('imported');
    })();
    expect(e.details.problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      'template main, step a, arguments.parameters(dir): {{steps.nope.outputs.result}}: no step or task named "nope" before this one in the template',
      'template w, command[2]: {{inputs.parameters.typo}}: template w has no input parameter "typo"',
    ]);
  });
});

describe('extended resources', () => {
  it('a name with a domain other than kubernetes.io is one, as Kubernetes\' IsExtendedResourceName', () => {
    for (const n of ['nvidia.com/gpu', 'example.com/dongle', 'amd.com/gpu', 'a.b-c.io/x_y.z']) expect(isExtendedResourceName(n), n).toBe(true);
    for (const n of ['gpu', 'cpu', 'kubernetes.io/batch', 'node.kubernetes.io/x', 'requests.nvidia.com/gpu', 'Nvidia.com/gpu', 'nvidia.com/', 'nvidia.com/-x', `nvidia.com/${'g'.repeat(64)}`]) expect(isExtendedResourceName(n), n).toBe(false);
  });

  it('a task\'s limits take them in whole units; a fraction and a name without a domain are refused with their rule', () => {
    expect(resourcesSchema.parse({ cpu: '100m', limits: { cpu: 1, 'nvidia.com/gpu': 2 } })).toEqual({ cpu: '100m', limits: { cpu: '1', 'nvidia.com/gpu': '2' } });
    const bad = resourcesSchema.safeParse({ limits: { 'nvidia.com/gpu': '0.5', gpu: 1, memory: 'lots' } });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['limits.nvidia.com/gpu', '"0.5" is not a whole number: Kubernetes counts an extended resource (a name with a domain, like nvidia.com/gpu) in whole units'],
      ['limits.gpu', 'unknown key "gpu" (a resource is cpu, memory, or an extended resource named with a domain, like nvidia.com/gpu)'],
      ['limits.memory', 'must be a quantity like 500m or 256Mi'],
    ]);
  });

  it('reach the pod\'s limits on the Kubernetes runtime, a task pod and a micro pod\'s slot, valid by the Kubernetes schemas', () => {
    const resources = { cpu: '500m', limits: { cpu: '1', 'nvidia.com/gpu': '1' } };
    const task = buildPod(podRequest(undefined, dirs, { kind: 'task', task: { image: 'cuda', command: ['train'], resources } }), OPTS) as { spec: { containers: Array<{ resources: unknown }> } };
    expect(schemaProblems(task)).toEqual([]);
    expect(task.spec.containers[0].resources).toEqual({ requests: { cpu: '500m' }, limits: { cpu: '1', 'nvidia.com/gpu': '1' } });
    const flow = { sequence: [{ id: 'a', task: { ...sh('train'), resources } }, { id: 'b', task: { ...sh('eval'), resources: { limits: { 'nvidia.com/gpu': '2' } } } }] };
    const micro = buildPod(podRequest(podOf(flow), dirs), OPTS) as { spec: { containers: Array<{ name: string; resources?: unknown }>; initContainers?: Array<{ name: string; resources?: unknown }> } };
    expect(schemaProblems(micro)).toEqual([]);
    const all = [...(micro.spec.initContainers ?? []), ...micro.spec.containers];
    expect(all.find((c) => c.name === 'a')?.resources).toEqual({ requests: { cpu: '500m' }, limits: { cpu: '1', 'nvidia.com/gpu': '1' } });
    expect(all.find((c) => c.name === 'b')?.resources).toEqual({ limits: { 'nvidia.com/gpu': '2' } });
  });
});

describe('-p names', () => {
  it('a name with a space, one too long, and no "=" are each said with their rule', () => {
    expect(collectParam('a=b c')).toEqual({ a: 'b c' });
    expect(messageOf(() => collectParam('a b=c'))).toBe('-p a b=c: "a b" is not a parameter name: letters, digits, "_", "." and "-", starting with a letter or "_" (a space is not allowed)');
    expect(messageOf(() => collectParam('1a=c'))).toBe('-p 1a=c: "1a" is not a parameter name: letters, digits, "_", "." and "-", starting with a letter or "_"');
    expect(messageOf(() => collectParam(`${'n'.repeat(129)}=c`))).toBe(`-p ${'n'.repeat(129)}=c: the parameter name has 129 characters, more than the 128 a name may have`);
    expect(messageOf(() => collectParam('=c'))).toBe('-p =c: give a parameter as key=value');
  });
});

describe('YAML places', () => {
  it('an alias to an anchor of an earlier document is said with its line and column', () => {
    const text = 'a: &x {b: 1}\n---\nc: *x\n';
    expect(messageOf(() => readArgoText(text, 'f'))).toBe('f[1]: alias *x at line 3, column 4 names no anchor set before it in its document (an anchor holds only in the document it is set in; documents are separated by ---)');
    expect(messageOf(() => parseTextAll(text, 'f'))).toContain('f[1]: alias *x at line 3, column 4 names no anchor');
  });

  it('a merge key given a scalar, or a list holding one, is said with the merge key\'s line and column', () => {
    expect(messageOf(() => parseText('s: &s hello\nm:\n  <<: *s\n  k: 1\n', 'f'))).toBe('f: the merge key << at line 3, column 3 is given a scalar (*s, "hello"); it merges a map or a list of maps');
    expect(messageOf(() => readArgoText('m:\n  <<: [{a: 1}, 2]\n', 'f'))).toBe('f: the merge key << at line 2, column 3 is given a list holding a scalar (2); it merges a map or a list of maps');
  });

  it('documents that are all empty are said to be empty; several in one body are counted', () => {
    expect(messageOf(() => parseText('---\n---\n', 'body'))).toBe('body: holds no document: 2 YAML documents, each empty');
    expect(messageOf(() => parseText('a: 1\n---\nb: 2\n', 'body'))).toBe('body: holds 2 YAML documents; a request body holds one');
    expect(parseText('a: 1\n', 'body')).toEqual({ a: 1 });
  });
});
