import { describe, expect, it } from 'vitest';
import { resolveInputs, resolveStep } from '../../src/engine/inputs.ts';

describe('input references', () => {
  const cases: Array<{ name: string; path: string; step: string; unit: string; want: string }> = [
    { name: 'a plain path starts at the flow root', path: 'extract', step: 'load', unit: '', want: 'extract' },
    { name: 'a plain path reaches into composites by their ids', path: 'etl/extract', step: 'report', unit: '', want: 'etl/extract' },
    { name: 'inside a use unit a plain path starts at the unit root', path: 'prep', step: 'u/norm', unit: 'u', want: 'u/prep' },
    { name: './ starts at the step\'s parent: a sibling in the same fan-out item', path: './load', step: 'fan/3/save', unit: '', want: 'fan/3/load' },
    { name: '../ climbs out of the parent', path: '../prep', step: 'fan/3/save', unit: '', want: 'fan/prep' },
    { name: './ reaches a sibling ring member of the same round', path: './read#2', step: 'ring/score#2', unit: '', want: 'ring/read#2' },
  ];
  for (const { name, path, step, unit, want } of cases) it(name, () => {
    expect(resolveStep(path, step, unit)).toBe(want);
  });

  it('splits "step:output" at the last colon and keeps the output name', () => {
    expect(resolveInputs({ raw: 'extract:rows.json', peer: './load:out' }, 'fan/1/save', '')).toEqual({
      raw: { step: 'extract', output: 'rows.json' },
      peer: { step: 'fan/1/load', output: 'out' },
    });
  });

  it('a step without inputs gets none', () => {
    expect(resolveInputs(undefined, 'a', '')).toEqual({});
  });
});
