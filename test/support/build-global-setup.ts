/**
 * vitest global set-up: compile strata into dist/ once, so tests that run `bin/strata.js` run
 * the code under test, built; skipped when dist/ is newer than every source (`npm install`
 * has just built it, or an earlier run did).
 */
import { execFileSync } from 'node:child_process';

export function setup(): void {
  execFileSync(process.execPath, ['scripts/build.mjs', '--if-stale'], { stdio: 'inherit' });
}
