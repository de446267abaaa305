/** Windows of a JSON-lines file, checked against a naive reading of the whole file, in any order of rounds. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readFileWindow } from '../../runtime/file-window.ts';
import { useTempDirs } from '../support/temp-dirs.ts';

const newTempDir = useTempDirs('strata-fw-');

const dir = newTempDir();
let n = 0;

describe('readFileWindow', () => {
  it('gives round r the non-blank lines [r*size, (r+1)*size), whatever rounds were read before', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.integer().map((v) => JSON.stringify({ v })), fc.constant(''), fc.constant('   ')), { maxLength: 40 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 7 }),
        fc.array(fc.nat(9), { minLength: 1, maxLength: 12 }),
        async (lines, crlf, size, rounds) => {
          const path = join(dir, `f${n++}.jsonl`);
          writeFileSync(path, lines.join(crlf ? '\r\n' : '\n') + (lines.length && n % 2 ? '\n' : ''));
          const values = lines.filter((l) => l.trim() !== '').map((l) => JSON.parse(l));
          for (const r of rounds) {
            const got = await readFileWindow(path, r, size);
            expect(got.items).toEqual(values.slice(r * size, (r + 1) * size));
            expect(got.drained).toBe(values.length <= (r + 1) * size);
          }
        },
      ),
      { numRuns: 150, seed: 11 },
    );
  });

  it('reads the whole file in round 0 without a size, and tells a missing file', async () => {
    const path = join(dir, 'all.jsonl');
    writeFileSync(path, '{"a":1}\n\n{"a":2}\n');
    expect(await readFileWindow(path, 0)).toEqual({ items: [{ a: 1 }, { a: 2 }], drained: true });
    await expect(readFileWindow(join(dir, 'nope.jsonl'), 0, 2)).rejects.toThrow(/ENOENT/);
  });
});

describe('readFileWindow and nesting', () => {
  it('refuses a line nested deeper than strata reads, naming the line, before parsing it', async () => {
    const path = join(dir, 'deep.jsonl');
    writeFileSync(path, `{"a":1}\n${'['.repeat(6000)}${']'.repeat(6000)}\n`);
    await expect(readFileWindow(path, 0)).rejects.toThrow(/line 2 is JSON nested more than 256 levels deep/);
  });
});
