/** vitest global set-up: compile strata into dist/ once, so tests that run `bin/strata.js` run the code under test, built. */
import { execFileSync } from 'node:child_process';

export function setup(): void {
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
}
