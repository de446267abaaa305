/**
 * The process driver: containers as child processes in their own process groups, started
 * by this process or by a process launcher (runtime/process/launcher.ts): every case runs
 * both ways.
 */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ContainerExit, ContainerSpec } from '../../../runtime/process/container-driver.ts';
import { Launcher } from '../../../runtime/process/launcher-client.ts';
import { ProcessDriver as Driver, type ProcessDriverOptions } from '../../../runtime/process/process-driver.ts';
import { processRunning } from '../../../runtime/process/process-group.ts';

const launcher = new Launcher();
afterAll(() => launcher.close());

for (const how of ['in this process', 'by a launcher'] as const) {
  // A driver of the way of starting, so each case below reads the same either way.
  const ProcessDriver = class extends Driver {
    constructor(o: ProcessDriverOptions = {}) {
      super(how === 'by a launcher' ? { ...o, launcher } : o);
    }
  };

  function run(driver: Driver, spec: Partial<ContainerSpec> & Pick<ContainerSpec, 'task'>, logs: string[] = []): Promise<ContainerExit> {
    return new Promise((resolve) => driver.start({ step: 's', attempt: 1, env: { PATH: process.env.PATH ?? '' }, ...spec }, resolve, (stream, chunk) => logs.push(`${stream}:${chunk}`)));
  }

  describe(`process driver, containers started ${how}`, () => {
    it('runs command and args without a shell, with exactly the env given', async () => {
      const logs: string[] = [];
      const exit = await run(new ProcessDriver(), { task: { image: 'x', command: ['sh', '-c', 'echo "$0 $ONLY $HOME"; exit 4', 'arg-zero'] }, env: { ONLY: 'this', PATH: process.env.PATH ?? '' } }, logs);
      expect(exit).toEqual({ step: 's', attempt: 1, exitCode: 4, logsEnded: expect.any(Promise) });
      expect(logs).toEqual(['stdout:arg-zero this \n']);
    });

    it('passes arguments through untouched (no shell expansion)', async () => {
      const logs: string[] = [];
      await run(new ProcessDriver(), { task: { image: 'x', command: ['echo'], args: ['$HOME', '*', 'a b'] } }, logs);
      expect(logs).toEqual(['stdout:$HOME * a b\n']);
    });

    it('runs an image without a command through the image map, with the task\'s args', async () => {
      const logs: string[] = [];
      const driver = new ProcessDriver({ imageMap: { 'acme/greeter': ['sh', '-c', 'echo "hi $0"'] } });
      const exit = await run(driver, { task: { image: 'acme/greeter:2.1', args: ['there'] } }, logs);
      expect(exit.exitCode).toBe(0);
      expect(logs).toEqual(['stdout:hi there\n']);
    });

    it('kills the whole process group, and tells who started and ended', async () => {
      const events: string[] = [];
      const driver = new ProcessDriver({ killGraceMs: 200, onProcess: (e, step, attempt) => events.push(`${e}:${step}:${attempt}`) });
      const logs: string[] = [];
      const exited = run(driver, { task: { image: 'x', command: ['sh', '-c', 'sleep 300 & echo $!; wait'] } }, logs);
      while (logs.length === 0) await new Promise((r) => setTimeout(r, 10)); // the grandchild's pid is out
      const [leader] = driver.pids();
      const grandchild = Number(logs[0].slice('stdout:'.length));
      driver.kill('s');
      const exit = await exited;
      expect(exit).toMatchObject({ exitCode: null, signal: 'SIGTERM', error: 'killed' });
      expect(processRunning(leader)).toBe(false);
      await driver.drain(); // the group is empty once drained
      expect(processRunning(grandchild)).toBe(false);
      expect(events).toEqual(['started:s:1', 'exited:s:1']);
      expect(driver.pids()).toEqual([]);
    });

    it('SIGKILLs a container that ignores SIGTERM once the grace period is over', async () => {
      const driver = new ProcessDriver({ killGraceMs: 100 });
      const exited = run(driver, { task: { image: 'x', command: ['sh', '-c', 'trap "" TERM; echo ready; while :; do sleep 0.05; done'] }, timeoutMs: 200 });
      expect(await exited).toMatchObject({ signal: 'SIGKILL', error: 'timed out after 0.2s', reason: 'timeout' });
    });

    it('drains: every line a container wrote is read before drain() resolves', async () => {
      const driver = new ProcessDriver();
      const logs: string[] = [];
      await run(driver, { task: { image: 'x', command: ['sh', '-c', 'i=0; while [ $i -lt 200 ]; do echo line$i; i=$((i+1)); done'] } }, logs);
      await driver.drain();
      expect(logs.join('').replaceAll('stdout:', '').trim().split('\n')).toHaveLength(200);
    });
  });

  describe(`process driver, escapes, containers started ${how}`, () => {
    it('stops reading a container\'s output when a process that left its group holds the pipe', async () => {
      const driver = new ProcessDriver();
      const logs: string[] = [];
      const marker = join(tmpdir(), `strata-escape-${process.pid}-${Date.now()}`);
      // setsid puts the sleeper in a session of its own, out of reach of the group kill;
      // the container exits only once it is out.
      const script = `setsid sh -c 'touch "$0"; exec sleep 30' "${marker}" & while [ ! -f "${marker}" ]; do sleep 0.01; done; echo $!`;
      const exit = await run(driver, { task: { image: 'x', command: ['sh', '-c', script] } }, logs);
      expect(exit.exitCode).toBe(0);
      await driver.drain(); // returns although the escaped sleeper still holds stdout
      const escaped = Number(logs.join('').replaceAll('stdout:', '').trim());
      expect(processRunning(escaped)).toBe(true);
      process.kill(escaped, 'SIGKILL');
      rmSync(marker, { force: true });
    });
  });
}
