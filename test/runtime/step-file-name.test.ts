import { describe, expect, it } from 'vitest';
import { bounded, legacyStepSegments, MAX_NAME, stepFileName, stepSegments } from '../../runtime/step-file-name.ts';

describe('step paths as file names', () => {
  it('keeps short names readable', () => {
    expect(stepFileName('loop/3/a#2')).toBe('loop~3~a~2');
    expect(stepSegments('a/b')).toEqual(['a', 'b']);
  });

  it('bounds long and deep paths with a readable prefix and a hash of the whole, one name per path', () => {
    const deep = Array.from({ length: 12 }, () => 'call-the-countdown-again').join('/');
    const a = stepFileName(`${deep}/dec`);
    const b = stepFileName(`${deep}/show`);
    expect(a.length).toBe(MAX_NAME);
    expect(a.startsWith('call-the-countdown-again~call')).toBe(true);
    expect(a).not.toBe(b);
    expect(stepFileName(`${deep}/dec`)).toBe(a);
    const long = 'x'.repeat(300);
    expect(stepSegments(`${long}/a`)).toEqual([bounded(long), 'a']);
    expect(bounded(long).length).toBe(MAX_NAME);
  });

  it("joins an exit handler's segment to its node's, so no step's artifacts lie under a task's own", () => {
    expect(stepSegments('main/onExit')).toEqual(['main@onExit']);
    expect(stepSegments('g/a/onExit/x')).toEqual(['g', 'a@onExit', 'x']);
    expect(stepSegments('main/onExit/onExit')).toEqual(['main@onExit@onExit']);
    expect(stepSegments('onExit')).toEqual(['onExit']);
    expect(legacyStepSegments('g/onExit')).toEqual(['g', 'onExit']);
  });
});
