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
