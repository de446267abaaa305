/**
 * The stdout wrapper of the Kubernetes runtime (runtime/kubernetes/stdout-wrapper.ts) run
 * for real by /bin/sh, as a task container or a gate assignment runs it: the program's
 * standard output still reaches the container's log (here: the process's stdout), a copy
 * of its first bytes is kept in the file, standard error is not, the exit code is the
 * program's, and a stop reaches the program. No Kubernetes is needed for this part.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { keepStdout } from '../../../runtime/kubernetes/stdout-wrapper.ts';
import { STDOUT_RESULT_LIMIT, stdoutFromFile } from '../../../runtime/stdout-result.ts';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function wrapped(argv: string[], opts: { stopAfterLine?: boolean } = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'strata-stdout-'));
  dirs.push(dir);
  const file = join(dir, '.strata-stdout');
  const [cmd, ...args] = keepStdout(argv, file);
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  let err = '';
  child.stdout.on('data', (b: Buffer) => {
    out += b.toString();
    if (opts.stopAfterLine && out.includes('\n')) process.kill(child.pid!, 'SIGTERM');
  });
  child.stderr.on('data', (b: Buffer) => (err += b.toString()));
  const code = await new Promise<number | null>((r) => child.once('close', (c) => r(c)));
  return { code, out, err, file, dir };
}

describe('the stdout wrapper, run by /bin/sh', () => {
  it('passes standard output on, keeps it in the file without standard error, and exits with the program\'s code', async () => {
    const r = await wrapped(['sh', '-c', 'echo \'{"n": 42}\'; echo "a warning" >&2; exit 3']);
    expect(r.code).toBe(3);
    expect(r.out).toBe('{"n": 42}\n');
    expect(r.err).toBe('a warning\n');
    expect(readFileSync(r.file, 'utf8')).toBe('{"n": 42}\n');
    expect(stdoutFromFile(r.file)).toEqual({ result: { n: 42 } });
    // Its FIFO and exit-code file are gone.
    expect(readdirSync(r.dir)).toEqual(['.strata-stdout']);
  });

  it('keeps the last bytes of a long output and two more, which all still reaches the log, and the result says it was cut', async () => {
    const r = await wrapped(['sh', '-c', 'echo HEAD; head -c 400000 /dev/zero | tr "\\0" a; echo; echo done']);
    expect(r.code).toBe(0);
    expect(r.out.length).toBe(5 + 400000 + 6);
    expect(readFileSync(r.file).length).toBe(STDOUT_RESULT_LIMIT + 2);
    const kept = stdoutFromFile(r.file)!;
    // The tail, as Argo keeps it: the answer a program prints last survives.
    expect(kept.result).toBe(`${'a'.repeat(STDOUT_RESULT_LIMIT - 6)}\ndone`);
    expect(kept.note).toContain(`longer than ${STDOUT_RESULT_LIMIT} bytes`);
  });

  it('passes arguments as they are, never through a shell line', async () => {
    const r = await wrapped(['printf', '%s|', 'a b', '$(echo no)', ';', '*']);
    expect(r.code).toBe(0);
    expect(readFileSync(r.file, 'utf8')).toBe('a b|$(echo no)|;|*|');
  });

  it('says so when the program cannot be found (127) and a stop ends the program it runs (143)', async () => {
    const missing = await wrapped(['/no/such/program']);
    expect(missing.code).toBe(127);
    const r = await wrapped(['sh', '-c', 'echo started; exec sleep 30'], { stopAfterLine: true });
    expect(r.code).toBe(143);
    expect(r.out).toBe('started\n');
    expect(existsSync(`${r.file}.fifo`)).toBe(false);
  });
});
