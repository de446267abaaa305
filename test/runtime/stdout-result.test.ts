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

  it('keeps the last bytes up to the limit, across chunks, and says it cut (as Argo keeps the last 256 kB)', () => {
    const c = new StdoutCapture('stdout', 10);
    c.add('[1, 2, ');
    c.add('3, 4, 5]');
    expect(c.result()).toEqual({ result: ', 3, 4, 5]', note: expect.stringContaining('the result is its last 10 bytes') });
    const many = new StdoutCapture('text', 10);
    for (let i = 0; i < 1000; i++) many.add(`log line ${i}\n`);
    many.add('{"ok":1}\n');
    expect(many.result().result).toBe('9\n{"ok":1}');
  });

  it('text: one trailing newline is taken off before counting, as Argo does, then the last bytes are kept', () => {
    const fits = new StdoutCapture('text', 10);
    fits.add('abcdefghij\n');
    expect(fits.result()).toEqual({ result: 'abcdefghij' });
    const over = new StdoutCapture('text', 10);
    over.add('abcdefghijk\n');
    expect(over.result()).toEqual({ result: 'bcdefghijk', note: expect.stringContaining('longer than 10 bytes') });
  });

  it('a cut inside a character starts the result at the next character', () => {
    const c = new StdoutCapture('text', 5);
    c.add('xxé€!'); // é is 2 bytes, € 3: the last 5 bytes begin inside é
    expect(c.result().result).toBe('€!');
  });

  it('a result within the limit is parsed whole', () => {
    const c = new StdoutCapture('stdout', 10);
    c.add('[1,');
    c.add('2]\n');
    expect(c.result()).toEqual({ result: [1, 2] });
  });
  it('JSON nested deeper than strata reads is kept as text, in both modes, as a result over the size limit is', () => {
    const deep = `[1, ${'['.repeat(6000)}2${']'.repeat(6000)}]`;
    for (const mode of ['stdout', 'text'] as const) {
      const c = new StdoutCapture(mode);
      c.add(`${deep}\n`);
      expect(c.result().result).toBe(deep);
    }
  });
});
