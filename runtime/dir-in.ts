/**
 * Make something inside a shared parent directory that its last user may remove at any
 * moment (a run's directory, removed with `rmdir` once its last pod or attempt is gone):
 * the parent is made, then `make` runs; should the parent vanish in between (ENOENT from
 * either), both are done again. Without this, two pods of one run coming and going at once
 * fail with ENOENT.
 */
import { mkdirSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';

/** Run `make` once `parent` exists, again as often as the parent is removed in between. */
export async function inDir<T>(parent: string, make: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      await mkdir(parent, { recursive: true });
      return await make();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
}

/**
 * `mkdir(dir)` inside `parent`, made first when missing and made again should it be
 * removed in between; synchronous (see inDir). Tries `dir` first: the parent usually exists.
 */
export function mkdirIn(parent: string, dir: string): void {
  for (;;) {
    try {
      mkdirSync(dir);
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    mkdirSync(parent, { recursive: true });
  }
}
