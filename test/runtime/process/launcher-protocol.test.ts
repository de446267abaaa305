import { describe, expect, it } from 'vitest';
import { frame, frameReader } from '../../../runtime/process/launcher-protocol.ts';

describe('launcher frames', () => {
  const frames: Array<[object, Buffer | undefined]> = [
    [{ t: 'spawn', id: 1, pid: 42 }, undefined],
    [{ t: 'data', id: 1, s: 1, n: 5 }, Buffer.from([0, 10, 255, 10, 0])],
    [{ t: 'data', id: 1, s: 2, n: 1 }, Buffer.from('\n')],
    [{ t: 'exit', id: 1, code: 0, signal: null }, undefined],
  ];
  const bytes = Buffer.concat(frames.map(([h, p]) => frame(h, p)));

  it.each([1, 2, 3, 7, bytes.length])('come out whole and in order, whatever the chunks (%i bytes a chunk)', (size) => {
    const got: Array<[object, Buffer | undefined]> = [];
    const read = frameReader<{ n?: number }>((h, p) => got.push([h, p]));
    for (let i = 0; i < bytes.length; i += size) read(bytes.subarray(i, i + size));
    expect(got.map(([h, p]) => [h, p && [...p]])).toEqual(frames.map(([h, p]) => [h, p && [...p]]));
  });

  it('pass a line that is not a frame to onJunk', () => {
    const junk: string[] = [];
    const got: object[] = [];
    frameReader((h) => got.push(h), (l) => junk.push(l))(Buffer.from('Error: cannot find module\n{"t":"ready"}\n'));
    expect(junk).toEqual(['Error: cannot find module']);
    expect(got).toEqual([{ t: 'ready' }]);
  });
});
