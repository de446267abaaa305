/** when-tags.ts finds what the two regular expressions it replaces found, in one pass. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { replaceQuotedTags, replaceTags } from '../../src/argo/when-tags.ts';

const QUOTED = /'([^']*\{\{[\s\S]*?\}\}[^']*)'|"([^"]*\{\{[\s\S]*?\}\}[^"]*)"/g;
const BARE = /\{\{[\s\S]*?\}\}/g;
/** Texts of the characters that matter (quotes, braces), with others between. */
const texts = fc.array(fc.constantFrom("'", '"', '{', '}', '{{', '}}', 'a', ' ', '\n'), { maxLength: 30 }).map((parts) => parts.join(''));

describe('replaceQuotedTags', () => {
  it('replaces what the regular expression replaced, for every text', () => {
    fc.assert(fc.property(texts, (s) => {
      expect(replaceQuotedTags(s, (inside) => `<${inside}>`)).toBe(s.replace(QUOTED, (_m, a?: string, b?: string) => `<${a ?? b}>`));
    }), { numRuns: 20_000 });
  });

  it.each([
    ["a quoted tag", "'{{x}}' == 'y'", "<{{x}}> == 'y'"],
    ['a tag that holds quotes: the text ends at the first quote after its }}', "'{{ a['b'] }} c' == d", "<{{ a['b'] }} c> == d"],
    ['a quote without a tag stays', "'x' == \"{{y}}\"", "'x' == <{{y}}>"],
  ])('%s', (_name, s, want) => {
    expect(replaceQuotedTags(s, (inside) => `<${inside}>`)).toBe(want);
  });
});

describe('replaceTags', () => {
  it('replaces what the regular expression replaced, for every text', () => {
    fc.assert(fc.property(texts, (s) => {
      expect(replaceTags(s, (tag) => `<${tag}>`)).toBe(s.replace(BARE, (tag) => `<${tag}>`));
    }), { numRuns: 20_000 });
  });
});
