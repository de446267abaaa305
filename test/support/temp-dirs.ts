/** Temporary folders for a file of tests, and counting what the tests' steps wrote in them. */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/**
 * A maker of temporary folders (`<os tmpdir>/<prefix>XXXXXX`) for a file of tests: call it at
 * the top of the file; every folder it made is removed, with what is in it, after the file's tests.
 */
export function useTempDirs(prefix: string): () => string {
  const made: string[] = [];
  afterAll(() => {
    for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    made.push(dir);
    return dir;
  };
}

/** How many non-empty lines file `name` in `dir` has (0 when it does not exist): how often a step that appends a line ran. */
export function linesIn(dir: string, name: string): number {
  return existsSync(join(dir, name)) ? readFileSync(join(dir, name), 'utf8').split('\n').filter(Boolean).length : 0;
}
