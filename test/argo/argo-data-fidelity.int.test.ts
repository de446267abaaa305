/**
 * Data fidelity of what a step is given (issue 12, argo-tester-3 N16, N10, N18, N8): the
 * command line of an image's CMD, number text of loop items, the tail of a big result,
 * null fields of items, and values too big for one argument. Through the real stack:
 * documents sent as they are to `POST /v1/runs`, run on the local runtime with real HTTP,
 * Redis, BullMQ and processes, checked by what the steps printed.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { RunView } from '../../src/run/run-view.ts';
import { loopItemIds } from '../support/loop-items.ts';
import { useRunService } from '../support/use-run-service.ts';
import { argoFixtures } from '../support/documents.ts';

const svc = useRunService();
const { dir: DIR, read } = argoFixtures('fidelity');
const post = (body: unknown): Promise<RunView> => svc.runToEnd(body);
/** A strata Flow document of the fixtures, run as `{ flow }`. */
const postFlow = (name: string): Promise<RunView> => svc.runToEnd({ flow: parse(read(name)) });
/** Step id -> result, for the steps named. */
const results = (r: RunView, names: string[]): Record<string, unknown> => Object.fromEntries(names.map((n) => [n, r.steps[n]?.result]));

describe('args without a command replace the CMD of an image that has one (N16)', () => {
  it('Argo: alpine and busybox run their args as the whole command line; a command drops the CMD', async () => {
    const r = await post(read('args-only.yaml'));
    expect(r.status, JSON.stringify(r.steps)).toBe('succeeded');
    expect(results(r, ['alpine-args', 'busybox-args', 'command-and-args'])).toEqual({
      'alpine-args': 'hello from args',
      'busybox-args': 'one two',
      'command-and-args': 'from command',
    });
  });

  it('strata flows, at both levels: a macro step and a pod\'s container', async () => {
    const r = await postFlow('args-only-native.yaml');
    expect(r.status, JSON.stringify(r.steps)).toBe('succeeded');
    expect(results(r, ['macro', 'pod/micro'])).toEqual({ macro: 'macro args', 'pod/micro': 'micro args' });
  });
});

/** The results of a loop step's items `name/0`, `name/1`, ..., in item order. */
const items = (r: RunView, name: string): unknown[] => loopItemIds(r, name).map((k) => r.steps[k].result);

describe('loop items keep the text of their JSON numbers (N10)', () => {
  it('Argo withParam: an item and an item\'s fields are substituted as written', async () => {
    const r = await post(read('withparam-numbers.yaml'));
    expect(r.status, JSON.stringify(r.steps)).toBe('succeeded');
    // `[7]` writes back as itself: a JSON result.
    expect(items(r, 'each')).toEqual(['[1.50]', '[1e2]', '[10.0]', '[12345678901234567890]', '[{"price":9.90}]', [7], '[1.50]']);
    expect(items(r, 'fields')).toEqual(['9.90 12345678901234567890 3']);
    // Argo (go-yaml v2): [1.5] [100] [10] [12345678901234567890]; an integer in an object item is its digits, unquoted.
    expect(items(r, 'lit')).toEqual([[1.5], [100], [10], '[12345678901234567890]', '[{"id":12345678901234567891}]']);
  });

  it('strata flows: fromJson keeps number text at both levels', async () => {
    const r = await postFlow('exact-items-native.yaml');
    expect(r.status, JSON.stringify(r.steps)).toBe('succeeded');
    expect(items(r, 'each')).toEqual(['1.50', '{"v":null,"p":9.90}', '12345678901234567890']);
    expect(items(r, 'fields')).toEqual(['null 9.90']);
    expect(items(r, 'pod/each')).toEqual(['2.50', '{"v":null,"p":1e2}']);
  });
});

describe('a null in a loop item is written null; a field it lacks fails, named as the document names it (N8)', () => {
  it('Argo: withParam and withItems', async () => {
    const r = await post(read('item-null.yaml'));
    expect(r.status, JSON.stringify(r.steps)).toBe('succeeded');
    expect(items(r, 'objs')).toEqual(['1:0.1', 'two:{"deep":[1]}', '3:null']);
    // Standard output that writes back as itself is its JSON: the object, and null.
    expect(items(r, 'literal')).toEqual([{ id: 1, v: null }, null]);
    expect(r.steps['literal/1'].status).toBe('succeeded');
  });

  it('Argo: a field the item lacks', async () => {
    const r = await post(read('item-missing-field.yaml'));
    expect(r.status).toBe('failed');
    expect(r.steps['objs/0'].error).toMatch(/^command\[1\]: \{\{ item\.nope \}\} is missing: the loop item \{"id":1\} has no "nope"$/);
  });
});

const LIMIT = 256 * 1024;

describe('a standard output result over 256 KiB keeps its tail, and a value too big for one argument is refused naming its field (N18)', () => {
  it('Argo: outputs.result keeps the last 256 KiB; its consumer\'s env is refused before the spawn', async () => {
    const r = await post(read('big-result.yaml'));
    const result = r.steps.gen.result as string;
    expect(result.length).toBe(LIMIT);
    expect(result.endsWith('xxxTAIL')).toBe(true);
    expect(r.status).toBe('failed');
    expect(r.steps.use.error).toMatch(/^env\.V \(V=value\) is 262,146 bytes once substituted, more than the 131,071 a single argument or environment variable may hold/);
    expect(r.steps.use.error).not.toMatch(/bwrap|E2BIG/);
  });

  it('strata flows, at both levels: the answer printed last is kept', async () => {
    const r = await postFlow('big-result-native.yaml');
    expect(r.status, JSON.stringify(r.steps).slice(0, 500)).toBe('succeeded');
    for (const [id, ok] of [['macro', 1], ['pod/micro', 2]] as const) {
      const result = r.steps[id].result as string;
      expect(result.endsWith(`\n{"ok": ${ok}}`), id).toBe(true);
      expect(result.length, id).toBeGreaterThan(LIMIT - 20);
    }
  });

  it('a 300 KB parameter given with the run (-p) into an env value is refused before the spawn, naming the field', async () => {
    const flow = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', metadata: { generateName: 'bigp-' }, spec: { entrypoint: 'main', arguments: { parameters: [{ name: 'p', value: 'x' }] }, templates: [{ name: 'main', container: { image: 'alpine', command: ['sh', '-c', 'echo ${#P}'], env: [{ name: 'P', value: '{{workflow.parameters.p}}' }] } }] } };
    const r = await svc.runToEnd({ flow, params: { p: 'y'.repeat(300_000) } });
    expect(r.status).toBe('failed');
    expect(r.steps.main.error).toMatch(/^env\.P \(P=value\) is 300,002 bytes once substituted, more than the 131,071/);
  });
});
