import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkTextNesting, withoutComment } from '../../src/flow/text-nesting.ts';

/** `n` block mappings, each indented one space more than its parent. */
const blockMaps = (n: number): string => Array.from({ length: n }, (_, i) => `${' '.repeat(i)}k:`).join('\n') + '\n';

describe('nesting of flow collections, counted before parsing', () => {
  it.each([
    ['5,000 lists', `x: ${'['.repeat(5000)}${']'.repeat(5000)}`, true],
    ['5,000 maps in JSON', `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`, true],
    ['at the limit (the mapping is a level too)', `x: ${'['.repeat(7)}${']'.repeat(7)}`, false],
    ['at the limit in JSON', `${'{"a":'.repeat(8)}1${'}'.repeat(8)}`, false],
    ['brackets in quoted scalars', `x: "${'['.repeat(50)}"\ny: '${'{'.repeat(50)}'`, false],
    ['braces of references in plain scalars', `a:\n  b:\n    - x={{ y }} {{{{{{{{{{ z`, false],
    ['brackets in plain scalars and comments', `path: $.a[0][1][2][3][4][5][6][7][8][9]\n# ${'['.repeat(50)}`, false],
  ])('%s', (_, text, refused) => {
    const check = () => checkTextNesting(text, 'doc', 8);
    if (refused) expect(check).toThrow('doc: nested more than 8 levels deep (at line 1, column');
    else expect(check).not.toThrow();
  });
});

// Argo tester 2, fault 8: the yaml package composes block collections recursively too, so
// 1,200 levels of indentation overflowed the CLI's stack before the data could be checked.
describe('nesting of block collections (indentation), counted before parsing', () => {
  it.each([
    ['1,200 block mappings', blockMaps(1200), 'line 9'],
    ['1,200 compact block sequences on one line', `x:\n${'- '.repeat(1200)}a\n`, 'line 2'],
    ['block sequences under block mappings', `a:\n  b:\n  - - c:\n        d:\n        - - - - - - e\n`, 'line 5'],
    ['flow collections inside block ones count together', `a:\n b:\n  c:\n   d:\n    e: [[[[[1]]]]]\n`, 'line 5'],
  ])('%s: refused, naming the place', (_, text, where) => {
    expect(() => checkTextNesting(text, 'doc', 8)).toThrow(`doc: nested more than 8 levels deep (at ${where}`);
  });

  it.each([
    ['8 block mappings', blockMaps(8)],
    ['siblings at the same indentation do not add up', Array.from({ length: 50 }, (_, i) => `k${i}:\n  v: [1, {a: 2}]`).join('\n')],
    ['a list of mappings', `steps:\n- name: a\n  args: [x]\n- name: b\n  with:\n    deep: 1\n`],
    ['indentation inside a block scalar', `run: |\n${Array.from({ length: 40 }, (_, i) => `  ${' '.repeat(i)}if x; then`).join('\n')}\nnext: 1\n`],
    ['indentation inside a multi-line quoted scalar', `msg: "a\n${Array.from({ length: 40 }, (_, i) => ` ${' '.repeat(i)}b`).join('\n')}"\n`],
    ['indentation inside a multi-line flow collection', `args: [\n${Array.from({ length: 40 }, (_, i) => ` ${' '.repeat(i)}b,`).join('\n')}\n]\n`],
    ['comments and blank lines', `a:\n${Array.from({ length: 40 }, (_, i) => `${' '.repeat(i)}# c\n\n`).join('')}b: 1\n`],
    ['documents in a stream', Array.from({ length: 20 }, () => blockMaps(6)).join('---\n')],
  ])('%s: accepted at a limit of 8', (_, text) => {
    expect(() => checkTextNesting(text, 'doc', 8)).not.toThrow();
  });
});

describe('withoutComment', () => {
  it('cuts what /\\s+#.*$/ cut, for every line, in one pass', () => {
    const lines = fc.array(fc.constantFrom(' ', '\t', '#', 'a', ':', '\r', '\u2028'), { maxLength: 24 }).map((parts) => parts.join(''));
    fc.assert(fc.property(lines, (line) => {
      expect(withoutComment(line)).toBe(line.replace(/\s+#.*$/, ''));
    }), { numRuns: 20_000 });
  });
});
