/** The watchdog with real processes: what a dead worker registered is killed and removed. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { setImmediate as turn } from 'node:timers/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { processRunning } from '../../../runtime/process/process-group.ts';
import { Guard } from '../../../runtime/watchdog/guard.ts';
import { until } from '../../support/processes.ts';
import { useTempDirs } from '../../support/temp-dirs.ts';

const newTempDir = useTempDirs('strata-guard-');

const leftover: number[] = [];
afterAll(() => {
  for (const pid of leftover) if (processRunning(pid)) process.kill(pid, 'SIGKILL');
});

describe('the watchdog', () => {
  it('kills the groups and marked processes of a worker SIGKILLed, and removes its directories', async () => {
    const dir = newTempDir();
    const worker = spawn(process.execPath, ['test/fixtures/programs/guarded.mjs', dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    worker.stdout!.on('data', (b) => (out += b));
    const { group, escaped } = await until('the stand-in worker to start', () => (out.includes('\n') ? (JSON.parse(out) as { group: number; escaped: number }) : undefined));
    leftover.push(group, escaped);
    expect(processRunning(group) && processRunning(escaped)).toBe(true);
    worker.kill('SIGKILL');
    await until('its processes to be gone', () => !processRunning(group) && !processRunning(escaped), 10_000);
    await until('its directory to be gone', () => !existsSync(join(dir, 'scratch')), 10_000);
  });

  it('is started again when it is killed, and still knows everything registered', async () => {
    const guard = new Guard();
    await guard.start();
    const sleeper = spawn('sleep', ['60'], { detached: true, stdio: 'ignore' });
    leftover.push(sleeper.pid!);
    guard.group(sleeper.pid!);
    const first = guard.pid!;
    process.kill(first, 'SIGKILL');
    await until('another watchdog', () => guard.pid !== undefined && guard.pid !== first && processRunning(guard.pid));
    await guard.start();
    // Its stdin ends as if the worker died: what is still registered goes.
    await guard.close();
    expect(processRunning(sleeper.pid!)).toBe(false);
  });

  it('removes the inputs directories of the worker in a root told once, and only those', async () => {
    const root = newTempDir();
    const guard = new Guard();
    await guard.start();
    guard.execDirsIn(root, 4242);
    // Made after the root was told: nothing is told per directory.
    const mine = join(root, 'run~step.ab12.1.4242.7.in');
    mkdirSync(join(mine, 'deep'), { recursive: true });
    writeFileSync(join(mine, 'deep', 'item.json'), '1');
    const others = [join(root, 'run~step.ab12.1.4243.7.in'), join(root, 'out.4242.3'), join(root, 'run~step.ab12.1.14242.7.in')];
    for (const d of others) mkdirSync(d);
    // Its stdin ends as if the worker died.
    await guard.close();
    expect(existsSync(mine)).toBe(false);
    expect(others.filter(existsSync)).toEqual(others);
  });

  it('writes what a step lets go with the next registration (one write), or by itself when none comes', async () => {
    const dir = newTempDir();
    // A stand-in watchdog that keeps every line it is told, and the writes the worker makes to it.
    const recorded = (name: string, letGoMs: number) => {
      const guard = new Guard(['sh', '-c', `echo up; exec cat > ${join(dir, name)}`], letGoMs);
      const writes: string[] = [];
      const ready = guard.start().then(() => {
        const stdin = (guard as unknown as { child: ChildProcess }).child.stdin!;
        const write = stdin.write.bind(stdin) as (chunk: string) => boolean;
        stdin.write = ((chunk: string) => (writes.push(chunk), write(chunk))) as typeof stdin.write;
      });
      return { guard, writes, ready };
    };
    const { guard, writes, ready } = recorded('busy', 60_000);
    await ready;
    guard.dir('/strata-test/a');
    guard.group(11);
    for (let i = 0; i < 3; i++) await turn();
    expect(writes).toEqual([`${JSON.stringify(['+d', '/strata-test/a'])}\n`, `${JSON.stringify(['+g', 11])}\n`]);
    // The step ends: its group and directory are let go, and nothing is written for that alone.
    guard.ungroup(11);
    guard.undir('/strata-test/a');
    for (let i = 0; i < 3; i++) await turn();
    expect(writes).toHaveLength(2);
    // The next step's directory carries them, in order, in one write.
    guard.dir('/strata-test/b');
    expect(writes).toHaveLength(3);
    expect(writes[2].trim().split('\n').map((l) => JSON.parse(l))).toEqual([['-g', 11], ['-d', '/strata-test/a'], ['+d', '/strata-test/b']]);
    await guard.close();
    expect(readFileSync(join(dir, 'busy'), 'utf8')).toBe(writes.join(''));

    // An idle worker: what it let go is written by itself.
    const idle = recorded('idle', 1);
    await idle.ready;
    idle.guard.group(12);
    idle.guard.ungroup(12);
    await until('what was let go to be written', () => idle.writes.join('').includes(JSON.stringify(['-g', 12])));
    await idle.guard.close();
    expect(readFileSync(join(dir, 'idle'), 'utf8').trim().split('\n').map((l) => JSON.parse(l))).toEqual([['+g', 12], ['-g', 12]]);
  });

  it('that cannot start says so', async () => {
    await expect(new Guard([process.execPath, '/no/such/watchdog.cjs']).start()).rejects.toThrow(/the watchdog .* could not start: exited with code 1/);
  });
});
