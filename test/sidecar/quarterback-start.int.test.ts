/**
 * What the quarterbacks load when they start (docs/performance.md, "The suite's CPU"): each
 * pod on the local runtime starts one, from dist/sidecar/bin.cjs once built, and it runs its
 * bundle, dist/bundle/quarterback.js, not some 90 compiled modules each resolved, read and
 * compiled apart; each pod of the stand-in Kubernetes cluster starts the Kubernetes
 * quarterback's bundle, the client in it. Counted from a real process (a preload records
 * its loads, as test/cli/cli-start.int.test.ts does for the CLI), not timed.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDirs } from '../support/temp-dirs.ts';

const newTempDir = useTempDirs('strata-qb-start-');

/** `node FILE` with no plan: what it said, its exit code, and the files its module loader read (the preload's own left out). */
function started(file: string): { stderr: string; status: number | null; files: string[] } {
  const loads = join(newTempDir(), 'loads');
  const preload = resolve('test/fixtures/cli/record-loads.mjs');
  const r = spawnSync(process.execPath, [file], { env: { ...process.env, STRATA_TEST_LOADS: loads, NODE_OPTIONS: `--import=${preload}` }, encoding: 'utf8' });
  const files = readFileSync(loads, 'utf8').split('\n').filter((l) => l.startsWith('file ')).map((l) => l.slice(5)).filter((u) => !u.includes('/test/fixtures/cli/record-loads'));
  return { stderr: r.stderr, status: r.status, files };
}

describe('the built quarterbacks', () => {
  it('dist/sidecar/bin.cjs runs dist/bundle/quarterback.js, no compiled module beside it and no package of node_modules', () => {
    const r = started('dist/sidecar/bin.cjs');
    // No plan given: it says how to give one (exit 2), its modules all loaded by then.
    expect(r.stderr).toBe('usage: quarterback PLAN.json (or set STRATA_MICRO_PLAN)\n');
    expect(r.status).toBe(2);
    expect(r.files.filter((u) => u.endsWith('/dist/bundle/quarterback.js'))).toHaveLength(1);
    expect(r.files.filter((u) => !u.endsWith('/dist/bundle/quarterback.js') && !u.endsWith('/dist/sidecar/bin.cjs'))).toEqual([]);
  });

  it('dist/bundle/kube-quarterback.js, the Kubernetes quarterback the stand-in cluster runs, loads no package of node_modules: the client is in it', () => {
    const r = started('dist/bundle/kube-quarterback.js');
    // Outside a pod: it says what it misses (exit non-zero), its modules all loaded by then.
    expect(r.stderr).toContain('quarterback: cannot start: STRATA_POD_PLAN_FILE is not set');
    expect(r.status).not.toBe(0);
    expect(r.files.filter((u) => !u.endsWith('/dist/bundle/kube-quarterback.js'))).toEqual([]);
  });
});
