/** The CLI's text helpers (src/cli/output.ts). */
import { describe, expect, it } from 'vitest';
import { printable, table } from '../../src/cli/output.ts';

describe('printable', () => {
  it('writes C0, C1 and DEL as \\x escapes; with lines, newlines and tabs stay', () => {
    expect(printable('a\x1b]0;T\x07b\x7f\x9bc')).toBe('a\\x1b]0;T\\x07b\\x7f\\x9bc');
    expect(printable('one\ntwo\tthree')).toBe('one\\x0atwo\\x09three');
    expect(printable('one\ntwo\tthree\x1b', { lines: true })).toBe('one\ntwo\tthree\\x1b');
    expect(printable('plain ✓ text')).toBe('plain ✓ text');
  });

  it('a table shows every cell printable on one line, padded to the escaped width', () => {
    expect(table(['a', 'b'], [['x\x1b', 'y\nz'], ['long-cell', 'v']])).toBe('A           B\nx\\x1b       y\\x0az\nlong-cell   v\n');
  });
});
