/**
 * For the suite's helper programs, which are plain JavaScript so that node starts them
 * without tsx: a module of strata from its compiled copy in dist/ while dist/ is newer than
 * every source (scripts/dist-fresh.cjs; the suite's set-up builds it), from its TypeScript
 * source through tsx otherwise, as runtime/built-copy.ts chooses for strata's own helpers.
 * A helper started with `node --import tsx` compiled each module it loaded at every start:
 * 0.45 s of CPU more for the pid lock's user, some 1.5 s for a `strata serve` (docs/performance.md).
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = new URL('../../', import.meta.url);
const { distFresh } = createRequire(import.meta.url)('../../scripts/dist-fresh.cjs');
const fresh = distFresh(fileURLToPath(root));
if (!fresh) (await import('tsx/esm/api')).register();

/** The module at `path` (relative to the checkout, e.g. `src/store/run-store.ts`): its dist/ copy when fresh, else the source. */
export const load = (path) => import(new URL(fresh ? `dist/${path.replace(/\.ts$/, '.js')}` : path, root).href);
