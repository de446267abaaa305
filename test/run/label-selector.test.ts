/** Label selectors as kubectl and argo read them. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matches, parseSelector } from '../../src/run/label-selector.ts';

describe('label selectors', () => {
  const labels = { team: 'analytics', env: 'prod' };
  const cases: Array<[string, boolean]> = [
    ['team=analytics', true],
    ['team==analytics', true],
    ['team=finance', false],
    ['team=analytics,env=prod', true],
    ['team=analytics,env!=prod', false],
    ['owner!=me', true],
    ['env', true],
    ['owner', false],
    ['', true],
  ];
  for (const [text, want] of cases) it(`"${text}" ${want ? 'matches' : 'does not match'}`, () => expect(matches(parseSelector(text), labels)).toBe(want));

  it('refuses a part that is not a selector, naming it', () => {
    expect(() => parseSelector('team=a,=b')).toThrow('label selector part "=b" is not key=value, key!=value or key');
  });
});

describe('parseSelector reads a part in one pass', () => {
  /** What the regular expression it replaced made of a part (quadratic in a part of many spaces). */
  const OLD = /^([^=!]+?)\s*(==|!=|=)\s*(.*)$/;
  const old = (text: string): unknown => {
    try {
      return text.split(',').map((p) => p.trim()).filter(Boolean).map((raw) => {
        const m = OLD.exec(raw);
        return m ? { key: m[1].trim(), op: m[2] === '!=' ? '!=' : '=', value: m[3].trim() } : { key: raw.trim(), op: 'exists' };
      }).map((s) => (/^[a-z]+$/.test(s.key) ? s : 'refused'));
    } catch {
      return 'refused';
    }
  };
  const now = (text: string): unknown => {
    try {
      return parseSelector(text).map((s) => ({ key: s.key, op: s.op, ...(s.value !== undefined ? { value: s.value } : {}) }));
    } catch {
      return 'refused';
    }
  };

  it('as the regular expression did, for every selector of plain keys', () => {
    const texts = fc.array(fc.constantFrom('a', 'b', '=', '!', ' ', '\t', '\n', ','), { maxLength: 16 }).map((p) => p.join(''));
    fc.assert(fc.property(texts, (text) => {
      const was = old(text);
      const is = now(text);
      if (Array.isArray(was) && was.includes('refused')) expect(is).toBe('refused');
      else expect(is).toEqual(was);
    }), { numRuns: 20_000 });
  });
});
