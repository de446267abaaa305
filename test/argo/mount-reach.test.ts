/**
 * mount-reach.ts: each template's workflow volumes, found by following each volume back from
 * the templates that mount it. Table cases for the shapes (chain, diamond, recursion, a
 * template's own volumes, several starts), and a property against the walk it replaced (a
 * walk from the starts over every template they call): the same volumes, each at a mount of
 * that volume the starts reach, for random call graphs with cycles. (The walk was O(templates²)
 * for a WorkflowTemplate, one walk per unit; its cost is measured, not asserted here.)
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ArgoDocument, ArgoTemplate } from '../../src/argo/argo-document.ts';
import { calledBy, mountReach, type OpenMount } from '../../src/argo/mount-reach.ts';
import { workflowMounts } from '../../src/argo/volumes.ts';

type Shape = { name: string; calls?: string[]; mounts?: string[]; own?: string[] };

/** A template of `shape`: a steps template calling `calls`, or a container mounting `mounts`. */
function template(s: Shape): ArgoTemplate {
  const volumes = s.own?.map((name) => ({ name, emptyDir: {} }));
  if (s.calls?.length) return { name: s.name, steps: [s.calls.map((c, i) => ({ name: `s${i}`, template: c }))], ...(volumes ? { volumes } : {}) } as unknown as ArgoTemplate;
  return { name: s.name, container: { image: 'alpine', volumeMounts: (s.mounts ?? []).map((name, i) => ({ name, mountPath: `/m${i}` })) }, ...(volumes ? { volumes } : {}) } as unknown as ArgoTemplate;
}

const doc = (shapes: Shape[]): ArgoDocument => ({ apiVersion: 'argoproj.io/v1alpha1', kind: 'WorkflowTemplate', metadata: { name: 'w' }, spec: { templates: shapes.map(template) } }) as unknown as ArgoDocument;

/** The walk workflowMounts made before: every template the starts call, every mount not in its own volumes. */
function walk(d: ArgoDocument, starts: string[]): Map<string, Set<string>> {
  const templates = new Map((d.spec.templates ?? []).map((t) => [t.name, t]));
  const seen = new Set<string>();
  const out = new Map<string, Set<string>>();
  const stack = starts.filter((n) => templates.has(n));
  while (stack.length > 0) {
    const t = templates.get(stack.pop()!)!;
    if (seen.has(t.name)) continue;
    seen.add(t.name);
    const own = new Set((t.volumes ?? []).map((v) => v.name));
    (t.container?.volumeMounts ?? []).forEach((m, i) => {
      if (own.has(m.name)) return;
      if (!out.has(m.name)) out.set(m.name, new Set());
      out.get(m.name)!.add(`w, template ${t.name}, container.volumeMounts[${i}](${m.name})`);
    });
    stack.push(...calledBy(t, templates));
  }
  return out;
}

