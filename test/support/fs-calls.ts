/**
 * Directory listings made by this process, counted by wrapping node's own fs functions
 * (module.syncBuiltinESMExports carries the wrappers to every `import { readdir } from
 * 'node:fs...'` already loaded): what code under test lists, not how long it takes.
 */
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { relative, resolve } from 'node:path';

const require = createRequire(import.meta.url);
const LISTINGS = ['readdir', 'readdirSync', 'opendir', 'opendirSync'] as const;

export interface Listings {
  /** listings of a directory at or under the roots since the count began */
  count(): number;
  /** the directories those listings were of, each with how many times it was listed */
  paths: Map<string, number>;
  /** Put node's functions back. */
  stop(): void;
}

/** Count this process's listings of directories at or under `roots` until `stop()`. */
export function countListings(roots: string[]): Listings {
  const under = (p: unknown): string | undefined => {
    const path = typeof p === 'string' ? p : Buffer.isBuffer(p) ? p.toString() : p instanceof URL ? p.pathname : undefined;
    if (path === undefined) return undefined;
    const abs = resolve(path);
    return roots.some((r) => !relative(r, abs).startsWith('..')) ? abs : undefined;
  };
  let n = 0;
  const paths = new Map<string, number>();
  const modules = [require('node:fs'), require('node:fs/promises')] as Array<Record<string, (...a: unknown[]) => unknown>>;
  const undo: Array<() => void> = [];
  for (const m of modules) {
    for (const name of LISTINGS) {
      const original = m[name];
      if (typeof original !== 'function') continue;
      m[name] = function (this: unknown, ...args: unknown[]) {
        const path = under(args[0]);
        if (path !== undefined) {
          n++;
          paths.set(path, (paths.get(path) ?? 0) + 1);
        }
        return original.apply(this, args);
      };
      undo.push(() => {
        m[name] = original;
      });
    }
  }
  syncBuiltinESMExports();
  return {
    count: () => n,
    paths,
    stop() {
      for (const u of undo) u();
      syncBuiltinESMExports();
    },
  };
}
