/**
 * The build compiles the process launcher in C where a C compiler is, and goes on without it
 * where none is (runtime/process/launcher-client.ts then starts containers from the launcher
 * in TypeScript; test/runtime/local/local-runtime.int.test.ts runs the local runtime both ways).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const build = (out: string, cc?: string) => spawnSync(process.execPath, ['scripts/build-launcher.mjs', out], { encoding: 'utf8', env: { ...process.env, ...(cc !== undefined ? { CC: cc } : {}) } });
const compiler = spawnSync(process.env.CC || 'cc', ['--version']).status === 0;

describe('scripts/build-launcher.mjs', () => {
  it('without a C compiler: writes nothing, says so, and does not fail the build', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'strata-build-')), 'strata-launcher');
    const r = build(out, '/nonexistent/cc');
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('strata: the C process launcher is not built (no C compiler (/nonexistent/cc)); containers are started by the Node.js one\n');
    expect(existsSync(out)).toBe(false);
  });

  it.runIf(compiler)('with one: a launcher that says it is ready and exits when its stdin ends', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'strata-build-')), 'strata-launcher');
    const r = build(out);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(spawnSync(out, { input: '', encoding: 'utf8' })).toMatchObject({ status: 0, stdout: '{"t":"ready"}\n' });
  });
});
