/**
 * Calls this process makes to node's fs functions, counted by wrapping them
 * (module.syncBuiltinESMExports carries the wrappers to every `import { readdir } from
 * 'node:fs...'` already loaded): what code under test lists or opens, not how long it takes.
 */
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { relative, resolve } from 'node:path';

const require = createRequire(import.meta.url);
const LISTINGS = ['readdir', 'readdirSync', 'opendir', 'opendirSync'] as const;
const OPENS = ['open', 'openSync'] as const;
const READS = ['readFile', 'readFileSync'] as const;

export interface Listings {
  /** listings of a directory at or under the roots since the count began */
  count(): number;
  /** the directories those listings were of, each with how many times it was listed */
  paths: Map<string, number>;
  /** Put node's functions back. */
  stop(): void;
}

/** The path a call's first argument names (a string, a Buffer or a file: URL), absolute; undefined for a descriptor. */
function pathOf(p: unknown): string | undefined {
  const path = typeof p === 'string' ? p : Buffer.isBuffer(p) ? p.toString() : p instanceof URL ? p.pathname : undefined;
  return path === undefined ? undefined : resolve(path);
}

/** Count this process's calls of `names` (in node:fs and node:fs/promises) whose path `counted` says to, until `stop()`. */
function countCalls(names: readonly string[], counted: (path: string) => boolean): Listings {
  let n = 0;
  const paths = new Map<string, number>();
  const modules = [require('node:fs'), require('node:fs/promises')] as Array<Record<string, (...a: unknown[]) => unknown>>;
  const undo: Array<() => void> = [];
  for (const m of modules) {
    for (const name of names) {
      const original = m[name];
      if (typeof original !== 'function') continue;
      m[name] = function (this: unknown, ...args: unknown[]) {
        const path = pathOf(args[0]);
        if (path !== undefined && counted(path)) {
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

/** Count this process's listings of directories at or under `roots` until `stop()`. */
export function countListings(roots: string[]): Listings {
  return countCalls(LISTINGS, (abs) => roots.some((r) => !relative(r, abs).startsWith('..')));
}

/** Count this process's opens (fs `open`, `openSync`, fs/promises `open`) of paths that `match` until `stop()`. */
export function countOpens(match: RegExp): Listings {
  return countCalls(OPENS, (abs) => match.test(abs));
}

/** Count this process's whole-file reads (fs `readFile`, `readFileSync`, fs/promises `readFile`: node 20 reads UTF-8 text without an `open` call) of paths that `match` until `stop()`. */
export function countReads(match: RegExp): Listings {
  return countCalls(READS, (abs) => match.test(abs));
}
