/**
 * What a `strata` command loads when it starts (docs/performance.md, "The CLI's start"): the
 * test suite starts the CLI about a thousand times, so each module it need not read, and each
 * of Node's own it need not compile, is paid a thousand times. Counted from a real process
 * (a preload records its loads), not timed.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runStrata } from '../support/processes.ts';
import { cliEnv, useRunService } from '../support/use-run-service.ts';
import { useTempDirs } from '../support/temp-dirs.ts';

const newTempDir = useTempDirs('strata-cli-start-');

const svc = useRunService();
const env = cliEnv(svc);

/** `strata ARGS` with the loads recorded: its result, the files its module loader read, and Node's own modules it loaded. */
async function recorded(args: string[], extra: Record<string, string> = {}) {
  const loads = join(newTempDir(), 'loads');
  const preload = resolve('test/fixtures/cli/record-loads.mjs');
  const r = await runStrata(args, { ...extra, STRATA_TEST_LOADS: loads, NODE_OPTIONS: `--import=${preload}` });
  const lines = readFileSync(loads, 'utf8').split('\n').filter(Boolean);
  const files = lines.filter((l) => l.startsWith('file ')).map((l) => l.slice(5)).filter((u) => !u.includes('/test/fixtures/cli/record-loads'));
  const node = lines.filter((l) => l.startsWith('node ')).map((l) => l.slice(5));
  return { ...r, files, node };
}

describe('the CLI starts from its bundle', () => {
  it('strata import argo reads its code from dist/bundle/, no compiled module of dist/src/ and no package of node_modules', async () => {
    const r = await recorded(['import', 'argo', 'test/fixtures/argo/dag.yaml']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^apiVersion: strata\/v1\nkind: Flow\n/);
    expect(r.files.filter((u) => u.includes('/dist/bundle/')).length).toBeGreaterThan(0);
    expect(r.files.filter((u) => u.includes('/dist/src/') || u.includes('/node_modules/'))).toEqual([]);
  });

  it('strata plan the same', async () => {
    const r = await recorded(['plan', 'test/fixtures/flows/ok/etl.yaml']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toHaveProperty('kind', 'Plan');
    expect(r.files.filter((u) => u.includes('/dist/src/') || u.includes('/node_modules/'))).toEqual([]);
  });
});

describe('the CLI asks the API through node:http', () => {
  it('strata apply and strata runs list never load undici (what the global fetch loads first)', async () => {
    const apply = await recorded(['apply', 'test/fixtures/flows/ok/etl.yaml'], env);
    expect(apply.stderr).toBe('');
    expect(apply.stdout).toMatch(/^flow etl@1 (created|unchanged)\n$/);
    const list = await recorded(['flows', 'list', '-o', 'name'], env);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain('etl');
    // -o yaml: the yaml package, imported lazily, with its named exports (bundled, a CommonJS package imported by import() kept its default only).
    const got = await recorded(['flows', 'get', 'etl@1', '-o', 'yaml'], env);
    expect(got.stderr).toBe('');
    expect(got.stdout).toMatch(/^kind: Flow$/m);
    for (const r of [apply, list, got]) {
      expect(r.node.some((m) => m.includes('http'))).toBe(true);
      expect(r.node.filter((m) => m.includes('undici'))).toEqual([]);
    }
  });

  it('an API error still comes back as its code and message, exit non-zero', async () => {
    const r = await recorded(['flows', 'get', 'no-such-flow'], env);
    expect(r.stderr).toBe('strata: no flow named "no-such-flow"\n');
    expect(r.code).toBe(4);
  });
});
