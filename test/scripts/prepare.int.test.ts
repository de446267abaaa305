/**
 * npm's `prepare` (run by `npm install`, and by `npx strata` in a checkout, which installs the
 * checkout into npx's cache the first time: a checkout's own node_modules/.bin has no strata)
 * builds dist/ only when it is stale. It had rebuilt it each time, so the README's first run
 * (`npm start`, then `npx strata apply ...` beside it) rebuilt strata under the running
 * `strata up`, which then refused every request: `strata was built again after this process
 * started (...): restart it` (tester 17). Run on a copy of this checkout, its times kept.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, symlinkSync, utimesSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DIST_INPUTS } from '../support/dated-checkout.ts';
import { useTempDirs } from '../support/temp-dirs.ts';

const tempDir = useTempDirs('strata-prepare-');

/**
 * A copy of this checkout's build inputs, built dist/ and ui/, every file's time kept (the
 * suite's set-up built dist/ after them) and dist/BUILT dated now, after the directories the
 * copy made; node_modules linked.
 */
function copyCheckout(): string {
  const root = tempDir();
  for (const p of [...DIST_INPUTS, 'scripts', 'bin', 'ui', 'dist']) cpSync(resolve(p), join(root, p), { recursive: true, preserveTimestamps: true });
  symlinkSync(resolve('node_modules'), join(root, 'node_modules'));
  const now = new Date();
  utimesSync(join(root, 'dist', 'BUILT'), now, now);
  return root;
}

describe('npm run prepare', () => {
  it('keeps a dist/ newer than its sources as it is, and says so', () => {
    const root = copyCheckout();
    const before = readFileSync(join(root, 'dist', 'BUILT'), 'utf8');
    const r = spawnSync('npm', ['run', 'prepare'], { cwd: root, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } });
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('strata: dist/ is up to date (newer than its sources)');
    expect(readFileSync(join(root, 'dist', 'BUILT'), 'utf8')).toBe(before);
  });
});
