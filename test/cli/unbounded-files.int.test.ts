/**
 * Argo tester 8, S9: the CLI reads a document file within the byte limit of an HTTP body
 * (STRATA_MAX_BODY_BYTES): `/dev/zero` and a FIFO fed without end are refused naming the
 * file and the limit (exit 2), on every command that reads documents; real processes.
 * Tester 18: a parameter file (`-f`) too (it was read whole: `/dev/zero` never returned), and
 * a directory is named as one (it was 'cannot read (EISDIR)', exit 4 as if not found).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runStrata } from '../support/processes.ts';

const dir = mkdtempSync(join(tmpdir(), 'strata-s9-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// No strata is running there: every command must stop at the file before it asks for one.
const env = { STRATA_URL: 'http://127.0.0.1:9', STRATA_MAX_BODY_BYTES: String(8 * 1024 * 1024) };
const LIMIT = `more than ${8 * 1024 * 1024} bytes, the limit of a document (STRATA_MAX_BODY_BYTES, as for an HTTP body)`;
/** The line after it: how to raise the limit (issue 9). */
const HINT = "strata: to raise it, set STRATA_MAX_BODY_BYTES higher in this command's environment (docs/flow-language.md#limits)";
/** An Argo Workflow with parameters, for the commands that also read a parameter file. */
const WF = join(import.meta.dirname, '../fixtures/argo/submit-opts/two-entries.yaml');

describe('a document file without end (S9)', { timeout: 120_000 }, () => {
  it.each([
    [['import', 'argo', '/dev/zero']],
    [['apply', '/dev/zero']],
    [['runs', 'submit', '/dev/zero']],
    [['plan', '/dev/zero']],
  ])('strata %j is refused at the limit, naming the file', async (args) => {
    const r = await runStrata(args, env);
    expect(r.stderr).toBe(`strata: /dev/zero: ${LIMIT}\n${HINT}\n`);
    expect(r.code).toBe(2);
  });

  it.each([
    [['runs', 'submit', 'WF', '-f', '/dev/zero']],
    [['apply', 'WF', '--run', '--parameter-file', '/dev/zero']],
  ])('a parameter file without end, strata %j: refused at the limit, naming it', async (args) => {
    const r = await runStrata(args.map((a) => (a === 'WF' ? WF : a)), env);
    expect(r.stderr).toBe(`strata: --parameter-file /dev/zero: ${LIMIT}\n${HINT}\n`);
    expect(r.code).toBe(2);
  });

  it('a directory given as a document or a parameter file: refused naming it (exit 2), on every command', async () => {
    for (const args of [['import', 'argo', dir], ['apply', dir], ['runs', 'submit', dir], ['plan', dir], ['runs', 'submit', WF, '-f', dir]]) {
      const r = await runStrata(args, env);
      const named = args.includes('-f') ? `--parameter-file ${dir}` : dir;
      expect(r.stderr, args.join(' ')).toBe(`strata: ${named}: is a directory; give a document file\n`);
      expect(r.code, args.join(' ')).toBe(2);
    }
  });

  it('a FIFO its writer never closes: refused at the limit, the writer left to end', async () => {
    const fifo = join(dir, 'endless.yaml');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    // A writer that never stops by itself: `yes` fills the FIFO with YAML-looking lines.
    const writer = spawn('sh', ['-c', `exec yes 'a: 1' > "${fifo}"`], { stdio: 'ignore' });
    const ended = new Promise<void>((resolve) => writer.once('exit', () => resolve()));
    const r = await runStrata(['import', 'argo', fifo], env);
    expect(r.stderr).toBe(`strata: ${fifo}: ${LIMIT}\n${HINT}\n`);
    expect(r.code).toBe(2);
    // The reader gone, the writer ends by SIGPIPE.
    await ended;
  });
});
