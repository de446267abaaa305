/** The offline schema check itself: it passes what Kubernetes accepts and names what it would not. */
import { describe, expect, it } from 'vitest';
import { schemaProblems } from './support/k8s-schema.ts';

const pod = (container: Record<string, unknown>, spec: Record<string, unknown> = {}) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'busybox', ...container }], ...spec } });

describe('schema check', () => {
  it('passes a native sidecar', () => {
    expect(schemaProblems(pod({}, { initContainers: [{ name: 'side', image: 'x', restartPolicy: 'Always' }] }))).toEqual([]);
  });

  it.each([
    ['a misspelt field', pod({ restartPolcy: 'Always' }), /restartPolcy: no such field in V1Container/],
    ['a wrong type', pod({ resources: { limits: { cpu: { many: 1 } } } }), /limits\/cpu/],
    ['a missing required field', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ image: 'x' }] } }, /name/],
    ['an unknown kind', { apiVersion: 'v9', kind: 'Thing' }, /no schema known for v9\/Thing/],
  ])('names %s', (_d, obj, want) => {
    expect(schemaProblems(obj).join('\n')).toMatch(want);
  });
});
