/** Kubernetes' `$(VAR)` expansion (Argo tester 8, S16), case by case as the kubelet's rule gives it. */
import { describe, expect, it } from 'vitest';
import { expandContainerFields, expandKube } from '../../src/flow/kube-expansion.ts';

const vars: Record<string, string> = { MSG: 'hello', EMPTY: '', 'A B': 'spaced' };
const look = (n: string): string | undefined => vars[n];

describe('expandKube', () => {
  it.each([
    ['greeting=$(MSG)', 'greeting=hello'],
    ['$(MSG)$(MSG)', 'hellohello'],
    ['escaped=$$(MSG)', 'escaped=$(MSG)'],
    ['$$$(MSG)', '$hello'],
    ['$$$$', '$$'],
    ['missing=$(NOPE)', 'missing=$(NOPE)'],
    ['empty=[$(EMPTY)]', 'empty=[]'],
    ['$(A B)', 'spaced'],
    ['open $(MSG', 'open $(MSG'],
    ['$x and $ and $', '$x and $ and $'],
    ['cost $5', 'cost $5'],
    ['$()', '$()'],
    ['no dollars', 'no dollars'],
    ['$(MSG))', 'hello)'],
  ])('%s → %s', (input, want) => {
    expect(expandKube(input, look)).toBe(want);
  });
});

describe('expandContainerFields', () => {
  it('env values from the entries before them, in order; command and args from all of them and strata\'s', () => {
    const out = expandContainerFields(
      { env: { MSG: 'hello', BOTH: '$(MSG)-world', LATER: '$(AFTER)', AFTER: 'x', SELF: '$(SELF)' }, command: ['echo', 'greeting=$(MSG) both=$(BOTH) escaped=$$(MSG) missing=$(NOPE)'], args: ['$(LATER)', '$(AFTER)', '$(STRATA_STEP)'] },
      { STRATA_STEP: 's' },
    );
    expect(out.env).toEqual({ MSG: 'hello', BOTH: 'hello-world', LATER: '$(AFTER)', AFTER: 'x', SELF: '$(SELF)' });
    expect(out.command).toEqual(['echo', 'greeting=hello both=hello-world escaped=$(MSG) missing=$(NOPE)']);
    expect(out.args).toEqual(['$(AFTER)', 'x', 's']);
  });

  it('no env: nothing to expand from but strata\'s own variables', () => {
    expect(expandContainerFields({ command: ['$(HOME)', '$(STRATA_RUN)'] }, { STRATA_RUN: 'r1' })).toEqual({ command: ['$(HOME)', 'r1'] });
  });
});
