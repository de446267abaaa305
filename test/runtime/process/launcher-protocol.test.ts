import { describe, expect, it } from 'vitest';
import { frame, frameReader, nulByteIn, readSpawn, spawnFrame } from '../../../runtime/process/launcher-protocol.ts';

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

describe('spawn frames', () => {
  it('carry a start\'s arguments, environment and cwd whole, any text at all but a NUL (an = in a value, empty strings, other scripts)', () => {
    const request = { argv: ['sh', '-c', 'echo "$A" \u00e9\u4e2d\ud83d\ude00', ''], env: { A: 'x=y', EMPTY: '', PATH: '/bin' }, cwd: '/tmp/d\u00e9' };
    let got: unknown;
    frameReader<{ t: string; argc: number; n?: number }>((h, p) => (got = readSpawn(h.argc, p!)))(spawnFrame(7, request));
    expect(got).toEqual(request);
    let none: unknown;
    frameReader<{ t: string; argc: number; n?: number }>((h, p) => (none = readSpawn(h.argc, p!)))(spawnFrame(8, { argv: ['true'], env: {} }));
    expect(none).toEqual({ argv: ['true'], env: {} });
  });

  it('are refused for a string holding a NUL, naming it as Node\'s spawn does', () => {
    expect(nulByteIn({ argv: ['true'], env: { A: 'b' } })).toBeUndefined();
    expect(nulByteIn({ argv: ['echo', 'a', 'b\0'], env: {} })).toBe("The argument 'args[1]' must be a string without null bytes");
    expect(nulByteIn({ argv: ['t\0'], env: {} })).toBe("The argument 'file' must be a string without null bytes");
    expect(nulByteIn({ argv: ['true'], env: { A: '\0' } })).toBe("The property 'options.env['A']' must be a string without null bytes");
    expect(nulByteIn({ argv: ['true'], env: {}, cwd: '/\0' })).toBe("The argument 'options.cwd' must be a string without null bytes");
  });
});
