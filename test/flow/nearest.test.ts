import { describe, expect, it } from 'vitest';
import { didYouMean, nearest } from '../../src/flow/nearest.ts';

describe('nearest name', () => {
  const cases: Array<{ name: string; known: string[]; want: string | undefined }> = [
    { name: 'biuld', known: ['build', 'test'], want: 'build' },
    { name: 'dependson', known: ['dependsOn', 'id'], want: 'dependsOn' },
    { name: 'sequnce', known: ['task', 'sequence', 'graph'], want: 'sequence' },
    { name: 'teleport', known: ['task', 'pod', 'sequence', 'graph', 'fanOut', 'fanIn', 'cycle', 'use', 'generate'], want: undefined },
    { name: 'a', known: ['b', 'xyz'], want: 'b' },
    { name: 'build', known: ['build'], want: undefined },
  ];
  for (const c of cases) it(`${c.name} -> ${c.want ?? 'nothing'}`, () => {
    expect(nearest(c.name, c.known)).toBe(c.want);
  });

  it('says it as a hint, or nothing', () => {
    expect(didYouMean('biuld', ['build'])).toBe(' (did you mean "build"?)');
    expect(didYouMean('zzzzzz', ['build'])).toBe('');
  });
});

describe('didYouMean with the problems already found', () => {
  it.each([
    ['none found yet', 0, ' (did you mean "build"?)'],
    ['49 found: this one is still shown', 49, ' (did you mean "build"?)'],
    ['50 found: this one is not shown, no suggestion made', 50, ''],
  ])('%s', (_name, found, want) => {
    expect(didYouMean('biuld', ['build', 'test'], found)).toBe(want);
  });
});
