/**
 * The process launcher with real processes: output and exits passed back, and what happens
 * when either side dies; both of them, the one in C (launcher.c, built where a C compiler is)
 * and the one in TypeScript (launcher.ts), which speak one protocol.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Launcher, nativeLauncher, nodeLauncher, type LaunchedChild } from '../../../runtime/process/launcher-client.ts';
import { ProcessDriver } from '../../../runtime/process/process-driver.ts';
import { processRunning } from '../../../runtime/process/process-group.ts';
import { until } from '../../support/processes.ts';

const env = { PATH: process.env.PATH ?? '' };
/** Whether descriptor `fd` of process `pid` is closed at an exec (O_CLOEXEC in its /proc fdinfo flags, octal). */
function closeOnExec(pid: number, fd: string): boolean {
  try {
    const flags = /^flags:\s+([0-7]+)$/m.exec(readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8'))?.[1];
    return flags !== undefined && (parseInt(flags, 8) & 0o2000000) !== 0;
  } catch {
    return true; // closed meanwhile: not passed on
  }
}
const launchers: Launcher[] = [];
const leftover: number[] = [];
afterAll(async () => {
  await Promise.all(launchers.map((l) => l.close()));
  for (const pid of leftover) if (processRunning(pid)) process.kill(pid, 'SIGKILL');
});

const native = nativeLauncher({});
const compiler = spawnSync(process.env.CC || 'cc', ['--version']).status === 0;
const KINDS: Array<[string, string[] | undefined, Record<string, string>]> = [
  ['in C', native, {}],
  ['in TypeScript', nodeLauncher(), { STRATA_NATIVE_LAUNCHER: '0' }],
];

it('the launcher in C is built wherever a C compiler is (scripts/build-launcher.mjs)', () => {
  if (compiler) expect(native).toBeDefined();
  else expect(native).toBeUndefined();
});

/** Everything a launched child said, once it closed. */
function collect(child: LaunchedChild): Promise<{ out: Buffer; err: Buffer; exit: [number | null, string | null] | undefined; error?: Error }> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let exit: [number | null, string | null] | undefined;
  let error: Error | undefined;
  child.stdout.on('data', (b: Buffer) => out.push(b));
  child.stderr.on('data', (b: Buffer) => err.push(b));
  child.once('exit', (code, signal) => (exit = [code, signal]));
  child.once('error', (e: Error) => (error = e));
  return new Promise((resolve) => child.once('close', () => resolve({ out: Buffer.concat(out), err: Buffer.concat(err), exit, ...(error ? { error } : {}) })));
}

