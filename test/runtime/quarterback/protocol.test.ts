import { describe, expect, it } from 'vitest';
import { decodeQuarterbackMessage, decodeWorkerMessage, encode, lineSplitter } from '../../../runtime/quarterback/protocol.ts';

describe('protocol', () => {
  it('round-trips messages as single lines', () => {
    const m = { type: 'step' as const, step: 'p/a', status: 'failed' as const, error: 'line one\nline two', at: 1 };
    const line = encode(m);
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toContain('\n');
    expect(decodeQuarterbackMessage(line)).toEqual(m);
    expect(decodeWorkerMessage(encode({ type: 'cancel', reason: 'r' }))).toEqual({ type: 'cancel', reason: 'r' });
  });

  it.each([
    ['not JSON', 'hello world'],
    ['an unknown type', '{"type":"shout"}'],
    ['a JSON array', '[1,2]'],
  ])('decodes %s as nothing', (_what, line) => {
    expect(decodeQuarterbackMessage(line)).toBeUndefined();
    expect(decodeWorkerMessage(line)).toBeUndefined();
  });

  it('splits a byte stream into lines, across chunk and multi-byte boundaries', () => {
    const lines: string[] = [];
    const s = lineSplitter((l) => lines.push(l));
    const bytes = Buffer.from('{"a":"é"}\n\n{"b":2}\n{"c"');
    s.push(bytes.subarray(0, 7)); // splits the two bytes of é
    s.push(bytes.subarray(7));
    s.push(':3}');
    expect(lines).toEqual(['{"a":"é"}', '{"b":2}']);
    s.end();
    expect(lines).toEqual(['{"a":"é"}', '{"b":2}', '{"c":3}']);
  });
});
