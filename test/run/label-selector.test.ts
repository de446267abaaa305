/** Label selectors as kubectl and argo read them. */
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
