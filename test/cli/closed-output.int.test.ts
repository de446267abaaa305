/**
 * Tester 13: a `strata` command whose standard error's reader has gone away (`strata plan
 * F 2>&1 >/dev/null | head -1`, a closed terminal) spun a CPU forever instead of exiting: the
 * refusal's second line met EPIPE, the stream's error went to the uncaught-exception handler,
 * which wrote to the same stream again. A reader of either stream gone, the command ends with
 * the exit code it had (plan refused: 2; no service: 7; planned: 0). Real processes.
 */
import { spawn } from 'node:child_process';
import { resolve as resolvePath } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const started = new Set<import('node:child_process').ChildProcess>();
// A command that never ends (the fault) is stopped with the file, not left spinning.
afterAll(() => {
  for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

/** `strata ARGS` with the named streams' read ends closed at once; resolves with its exit code (a process that never ends times the test out). */
function withClosed(args: string[], closed: Array<'stdout' | 'stderr'>, env: Record<string, string> = {}): Promise<number | null> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [resolvePath('bin/strata.js'), ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    started.add(child);
    for (const s of ['stdout', 'stderr'] as const) {
      if (closed.includes(s)) child[s].destroy();
      else child[s].resume();
    }
    child.on('exit', (code) => done(code));
  });
}

const OVER = ['plan', 'test/fixtures/limits/twelve-tasks.yaml'];
const LIMIT = { STRATA_MAX_RUN_STEPS: '10' };

describe('a command whose output has no reader', () => {
  it('a refusal (two lines on stderr) with stderr closed: exit 2, as with a reader', async () => {
    expect(await withClosed(OVER, ['stderr'], LIMIT)).toBe(2);
    expect(await withClosed(OVER, ['stdout', 'stderr'], LIMIT)).toBe(2);
  });

  it('a service that cannot be reached, with stderr closed: exit 7, as with a reader', async () => {
    expect(await withClosed(['runs', 'list'], ['stderr'], { STRATA_URL: 'http://127.0.0.1:1' })).toBe(7);
  });

  it('a plan printed with stdout closed ends 0 (a reader that goes away is no error); with stderr closed too', async () => {
    expect(await withClosed(['plan', 'examples/flows/graph-dfs.yaml'], ['stdout'])).toBe(0);
    expect(await withClosed(['plan', 'examples/flows/graph-dfs.yaml'], ['stdout', 'stderr'])).toBe(0);
  });
});
