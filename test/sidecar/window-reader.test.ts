import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WindowReader } from '../../sidecar/window-reader.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'strata-window-'));
  await writeFile(join(dir, 'items.jsonl'), '{"n":1}\n{"n":2}\n\n{"n":3}\n');
  await writeFile(join(dir, 'bad.jsonl'), '{"n":1}\nnope\n');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const cmd = (source: string, size?: number, round = 0) => ({ type: 'window' as const, step: 'p/ring', round, source, endsBySource: true, ...(size ? { size } : {}) });

describe('WindowReader', () => {
  it('hands out `size` lines a round and says when the file is drained', async () => {
    const r = new WindowReader(dir);
    expect(await r.next(cmd('file://items.jsonl', 2, 0))).toEqual({ items: [{ n: 1 }, { n: 2 }], drained: false });
    expect(await r.next(cmd('file://items.jsonl', 2, 1))).toEqual({ items: [{ n: 3 }], drained: true });
    expect(await r.next(cmd('file://items.jsonl', 2, 2))).toEqual({ items: [], drained: true });
    expect(await r.next(cmd('file://items.jsonl', 2, 0))).toEqual({ items: [{ n: 1 }, { n: 2 }], drained: false }); // a round read again is the same window
  });

  it('gives everything in the first round without a size', async () => {
    expect(await new WindowReader(dir).next(cmd(`file://${join(dir, 'items.jsonl')}`))).toEqual({ items: [{ n: 1 }, { n: 2 }, { n: 3 }], drained: true });
  });

  it.each([
    ['a redis stream', 'redis-stream://k', 'cannot be read inside a pod'],
    ['a missing file', 'file://missing.jsonl', 'cycle source file://missing.jsonl: ENOENT'],
    ['a line that is not JSON', 'file://bad.jsonl', 'line 2 is not JSON'],
  ])('refuses %s with a sentence', async (_what, source, message) => {
    await expect(new WindowReader(dir).next(cmd(source))).rejects.toThrow(message);
  });
});