// Without a C compiler there is no launcher in C to test (the test above says which).
describe.each(KINDS.filter(([, command]) => command !== undefined))('the process launcher %s', (_, command, kindEnv) => {
  function launcher(): Launcher {
    const l = new Launcher(command!);
    launchers.push(l);
    return l;
  }

  it('passes a container\'s output back byte for byte, large or not text, and its exit', async () => {
    const l = launcher();
    // 2 MiB of every byte value on stdout, a line on stderr, exit code 3.
    const script = 'head -c 2097152 /dev/zero | tr "\\000" "\\377"; printf "\\001\\002\\n" >&2; exit 3';
    const r = await collect(l.spawn(['sh', '-c', script], { env }));
    expect(r.exit).toEqual([3, null]);
    expect(r.out.length).toBe(2 * 1024 * 1024);
    expect(r.out.every((b) => b === 0xff)).toBe(true);
    expect([...r.err]).toEqual([1, 2, 10]);
  });

  it('starts each container in a process group of its own, with exactly the environment given', async () => {
    const r = await collect(launcher().spawn(['sh', '-c', 'echo "$ONLY $HOME"; ps -o pgid= -p $$; echo $$'], { env: { ...env, ONLY: 'this' } }));
    const [vars, pgid, pid] = r.out.toString().trim().split('\n').map((x) => x.trim());
    expect(vars).toBe('this');
    expect(pgid).toBe(pid);
  });

  it('says why a container could not start', async () => {
    const exit = await new Promise<{ error?: string; exitCode: number | null }>((resolve) => new ProcessDriver({ launcher: launcher() }).start({ step: 's', attempt: 1, env, task: { image: 'x', command: ['no-such-program-here'] } }, resolve));
    expect(exit.error).toBe('could not start "no-such-program-here": command not found');
    // The program's failure with a shell's code (S10), not strata's error.
    expect(exit.exitCode).toBe(127);
  });

  it('starts a container as Node\'s spawn does: stdin empty, no other descriptor, in its cwd, the program looked up on its own PATH, a file without #! run by sh', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-launcher-'));
    writeFileSync(join(dir, 'plain'), 'echo "plain ran in $(pwd)"\n');
    chmodSync(join(dir, 'plain'), 0o755);
    const l = launcher();
    // `cat` reads /dev/null; the shell has its stdio and what Node's own spawn passes on too (a descriptor this process inherited).
    const started = l.spawn(['sh', '-c', 'cat; ls /proc/$$/fd | tr "\\n" " "; echo; plain'], { env: { PATH: `${dir}:${env.PATH}` }, cwd: dir });
    // Read in the tick the launcher was started (l.spawn starts it, synchronously): what it
    // inherited beyond its stdio is what this process held then without close-on-exec (other
    // work in this worker may open or close such a descriptor later).
    const held = readdirSync('/proc/self/fd').filter((fd) => Number(fd) > 2 && !closeOnExec(process.pid, fd));
    const r = await collect(started);
    expect(r.exit).toEqual([0, null]);
    const [fds, plain] = r.out.toString().trim().split('\n');
    // What Node's spawn passes on: stdio, and every descriptor its process holds without close-on-exec.
    expect(fds.trim().split(' ').sort()).toEqual(['0', '1', '2', ...held].sort());
    expect(plain).toBe(`plain ran in ${dir}`);
  });

  it('answers a start that cannot be made with Node\'s codes, through the process driver too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-launcher-'));
    writeFileSync(join(dir, 'noexec'), 'true\n');
    const l = launcher();
    const missing = await collect(l.spawn([join(dir, 'nothing')], { env }));
    expect(missing.error).toMatchObject({ code: 'ENOENT', message: `spawn ${join(dir, 'nothing')} ENOENT` });
    expect((await collect(l.spawn([join(dir, 'noexec')], { env }))).error).toMatchObject({ code: 'EACCES' });
    expect((await collect(l.spawn(['true'], { env, cwd: join(dir, 'gone') }))).error).toMatchObject({ code: 'ENOENT' });
    expect((await collect(l.spawn(['echo', 'a\0b'], { env }))).error).toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
    const start = (task: { image: string; command: string[]; workingDir?: string }) => new Promise<{ error?: string; exitCode: number | null }>((resolve) => new ProcessDriver({ launcher: l }).start({ step: 's', attempt: 1, env, task }, resolve));
    expect(await start({ image: 'x', command: [join(dir, 'noexec')] })).toMatchObject({ exitCode: 126, error: `could not start "${join(dir, 'noexec')}": permission denied (not executable?)` });
    expect(await start({ image: 'x', command: ['true'], workingDir: join(dir, 'gone') })).toMatchObject({ exitCode: null, error: `could not start "true": working directory ${join(dir, 'gone')} does not exist` });
    // 2.4 MB of environment in 20 variables, each under the 128 KiB one may hold: more than ARG_MAX together.
    const big = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`BIG${i}`, 'x'.repeat(120_000)]));
    const tooBig = await new Promise<{ error?: string; exitCode: number | null }>((resolve) => new ProcessDriver({ launcher: l }).start({ step: 's', attempt: 1, env: { ...env, ...big }, task: { image: 'x', command: ['true'] } }, resolve));
    expect(tooBig).toMatchObject({ exitCode: null, error: expect.stringMatching(/^could not start "true": its command line and environment are [\d,]+ bytes together, more than Linux lets one program start with \(E2BIG/) });
  });

  it('a container gets every signal at its default (the launcher ignores SIGTERM, SIGINT and SIGHUP) and its exit names the signal', async () => {
    const l = launcher();
    for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
      const child = l.spawn(['sleep', '60'], { env });
      const ended = collect(child);
      await new Promise((r) => child.once('spawn', r));
      process.kill(-child.pid!, signal);
      expect((await ended).exit).toEqual([null, signal]);
    }
  });

  it('killed while a container runs: the container is killed too and ends lost, and the next one gets a new launcher', async () => {
    const l = launcher();
    const child = l.spawn(['sleep', '60'], { env });
    const ended = collect(child);
    await new Promise((r) => child.once('spawn', r));
    const pid = child.pid!;
    leftover.push(pid);
    const first = l.pid!;
    process.kill(first, 'SIGKILL');
    const r = await ended;
    expect(r.exit).toEqual([null, 'SIGKILL']);
    expect(child.lost).toMatch(/^the process launcher \(pid \d+\) was killed by SIGKILL$/);
    await until('the container to be gone', () => !processRunning(pid));
    const next = await collect(l.spawn(['sh', '-c', 'echo again'], { env }));
    expect(next.out.toString()).toBe('again\n');
    expect(l.pid).not.toBe(first);
  });

  it('kills what it started when its worker dies', async () => {
    const worker = spawn(process.execPath, ['test/fixtures/programs/launching.mjs'], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...kindEnv } });
    let out = '';
    worker.stdout!.on('data', (b) => (out += b));
    const { container, launcher: launcherPid } = await until('the stand-in worker to start a container', () => (out.includes('\n') ? (JSON.parse(out) as { container: number; launcher: number }) : undefined));
    leftover.push(container, launcherPid);
    expect(processRunning(container)).toBe(true);
    worker.kill('SIGKILL');
    await until('its container to be gone', () => !processRunning(container), 10_000);
    await until('its launcher to be gone', () => !processRunning(launcherPid), 10_000);
  });
});
