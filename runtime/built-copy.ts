/**
 * Where a helper program or thread of strata is started from: its compiled copy in dist/
 * when this process runs the TypeScript sources (tsx, the test suite) and dist/ is built
 * and newer than every source (scripts/dist-fresh.cjs; the test suite's set-up builds it),
 * so that the helper (a pod's quarterback, the process launcher, the watchdog, a CPU-pool
 * thread) runs the same code without registering tsx and compiling each of its modules
 * again; the source file itself otherwise.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = new URL('../', import.meta.url);
// Compiled, this file is dist/runtime/built-copy.js, and what it is asked for is compiled too.
const fromSources = import.meta.url.endsWith('.ts');

/** Whether dist/ was fresh when first asked in this process (scripts/dist-fresh.cjs walks some 400 files and directories). */
let fresh: boolean | undefined;

/** dist/BUILT (scripts/build.mjs writes the time of its build there): under root compiled or bundled (both in dist/), under root/dist from the sources. */
const stampFile = fileURLToPath(new URL(fromSources ? 'dist/BUILT' : 'BUILT', root));
/** The build's stamp, or undefined while there is none (not built, or being built: build.mjs removes dist/ first). */
const readStamp = (): string | undefined => {
  try {
    return readFileSync(stampFile, 'utf8').trim();
  } catch {
    return undefined;
  }
};
/** What tells one dist/BUILT from another without reading it: inode, size, change and modification times (ns); '' while there is none. */
const identity = (): string => {
  const st = statSync(stampFile, { bigint: true, throwIfNoEntry: false });
  return st ? `${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}` : '';
};
/** The build there was as this process started (this module is loaded at start, by a static import), and its file's identity. */
const startedIdentity = identity();
const startedWith = readStamp();
/** The last answer and the identity of the file it was read from: asked again of the same file, it is given without a read. */
let last: { identity: string; answer: string | undefined } = { identity: startedIdentity, answer: undefined };

/**
 * Undefined while the programs this process starts from dist/ (builtCopy: the quarterback,
 * the process launcher, the watchdog) are the build it started with; else a sentence saying it
 * was built again since and to restart it. A process built before and a helper built after
 * do not speak one protocol (a tester saw every step of a running `strata up` fail with
 * `The "file" argument must be of type string` once the launcher's frames changed under it).
 * Asked at each pod's start and each CPU-pool task, so it costs one stat while dist/BUILT is
 * the file it last read (a build writes it anew: build.mjs removes dist/ first); the stamp is
 * read only when the file changed. A process that runs the sources with dist/ stale starts
 * the sources' helpers, and is not asked.
 */
export function rebuiltSinceStart(): string | undefined {
  if (fromSources && fresh !== true) return undefined;
  const id = identity();
  if (id === last.identity) return last.answer;
  const now = readStamp();
  const answer = now === startedWith ? undefined : `strata was built again after this process started (${stampFile}: ${startedWith ?? 'none'} then, ${now ?? 'none now: being built or removed'} now): restart it (strata up, strata worker), so that it and the programs it starts (the quarterback, the process launcher) are one build`;
  last = { identity: id, answer };
  return answer;
}

/**
 * `source` (a file URL in this checkout), or the same path under dist/ (`.ts` read as
 * `.js`) when running from sources and dist/ is fresh. Checked once a process, not at each
 * helper's start (each pod starts a quarterback): a process runs the sources it loaded when
 * it started, and its helpers the copy that was fresh then, not a source edited since.
 */
export function builtCopy(source: URL): URL {
  if (!fromSources || !source.href.startsWith(root.href)) return source;
  if (fresh === undefined) {
    const { distFresh } = createRequire(import.meta.url)('../scripts/dist-fresh.cjs') as { distFresh: (root: string) => boolean };
    fresh = distFresh(fileURLToPath(root));
  }
  if (!fresh) return source;
  return new URL(`dist/${source.href.slice(root.href.length).replace(/\.ts$/, '.js')}`, root);
}

/**
 * `compiled` (a file URL of a module under dist/), or dist/bundle/`name`.js beside it when
 * the build bundled that module there (scripts/build.mjs): one file, not each of its
 * modules resolved, read and compiled apart at every start of the thread that runs it.
 * One stat call.
 */
export function bundledCopy(compiled: URL, name: string): URL {
  const at = compiled.href.lastIndexOf('/dist/');
  if (at < 0) return compiled;
  const bundle = new URL(`${compiled.href.slice(0, at)}/dist/bundle/${name}.js`);
  return existsSync(fileURLToPath(bundle)) ? bundle : compiled;
}

/**
 * The module to run for `source` (a file URL in this checkout, `.ts` from the sources or its
 * `.js` compiled): builtCopy's choice, and when that is compiled, its bundle dist/bundle/`name`.js
 * if the build made one (bundledCopy).
 */
export function builtBundle(source: URL, name: string): URL {
  const copy = builtCopy(source);
  return copy.href.endsWith('.js') ? bundledCopy(copy, name) : copy;
}
