/**
 * Argo fields strata does not map are said as Argo fields (src/argo/argo-fields.ts), once,
 * naming their template (Argo tester 3, N12): never `unknown key`, which is for keys that
 * are no Argo field there (typos).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ARGO_FIELDS } from '../../src/argo/argo-fields.ts';
import { importArgo } from '../../src/argo/import-argo.ts';
import { readArgoText } from '../../src/argo/lenient-yaml.ts';
import type { StrataError } from '../../src/errors/strata-error.ts';
import { argoFixtures } from '../support/documents.ts';

const fixture = argoFixtures('tester-3/argo-fields.yaml').dir;
/** Every name docs/argo.md writes as code (`name`): the fields its mapping table maps and those it lists as accepted and ignored. */
const documented = new Set([...readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'argo.md'), 'utf8').replace(/```[\s\S]*?```/g, '').matchAll(/`([^`\n]+)`/g)].flatMap((m) => m[1].split(/[.\s,:(){}[\]]+/)));

/** The problems importing `doc` gives, as `path: message` lines (none when it imports). */
function problems(doc: unknown): string[] {
  try {
    importArgo([{ doc, source: '' }]);
    return [];
  } catch (e) {
    return ((e as StrataError).details?.problems ?? []).map((p) => `${p.path}: ${p.message}`);
  }
}

const base = () => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Workflow',
  metadata: { name: 'w' },
  spec: {
    entrypoint: 'main',
    templates: [
      { name: 'main', steps: [[{ name: 's', template: 'pod' }]] },
      { name: 'pod', container: { image: 'alpine', command: ['echo', 'hi'] }, outputs: { parameters: [{ name: 'p', valueFrom: { path: '/tmp/p' } }], artifacts: [{ name: 'a', path: '/tmp/a' }] } },
    ],
  },
});

/** Where each Argo type sits in `base()`: the object a field of that type is written into. */
const places: Record<string, (d: ReturnType<typeof base>) => Record<string, unknown>> = {
  spec: (d) => d.spec as Record<string, unknown>,
  template: (d) => d.spec.templates[1] as Record<string, unknown>,
  container: (d) => d.spec.templates[1].container as Record<string, unknown>,
  step: (d) => d.spec.templates[0].steps![0][0] as Record<string, unknown>,
  parameter: (d) => d.spec.templates[1].outputs!.parameters[0] as Record<string, unknown>,
  'parameter valueFrom': (d) => d.spec.templates[1].outputs!.parameters[0].valueFrom as Record<string, unknown>,
  artifact: (d) => d.spec.templates[1].outputs!.artifacts[0] as Record<string, unknown>,
};

describe('Argo fields strata does not map', () => {
  it.each(Object.keys(places))('every Argo field of a %s is mapped or said as an Argo field, never as an unknown key', (type) => {
    for (const field of ARGO_FIELDS[type]) {
      const doc = base();
      const at = places[type](doc);
      if (Object.hasOwn(at, field)) continue;
      at[field] = { x: 1 };
      const all = problems(doc);
      const said = all.filter((p) => p.includes(`"${field}"`));
      for (const p of said) expect(p, field).not.toContain('unknown key');
      // Nothing said of it: it is mapped (or accepted and ignored), so docs/argo.md must say so; a field dropped without a word fails here.
      if (!all.some((p) => p.includes(`"${field}"`) || p.includes(`.${field}`))) expect(documented.has(field), `${type}.${field} is taken without a word: map it, refuse it, or list it in docs/argo.md`).toBe(true);
    }
  });

  it('a field taken without a word and named nowhere in docs/argo.md is caught (the check above can fail)', () => {
    expect(documented.has('entrypoint')).toBe(true);
    expect(documented.has('noSuchArgoField')).toBe(false);
  });

  it('a key that is no Argo field there stays an unknown key', () => {
    const doc = base();
    (doc.spec.templates[1].container as Record<string, unknown>).imagee = 'x';
    expect(problems(doc)).toEqual(['spec.templates[1](pod).container.imagee: unknown key "imagee"']);
  });

  it('argo-fields.yaml: each one said once, naming its template; a templated retry limit is not among them (issue 12: resolved when the step starts)', () => {
    const docs = readArgoText(readFileSync(fixture, 'utf8'), 'argo-fields.yaml').map((doc) => ({ doc, source: 'argo-fields.yaml' }));
    let lines: string[] = [];
    try {
      importArgo(docs);
    } catch (e) {
      lines = ((e as StrataError).details?.problems ?? []).map((p) => `${p.path}: ${p.message}`);
    }
    expect(lines.sort()).toEqual([
      'argo-fields.yaml: spec.templateDefaults: Argo field "templateDefaults" is not supported: template defaults are not mapped; write the fields on each template',
      'argo-fields.yaml: spec.arguments.parameters[0].valueFrom.configMapKeyRef: Argo field "configMapKeyRef" is not supported: values from Kubernetes config maps are not mapped; give the value as a parameter',
      'argo-fields.yaml: spec.templates[1](cs).containerSet.retryStrategy: Argo field "retryStrategy" is not supported: retries of the containers inside a containerSet are not mapped; a retryStrategy on the template retries the whole pod',
      'argo-fields.yaml: spec.templates[2](res).outputs.parameters[0].valueFrom.jsonPath: Argo field "jsonPath" is not supported: output parameters read from a resource by JSONPath are not mapped (strata has no resource templates)',
      'argo-fields.yaml: spec.templates[2](res).outputs.parameters[1].valueFrom.supplied: Argo field "supplied" is not supported: supplied values (given when a suspend is resumed) are not mapped: strata has no suspend',
      'argo-fields.yaml: spec.templates[2](res).outputs.parameters[2].valueFrom.configMapKeyRef: Argo field "configMapKeyRef" is not supported: values from Kubernetes config maps are not mapped; give the value as a parameter',
      'argo-fields.yaml: spec.templates[2](res).outputs.parameters[3].valueFrom.event: Argo field "event" is not supported: values from events are not mapped: strata has no event bindings',
    ].sort());
  });
});
