/** YAML documents are held to the byte limit once their aliases are expanded (issue 13, fault 6). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDocument, stringify } from 'yaml';
import { parseText } from '../../src/flow/parse-text.ts';
import { checkExpandedSize } from '../../src/flow/yaml-expansion.ts';

/** One large anchor used `uses` times: small as text, large as data. */
function anchorUsedOften(anchorBytes: number, uses: number): string {
  const big = 'x'.repeat(anchorBytes);
  return [`big: &big "${big}"`, 'uses:', ...Array.from({ length: uses }, () => '  - *big')].join('\n');
}

describe('YAML alias expansion', () => {
  it('refuses a document that is small as text and large once its aliases are expanded, before expanding it', () => {
    const text = anchorUsedOften(100_000, 99); // ~100 KB of text, ~10 MB of data
    expect(Buffer.byteLength(text)).toBeLessThan(110_000);
    expect(() => parseText(text, 'body', 1_000_000)).toThrow(/body: expands to more than 1000000 bytes once its YAML aliases are expanded/);
    try {
      parseText(text, 'body', 1_000_000);
    } catch (e) {
      expect((e as { code: string }).code).toBe('too_large');
    }
    expect((parseText(text, 'body', 64_000_000) as { uses: string[] }).uses).toHaveLength(99);
  });

  it('refuses nested aliases (a "billion laughs") by their expanded size', () => {
    const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) lines.push(`${'abcdefghij'[i]}: &${'abcdefghij'[i]} [${Array.from({ length: 10 }, () => `*${'abcdefghij'[i - 1]}`).join(',')}]`);
    expect(() => parseText(lines.join('\n'), 'doc', 10_000_000)).toThrow(/expands to more than|alias/i);
  });

  it('refuses an alias to the node that holds it, without looping', () => {
    expect(() => parseText('a: &a [1, *a]', 'doc', 1_000_000)).toThrow(/doc/);
  });

  it('estimates the size of data without aliases within a factor of two of its JSON text', () => {
    const json = fc.jsonValue({ maxDepth: 4 }).filter((v) => v !== null && typeof v === 'object');
    fc.assert(
      fc.property(json, (value) => {
        const doc = parseDocument(stringify(value), { resolveKnownTags: false });
        const size = checkExpandedSize(doc, 'doc', Number.MAX_SAFE_INTEGER);
        const actual = JSON.stringify(doc.toJS()).length;
        expect(size).toBeGreaterThanOrEqual(actual / 2);
        expect(size).toBeLessThanOrEqual(actual * 2 + 8);
      }),
      { numRuns: 300, seed: 13 },
    );
  });
});
