/**
 * Where a helper program or thread of strata is started from: its compiled copy in dist/
 * when this process runs the TypeScript sources (tsx, the test suite) and dist/ is built
 * and newer than every source (scripts/dist-fresh.cjs; the test suite's set-up builds it),
 * so that the helper (a pod's quarterback, the process launcher, the watchdog, a CPU-pool
 * thread) runs the same code without registering tsx and compiling each of its modules
 * again; the source file itself otherwise.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = new URL('../', import.meta.url);
// Compiled, this file is dist/runtime/built-copy.js, and what it is asked for is compiled too.
const fromSources = import.meta.url.endsWith('.ts');

/** Whether dist/ was fresh when first asked in this process (scripts/dist-fresh.cjs walks some 400 files and directories). */
let fresh: boolean | undefined;

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