describe('workflowMounts through mount-reach', () => {
  const cases: Array<{ what: string; shapes: Shape[]; starts: string[]; want: Array<{ volume: string; at: string }> }> = [
    {
      what: 'a chain: the start reaches the mount at its end',
      shapes: [{ name: 'a', calls: ['b'] }, { name: 'b', calls: ['c'] }, { name: 'c', mounts: ['data'] }],
      starts: ['a'],
      want: [{ volume: 'data', at: 'w, template c, container.volumeMounts[0](data)' }],
    },
    {
      what: 'a diamond: the mount nearest the start, the first in the document among equals',
      shapes: [{ name: 'top', calls: ['left', 'right'] }, { name: 'left', calls: ['deep'] }, { name: 'right', mounts: ['data'] }, { name: 'deep', mounts: ['data', 'logs'] }],
      starts: ['top'],
      want: [
        { volume: 'data', at: 'w, template right, container.volumeMounts[0](data)' },
        { volume: 'logs', at: 'w, template deep, container.volumeMounts[1](logs)' },
      ],
    },
    {
      what: 'recursion: templates calling each other reach each other\'s mounts, and the walk ends',
      shapes: [{ name: 'a', calls: ['b'] }, { name: 'b', calls: ['a', 'leaf'] }, { name: 'leaf', mounts: ['x'] }],
      starts: ['a'],
      want: [{ volume: 'x', at: 'w, template leaf, container.volumeMounts[0](x)' }],
    },
    {
      what: 'a volume in the template\'s own volumes is not the workflow\'s',
      shapes: [{ name: 'a', calls: ['b'] }, { name: 'b', mounts: ['mine', 'theirs'], own: ['mine'] }],
      starts: ['a'],
      want: [{ volume: 'theirs', at: 'w, template b, container.volumeMounts[1](theirs)' }],
    },
    {
      what: 'several starts: each volume at the first start that reaches it; a start the document lacks is skipped',
      shapes: [{ name: 'main', calls: ['m'] }, { name: 'exit', calls: ['e'] }, { name: 'm', mounts: ['a'] }, { name: 'e', mounts: ['b', 'a'] }],
      starts: ['nope', 'main', 'exit'],
      want: [
        { volume: 'a', at: 'w, template m, container.volumeMounts[0](a)' },
        { volume: 'b', at: 'w, template e, container.volumeMounts[0](b)' },
      ],
    },
    { what: 'no mounts: nothing', shapes: [{ name: 'a', calls: ['b'] }, { name: 'b' }], starts: ['a'], want: [] },
  ];
  it.each(cases)('$what', ({ shapes, starts, want }) => {
    expect(workflowMounts(doc(shapes), starts, 'w')).toEqual(want);
  });

  it('names the same volumes as the walk from the starts, each at a mount the walk finds, on random call graphs with cycles', () => {
    const graph = fc.integer({ min: 1, max: 12 }).chain((n) =>
      fc.tuple(
        fc.array(fc.tuple(fc.array(fc.integer({ min: 0, max: n - 1 }), { maxLength: 3 }), fc.array(fc.constantFrom('p', 'q', 'r'), { maxLength: 2 }), fc.array(fc.constantFrom('p', 'q'), { maxLength: 1 })), { minLength: n, maxLength: n }),
        fc.array(fc.integer({ min: 0, max: n - 1 }), { minLength: 1, maxLength: 3 }),
      ),
    );
    fc.assert(
      fc.property(graph, ([nodes, starts]) => {
        // A template either calls others or mounts volumes (a steps template has no container).
        const d = doc(nodes.map(([calls, mounts, own], i) => ({ name: `t${i}`, ...(calls.length ? { calls: calls.map((c) => `t${c}`) } : { mounts }), own })));
        const names = starts.map((s) => `t${s}`);
        const want = walk(d, names);
        const got = workflowMounts(d, names, 'w');
        expect(got.map((m) => m.volume).sort()).toEqual([...want.keys()].sort());
        for (const m of got) expect(want.get(m.volume)!.has(m.at), `${m.volume} at ${m.at}`).toBe(true);
      }),
      { seed: 16, numRuns: 500 },
    );
  });

  it('a chain of 2,000 templates: each template\'s mounts are read once, and every template reaches the mount at its end', () => {
    const n = 2000;
    const templates = new Map<string, ArgoTemplate>();
    for (let i = 0; i < n; i++) templates.set(`t${i}`, template(i < n - 1 ? { name: `t${i}`, calls: [`t${i + 1}`] } : { name: `t${i}`, mounts: ['data'] }));
    let asked = 0;
    const open = (t: ArgoTemplate): OpenMount[] => {
      asked++;
      return (t.container?.volumeMounts ?? []).map((m, i) => ({ volume: m.name, at: `container.volumeMounts[${i}](${m.name})` }));
    };
    const reach = mountReach(templates, open).byVolume.get('data')!;
    expect(asked).toBe(n);
    expect(reach.size).toBe(n);
    expect(reach.get('t0')).toEqual({ template: `t${n - 1}`, at: 'container.volumeMounts[0](data)' });
  });
});
