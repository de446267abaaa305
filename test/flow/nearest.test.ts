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
