import { describe, expect, it } from 'vitest';
import { validateDataset } from '../../src/dataset/dataset-document.ts';
import type { Problem } from '../../src/errors/strata-error.ts';
import { StrataError } from '../../src/errors/strata-error.ts';

function problemsOf(root: unknown, limits = { maxTreeNodes: 1000, maxTreeDepth: 10 }): Problem[] {
  try {
    validateDataset({ apiVersion: 'strata/v1', kind: 'Dataset', metadata: { name: 'd' }, spec: { shape: 'tree', root } }, limits);
  } catch (e) {
    return ((e as StrataError).details as { problems: Problem[] }).problems;
  }
  throw new Error('the tree was accepted');
}

const ID_RULE = 'must be an id: a letter or digit, then at most 62 letters, digits, "_", "-" and "."';

describe('a tree node is named by its path in every problem (paths written only for a problem)', () => {
  it('a duplicate id deep in the tree names both places', () => {
    const root = { id: 'r', children: [{ id: 'a', children: [{ id: 'x' }, { id: 'b', children: [{ id: 'c' }] }] }, { id: 'd', children: [{ id: 'e' }, { id: 'f', children: [{ id: 'g' }, { id: 'x' }] }] }] };
    expect(problemsOf(root)).toEqual([
      { path: 'spec.root.children[1].children[1].children[1].id', message: 'duplicate tree node id "x" (also at spec.root.children[0].children[0])' },
    ]);
  });

  it('a node that is no object, a bad id, children that are no list, and the root itself', () => {
    expect(problemsOf({ id: 'r', children: [{ id: 'a', children: [7] }, { id: 'b c' }, { id: 'd', children: 'no' }] })).toEqual([
      { path: 'spec.root.children[0].children[0]', message: 'must be a tree node { id, children }' },
      { path: 'spec.root.children[1].id', message: ID_RULE },
      { path: 'spec.root.children[2].children', message: 'must be a list of tree nodes' },
    ]);
    // Tester 15: an id of allowed characters that starts with one that cannot start it, or is too long, was told only the characters.
    expect(problemsOf({ id: 'r', children: [{ id: '_x' }, { id: 'y'.repeat(64) }] })).toEqual([
      { path: 'spec.root.children[0].id', message: ID_RULE },
      { path: 'spec.root.children[1].id', message: ID_RULE },
    ]);
    expect(problemsOf({ id: 'r', children: [{ id: 'r' }] })).toEqual([{ path: 'spec.root.children[0].id', message: 'duplicate tree node id "r" (also at spec.root)' }]);
  });

  it('a node past the depth limit, and past the node limit', () => {
    expect(problemsOf({ id: 'r', children: [{ id: 'a' }, { id: 'b', children: [{ id: 'c', children: [{ id: 'd' }] }] }] }, { maxTreeNodes: 100, maxTreeDepth: 3 })).toEqual([
      { path: 'spec.root.children[1].children[0].children[0]', message: 'tree deeper than 3 levels, the limit (STRATA_MAX_TREE_DEPTH)', limit: 'STRATA_MAX_TREE_DEPTH' },
    ]);
    expect(problemsOf({ id: 'r', children: [{ id: 'a' }, { id: 'b' }] }, { maxTreeNodes: 2, maxTreeDepth: 3 })).toEqual([
      { path: 'spec.root', message: 'more than 2 tree nodes, the limit (STRATA_MAX_TREE_NODES)', limit: 'STRATA_MAX_TREE_NODES' },
    ]);
  });
});
