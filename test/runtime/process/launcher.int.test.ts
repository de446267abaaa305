/** The process launcher with real processes: output and exits passed back, and what happens when either side dies. */
import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { Launcher, type LaunchedChild } from '../../../runtime/process/launcher-client.ts';
import { ProcessDriver } from '../../../runtime/process/process-driver.ts';
import { processRunning } from '../../../runtime/process/process-group.ts';
import { until } from '../../support/processes.ts';

const env = { PATH: process.env.PATH ?? '' };
const launchers: Launcher[] = [];
const leftover: number[] = [];
afterAll(async () => {
  await Promise.all(launchers.map((l) => l.close()));
  for (const pid of leftover) if (processRunning(pid)) process.kill(pid, 'SIGKILL');
});

function launcher(): Launcher {
  const l = new Launcher();
  launchers.push(l);
  return l;
}

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

describe('the process launcher', () => {
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
    const worker = spawn(process.execPath, ['test/fixtures/programs/launching.mjs'], { stdio: ['ignore', 'pipe', 'inherit'] });
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
