import { describe, expect, it } from 'vitest';
import { GENERATORS } from '../../generators/index.ts';
import { validateDataset } from '../../src/dataset/dataset-document.ts';
import type { JsonValue } from '../../src/flow/types.ts';
import { buildFlow } from '../../src/rules/build-flow.ts';
import { validateRule } from '../../src/rules/rule-document.ts';

const tree = { id: 'adam', children: [{ id: 'cain', children: [{ id: 'enoch' }] }, { id: 'abel' }] };

function dataset(levels?: Array<{ name: string; operation?: string }>) {
  return validateDataset({ apiVersion: 'strata/v1', kind: 'Dataset', metadata: { name: 'family' }, spec: { shape: 'tree', root: tree, ...(levels ? { levels } : {}) } });
}

function rule(withParams: Record<string, JsonValue>) {
  return validateRule({ apiVersion: 'strata/v1', kind: 'Rule', metadata: { name: 'mine' }, spec: { priority: 1, when: true, emit: { generator: 'hierarchy', with: withParams } } }, new Set(GENERATORS.keys()));
}

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('no error');
}

describe('hierarchy: which operation each level runs', () => {
  it('a level without an operation is named, with where to give one, not as a field the user never wrote', () => {
    const msg = errorOf(() => buildFlow(dataset([{ name: 'patriarch' }, { name: 'son' }, { name: 'grandson' }]), rule({ traversal: 'bfs', placement: 'pod-per-node' }), GENERATORS));
    expect(msg.split('\n')).toEqual([
      'rule mine: spec.levels[0] (patriarch): no operation for tree node adam and its level: the Dataset names none (spec.levels[0].operation) and the rule\'s with.operations has no "patriarch" or "default" entry; name one in the Dataset\'s spec.levels[0].operation and give it in the rule\'s with.operations, or add with.operations.default',
      'rule mine: spec.levels[1] (son): no operation for tree node cain and its level: the Dataset names none (spec.levels[1].operation) and the rule\'s with.operations has no "son" or "default" entry; name one in the Dataset\'s spec.levels[1].operation and give it in the rule\'s with.operations, or add with.operations.default',
      'rule mine: spec.levels[2] (grandson): no operation for tree node enoch and its level: the Dataset names none (spec.levels[2].operation) and the rule\'s with.operations has no "grandson" or "default" entry; name one in the Dataset\'s spec.levels[2].operation and give it in the rule\'s with.operations, or add with.operations.default',
    ]);
    expect(msg).not.toContain('must be a task or a flow node');
  });

  it('an operation the level names but the rule does not give is named, with the ones it has', () => {
    const msg = errorOf(() => buildFlow(dataset([{ name: 'a', operation: 'root-op' }, { name: 'b', operation: 'sum' }, { name: 'c', operation: 'sum' }]), rule({ operations: { 'root-op': { image: 'x' } } }), GENERATORS));
    expect(msg.split('\n')).toEqual([
      'rule mine: spec.levels[1] (b): operation "sum" (tree node cain and its level) is not in the rule\'s with.operations; it has "root-op": add with.operations.sum, or a with.operations.default',
      'rule mine: spec.levels[2] (c): operation "sum" (tree node enoch and its level) is not in the rule\'s with.operations; it has "root-op": add with.operations.sum, or a with.operations.default',
    ]);
  });

  it('a tree deeper than its levels says so', () => {
    expect(errorOf(() => buildFlow(dataset(), rule({}), GENERATORS))).toContain('rule mine: tree depth 0: no operation for tree node adam and its level: spec.levels has no entry for this depth and the rule\'s with.operations has no "default" entry');
  });

  it('levels found by operation, by level name or by default build the flow', () => {
    const flow = buildFlow(dataset([{ name: 'a', operation: 'top' }, { name: 'b' }]), rule({ operations: { top: { image: 'top' }, b: { image: 'mid' }, default: { image: 'leaf' } } }), GENERATORS);
    expect(JSON.stringify(flow.spec.root)).toContain('"image":"leaf"');
  });
});

