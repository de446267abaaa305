import { describe, expect, it } from 'vitest';
import { INPUT_REF } from '../../src/flow/task-schema.ts';
import { artifactPath } from '../../runtime/step-files.ts';

describe('input references', () => {
  it.each([
    ['a step from the unit root', 'a:out', true],
    ['a nested step', 'tree/us-west/sf:out', true],
    ['a sibling', './load:x', true],
    ['up two levels', '../../tree/world:out', true],
    ['a ring member of a round', 'ring/x#2:out', true],
    ['a climb in the middle', 'a/../../../../etc:passwd', false],
    ['only climbs', '../..:x', false],
    ['an absolute path', '/etc:passwd', false],
    ['a dot segment', 'a/./b:o', false],
    ['no output', 'a', false],
  ])('%s: %s is %s', (_d, ref, ok) => {
    expect(INPUT_REF.test(ref)).toBe(ok);
  });

  it('never resolves an artifact outside the run', () => {
    expect(artifactPath('/art', 'r1', 'a/b', 'out')).toBe('/art/r1/a/b/out');
    expect(() => artifactPath('/art', 'r1', 'a/../../x', 'out')).toThrow(/not a step and output of this run/);
    expect(() => artifactPath('/art', 'r1', 'a', '..')).toThrow();
  });
});
