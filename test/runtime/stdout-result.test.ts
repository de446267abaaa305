import { describe, expect, it } from 'vitest';
import { parseTrimmed, StdoutCapture } from '../../runtime/stdout-result.ts';

describe('standard output as a result', () => {
  it.each([
    ['42\n', 42],
    ['  ["a", "b"]\n\n', ['a', 'b']],
    ['hello world\n', 'hello world'],
    ['{"a": 1} trailing', '{"a": 1} trailing'],
    ['007', '007'],
    ['\n', ''],
    ['1.50\n', '1.50'],
    ['12345678901234567890\n', '12345678901234567890'],
    ['{"a": 1.0}', '{"a": 1.0}'],
  ])('%j reads as %j', (text, want) => expect(parseTrimmed(text)).toEqual(want));

  it('keeps the first bytes up to the limit, across chunks, and says it cut', () => {
    const c = new StdoutCapture('stdout', 10);
    c.add('[1, 2, ');
    c.add('3, 4, 5]');
    expect(c.result()).toEqual({ result: '[1, 2, 3,', note: expect.stringContaining('longer than 10 bytes') });
  });

  it('a result within the limit is parsed whole', () => {
    const c = new StdoutCapture('stdout', 10);
    c.add('[1,');
    c.add('2]\n');
    expect(c.result()).toEqual({ result: [1, 2] });
  });
});