describe('hierarchy: the generated flow, field for field (pinned from the code before the Fourteenth pass cut its copies)', () => {
  // A task's own fields keep their order, env gains STRATA_NODE, outputs gain `out`, inputs
  // gain the children's (up) or the parent's (down) after the operation's own.
  const family = { id: 'adam', born: 1, children: [{ id: 'cain', children: [{ id: 'enoch' }, { id: 'irad' }] }, { id: 'abel' }] };
  const ds = validateDataset({ apiVersion: 'strata/v1', kind: 'Dataset', metadata: { name: 'family' }, spec: { shape: 'tree', root: family, levels: [{ name: 'p' }, { name: 's' }] } });
  const op = { image: 'busybox', env: { A: '1' }, inputs: { seed: 'x:out' }, outputs: { parameters: { n: { path: 'n' } } }, command: ['true'] };
  const cases: Array<[string, Record<string, JsonValue>, string]> = [
    ['up, a node a pod, the operation with env, inputs and outputs', { operations: { default: op } }, "{\"graph\":{\"traversal\":\"dependency\",\"nodes\":{\"adam\":{\"task\":{\"image\":\"busybox\",\"env\":{\"A\":\"1\",\"STRATA_NODE\":\"{\\\"id\\\":\\\"adam\\\",\\\"born\\\":1,\\\"level\\\":\\\"p\\\",\\\"depth\\\":0}\"},\"inputs\":{\"seed\":\"x:out\",\"child.cain\":\"cain:out\",\"child.abel\":\"abel:out\"},\"outputs\":{\"parameters\":{\"n\":{\"path\":\"n\"}},\"artifacts\":[\"out\"]},\"command\":[\"true\"]},\"dependsOn\":[\"cain\",\"abel\"]},\"cain\":{\"task\":{\"image\":\"busybox\",\"env\":{\"A\":\"1\",\"STRATA_NODE\":\"{\\\"id\\\":\\\"cain\\\",\\\"level\\\":\\\"s\\\",\\\"depth\\\":1}\"},\"inputs\":{\"seed\":\"x:out\",\"child.enoch\":\"enoch:out\",\"child.irad\":\"irad:out\"},\"outputs\":{\"parameters\":{\"n\":{\"path\":\"n\"}},\"artifacts\":[\"out\"]},\"command\":[\"true\"]},\"dependsOn\":[\"enoch\",\"irad\"]},\"enoch\":{\"task\":{\"image\":\"busybox\",\"env\":{\"A\":\"1\",\"STRATA_NODE\":\"{\\\"id\\\":\\\"enoch\\\",\\\"level\\\":\\\"level2\\\",\\\"depth\\\":2}\"},\"inputs\":{\"seed\":\"x:out\"},\"outputs\":{\"parameters\":{\"n\":{\"path\":\"n\"}},\"artifacts\":[\"out\"]},\"command\":[\"true\"]}},\"irad\":{\"task\":{\"image\":\"busybox\",\"env\":{\"A\":\"1\",\"STRATA_NODE\":\"{\\\"id\\\":\\\"irad\\\",\\\"level\\\":\\\"level2\\\",\\\"depth\\\":2}\"},\"inputs\":{\"seed\":\"x:out\"},\"outputs\":{\"parameters\":{\"n\":{\"path\":\"n\"}},\"artifacts\":[\"out\"]},\"command\":[\"true\"]}},\"abel\":{\"task\":{\"image\":\"busybox\",\"env\":{\"A\":\"1\",\"STRATA_NODE\":\"{\\\"id\\\":\\\"abel\\\",\\\"level\\\":\\\"s\\\",\\\"depth\\\":1}\"},\"inputs\":{\"seed\":\"x:out\"},\"outputs\":{\"parameters\":{\"n\":{\"path\":\"n\"}},\"artifacts\":[\"out\"]},\"command\":[\"true\"]}}}}}"],
    ['down', { operations: { default: op }, direction: 'down' }, "{\"graph\":{\"traversal\":\"dependency\",\"nodes\":{\"adam\":{\"task\":{\"image\":\"busybox\",\"env\":{\"A\":\"1\",\"STRATA_NODE\":\"{\\\"id\\\":\\\"adam\\\",\\\"born\\\":1,\\\"level\\\":\\\"p\\\",\\\"depth\\\":0}\"},\"inputs\":{\"seed\":\"x:out\"},\"outputs\":{\"parameters\":{\"n\":{\"path\":\"n\"}},\"artifacts\":[\"out\"]},\"command\":[\"true\"]}},\"cain\":{\"task\":{\"image\":\"busybox\",\"env\":{\"A\":\"1\",\"STRATA_NODE\":\"{\\\"id\\\":\\\"cain\\\",\\\"level\\\":\\\"s\\\",\\\"depth\\\":1}\"},\"inputs\":{\"seed\":\"x:out\",\"parent\":\"adam:out\"},\"outputs\":{\"parameters\":{\"n\":{\"path\":\"n\"}},\"artifacts\":[\"out\"]},\"command\":[\"true\"]},\"dependsOn\":[\"adam\"]},\"enoch\":{\"task\":{\"image\":\"busybox\",\"env\":{\"A\":\"1\",\"STRATA_NODE\":\"{\\\"id\\\":\\\"enoch\\\",\\\"level\\\":\\\"level2\\\",\\\"depth\\\":2}\"},\"inputs\":{\"seed\":\"x:out\",\"parent\":\"cain:out\"},\"outputs\":{\"parameters\":{\"n\":{\"path\":\"n\"}},\"artifacts\":[\"out\"]},\"command\":[\"true\"]},\"dependsOn\":[\"cain\"]},\"irad\":{\"task\":{\"image\":\"busybox\",\"env\":{\"A\":\"1\",\"STRATA_NODE\":\"{\\\"id\\\":\\\"irad\\\",\\\"level\\\":\\\"level2\\\",\\\"depth\\\":2}\"},\"inputs\":{\"seed\":\"x:out\",\"parent\":\"cain:out\"},\"outputs\":{\"parameters\":{\"n\":{\"path\":\"n\"}},\"artifacts\":[\"out\"]},\"command\":[\"true\"]},\"dependsOn\":[\"cain\"]},\"abel\":{\"task\":{\"image\":\"busybox\",\"env\":{\"A\":\"1\",\"STRATA_NODE\":\"{\\\"id\\\":\\\"abel\\\",\\\"level\\\":\\\"s\\\",\\\"depth\\\":1}\"},\"inputs\":{\"seed\":\"x:out\",\"parent\":\"adam:out\"},\"outputs\":{\"parameters\":{\"n\":{\"path\":\"n\"}},\"artifacts\":[\"out\"]},\"command\":[\"true\"]},\"dependsOn\":[\"adam\"]}}}}"],
    ['up, subtrees in pods', { operations: { default: { image: 'busybox' } }, placement: 'subtree-per-pod', threshold: 3 }, "{\"graph\":{\"traversal\":\"dependency\",\"nodes\":{\"adam\":{\"task\":{\"image\":\"busybox\",\"env\":{\"STRATA_NODE\":\"{\\\"id\\\":\\\"adam\\\",\\\"born\\\":1,\\\"level\\\":\\\"p\\\",\\\"depth\\\":0}\"},\"outputs\":[\"out\"],\"inputs\":{\"child.cain\":\"cain/cain:out\",\"child.abel\":\"abel:out\"}},\"dependsOn\":[\"cain\",\"abel\"]},\"cain\":{\"pod\":{\"name\":\"cain\",\"flow\":{\"graph\":{\"traversal\":\"dependency\",\"nodes\":{\"cain\":{\"task\":{\"image\":\"busybox\",\"env\":{\"STRATA_NODE\":\"{\\\"id\\\":\\\"cain\\\",\\\"level\\\":\\\"s\\\",\\\"depth\\\":1}\"},\"outputs\":[\"out\"],\"inputs\":{\"child.enoch\":\"cain/enoch:out\",\"child.irad\":\"cain/irad:out\"}},\"dependsOn\":[\"enoch\",\"irad\"]},\"enoch\":{\"task\":{\"image\":\"busybox\",\"env\":{\"STRATA_NODE\":\"{\\\"id\\\":\\\"enoch\\\",\\\"level\\\":\\\"level2\\\",\\\"depth\\\":2}\"},\"outputs\":[\"out\"]}},\"irad\":{\"task\":{\"image\":\"busybox\",\"env\":{\"STRATA_NODE\":\"{\\\"id\\\":\\\"irad\\\",\\\"level\\\":\\\"level2\\\",\\\"depth\\\":2}\"},\"outputs\":[\"out\"]}}}}},\"channels\":{\"scratch\":\"memory\"}}},\"abel\":{\"task\":{\"image\":\"busybox\",\"env\":{\"STRATA_NODE\":\"{\\\"id\\\":\\\"abel\\\",\\\"level\\\":\\\"s\\\",\\\"depth\\\":1}\"},\"outputs\":[\"out\"]}}}}}"],
    ['down, subtrees in pods, outputs as a list', { operations: { default: { image: 'busybox', outputs: ['a'] } }, direction: 'down', placement: 'subtree-per-pod', threshold: 3 }, "{\"graph\":{\"traversal\":\"dependency\",\"nodes\":{\"adam\":{\"task\":{\"image\":\"busybox\",\"outputs\":[\"a\",\"out\"],\"env\":{\"STRATA_NODE\":\"{\\\"id\\\":\\\"adam\\\",\\\"born\\\":1,\\\"level\\\":\\\"p\\\",\\\"depth\\\":0}\"}}},\"cain\":{\"pod\":{\"name\":\"cain\",\"flow\":{\"graph\":{\"traversal\":\"dependency\",\"nodes\":{\"cain\":{\"task\":{\"image\":\"busybox\",\"outputs\":[\"a\",\"out\"],\"env\":{\"STRATA_NODE\":\"{\\\"id\\\":\\\"cain\\\",\\\"level\\\":\\\"s\\\",\\\"depth\\\":1}\"},\"inputs\":{\"parent\":\"adam:out\"}}},\"enoch\":{\"task\":{\"image\":\"busybox\",\"outputs\":[\"a\",\"out\"],\"env\":{\"STRATA_NODE\":\"{\\\"id\\\":\\\"enoch\\\",\\\"level\\\":\\\"level2\\\",\\\"depth\\\":2}\"},\"inputs\":{\"parent\":\"cain/cain:out\"}},\"dependsOn\":[\"cain\"]},\"irad\":{\"task\":{\"image\":\"busybox\",\"outputs\":[\"a\",\"out\"],\"env\":{\"STRATA_NODE\":\"{\\\"id\\\":\\\"irad\\\",\\\"level\\\":\\\"level2\\\",\\\"depth\\\":2}\"},\"inputs\":{\"parent\":\"cain/cain:out\"}},\"dependsOn\":[\"cain\"]}}}},\"channels\":{\"scratch\":\"memory\"}},\"dependsOn\":[\"adam\"]},\"abel\":{\"task\":{\"image\":\"busybox\",\"outputs\":[\"a\",\"out\"],\"env\":{\"STRATA_NODE\":\"{\\\"id\\\":\\\"abel\\\",\\\"level\\\":\\\"s\\\",\\\"depth\\\":1}\"},\"inputs\":{\"parent\":\"adam:out\"}},\"dependsOn\":[\"adam\"]}}}}"],
  ];
  for (const [name, withParams, json] of cases) {
    it(name, () => {
      expect(JSON.stringify(buildFlow(ds, rule(withParams), GENERATORS).spec.root)).toBe(json);
    });
  }
});
