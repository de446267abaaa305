/**
 * What the quarterback loads when it starts (docs/performance.md, "The test suite's helper
 * processes"): each pod on the local runtime starts one, from dist/sidecar/bin.cjs once
 * built, and it runs its bundle, dist/bundle/quarterback.js, not some 90 compiled modules
 * each resolved, read and compiled apart. Counted from a real process (a preload records
 * its loads, as test/cli/cli-start.int.test.ts does for the CLI), not timed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('the built quarterback', () => {
  it('dist/sidecar/bin.cjs runs dist/bundle/quarterback.js, no compiled module beside it and no package of node_modules', () => {
    const loads = join(mkdtempSync(join(tmpdir(), 'strata-qb-start-')), 'loads');
    const preload = resolve('test/fixtures/cli/record-loads.mjs');
    const r = spawnSync(process.execPath, ['dist/sidecar/bin.cjs'], { env: { ...process.env, STRATA_TEST_LOADS: loads, NODE_OPTIONS: `--import=${preload}` }, encoding: 'utf8' });
    // No plan given: it says how to give one (exit 2), its modules all loaded by then.
    expect(r.stderr).toBe('usage: quarterback PLAN.json (or set STRATA_MICRO_PLAN)\n');
    expect(r.status).toBe(2);
    const files = readFileSync(loads, 'utf8').split('\n').filter((l) => l.startsWith('file ')).map((l) => l.slice(5)).filter((u) => !u.includes('/test/fixtures/cli/record-loads'));
    expect(files.filter((u) => u.endsWith('/dist/bundle/quarterback.js'))).toHaveLength(1);
    expect(files.filter((u) => !u.endsWith('/dist/bundle/quarterback.js') && !u.endsWith('/dist/sidecar/bin.cjs'))).toEqual([]);
  });
});
