import { describe, expect, it } from 'vitest';
import { checkTextNesting } from '../../src/flow/text-nesting.ts';

describe('nesting of flow collections, counted before parsing', () => {
  it.each([
    ['5,000 lists', `x: ${'['.repeat(5000)}${']'.repeat(5000)}`, true],
    ['5,000 maps in JSON', `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`, true],
    ['at the limit', `x: ${'['.repeat(8)}${']'.repeat(8)}`, false],
    ['brackets in quoted scalars', `x: "${'['.repeat(50)}"\ny: '${'{'.repeat(50)}'`, false],
    ['brackets in plain scalars and comments', `path: $.a[0][1][2][3][4][5][6][7][8][9]\n# ${'['.repeat(50)}`, false],
  ])('%s', (_, text, refused) => {
    const check = () => checkTextNesting(text, 'doc', 8);
    if (refused) expect(check).toThrow('doc: nested more than 8 levels deep (at line 1, column');
    else expect(check).not.toThrow();
  });
});
