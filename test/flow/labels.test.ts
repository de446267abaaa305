/** The one label rule (Kubernetes' own), and that every label it takes can be selected. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isLabelKey, isLabelValue, labelsSchema, labelValueOf } from '../../src/flow/labels.ts';
import { matches, parseSelector } from '../../src/run/label-selector.ts';
import { zodProblems } from '../../src/flow/zod-problems.ts';

describe('label keys', () => {
  const cases: Array<[string, string, boolean]> = [
    ['a plain name', 'team', true],
    ['one character', 'a', true],
    ['"-", "_" and "." inside', 'a-b_c.d', true],
    ['a prefix', 'example.com/team', true],
    ['Kubernetes\' own', 'app.kubernetes.io/part-of', true],
    ['Argo\'s own', 'workflows.argoproj.io/workflow', true],
    ['a name of 63', `a${'b'.repeat(61)}c`, true],
    ['a name of 64', `a${'b'.repeat(62)}c`, false],
    ['a prefix of 253', `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}/x`, true],
    ['a prefix of 254', `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(62)}/x`, false],
    ['empty', '', false],
    ['a space', 'A B', false],
    ['a comma', 'team,x', false],
    ['"=" inside', 'a=b', false],
    ['ending in "-"', 'team-', false],
    ['beginning with "_"', '_team', false],
    ['two "/"', 'a/b/c', false],
    ['an empty prefix', '/team', false],
    ['an empty name', 'example.com/', false],
    ['a prefix in capitals', 'Example.com/team', false],
    ['a prefix with "_"', 'ex_ample.com/team', false],
    ['a prefix part ending in "-"', 'example-.com/team', false],
    ['a name that is not ASCII', 'équipe', false],
  ];
  it.each(cases)('%s: "%s" is %s', (_d, key, ok) => expect(isLabelKey(key)).toBe(ok));
});

describe('label values', () => {
  const cases: Array<[string, string, boolean]> = [
    ['empty', '', true],
    ['a name', 'analytics', true],
    ['63 characters', `a${'-'.repeat(61)}z`, true],
    ['64 characters', `a${'-'.repeat(62)}z`, false],
    ['a "/"', 'a/b', false],
    ['a space', 'a b', false],
    ['a comma', 'a,b', false],
    ['a leading space', ' a', false],
    ['ending in "."', 'a.', false],
    ['HTML', '<b>', false],
  ];
  it.each(cases)('%s: "%s" is %s', (_d, value, ok) => expect(isLabelValue(value)).toBe(ok));
});

describe('labelValueOf', () => {
  it('keeps a label value as it is', () => {
    for (const v of ['', 'analytics', `a${'-'.repeat(61)}z`]) expect(labelValueOf(v)).toBe(v);
  });
  it('folds any other text to a label value, two texts of one head to two values', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (t) => {
      expect(isLabelValue(labelValueOf(t)), JSON.stringify(t)).toBe(true);
    }), { numRuns: 1000, seed: 19 });
    const a = `ds${'x'.repeat(61)}9`;
    const b = `ds${'x'.repeat(61)}8`;
    expect(labelValueOf(a)).not.toBe(labelValueOf(b));
  });
});

describe('labelsSchema', () => {
  const problems = (labels: unknown) => {
    const r = labelsSchema.safeParse(labels);
    return r.success ? [] : zodProblems(r.error, 'metadata.labels').map((p) => p.path);
  };
  it('names each broken label by its key in brackets, a key before its value', () => {
    expect(problems({ 'A B': 'x', 'a.b/c': 'd e', ok: 'fine' })).toEqual(['metadata.labels["A B"]', 'metadata.labels["a.b/c"]']);
  });
  it('takes at most 64 labels', () => {
    expect(problems(Object.fromEntries(Array.from({ length: 64 }, (_, i) => [`k${i}`, 'v'])))).toEqual([]);
    expect(problems(Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, 'v'])))).toEqual(['metadata.labels']);
  });
});

describe('every label the rule takes can be selected', () => {
  const char = (s: string) => fc.constantFrom(...s.split(''));
  const inside = char('abcXYZ019-_.,= /!é');
  const text = fc.array(inside, { maxLength: 70 }).map((a) => a.join(''));
  const key = fc.oneof(text, fc.tuple(text, text).map(([p, n]) => `${p.toLowerCase()}/${n}`));
  it('by key=value, key!=other and key', () => {
    fc.assert(
      fc.property(key, text, (k, v) => {
        fc.pre(isLabelKey(k) && isLabelValue(v));
        const labels = { [k]: v };
        expect(matches(parseSelector(`${k}=${v}`), labels)).toBe(true);
        expect(matches(parseSelector(`${k}!=${v}x`), labels)).toBe(true);
        expect(matches(parseSelector(k), labels)).toBe(true);
      }),
      { numRuns: 2000, seed: 19 },
    );
  });
});
