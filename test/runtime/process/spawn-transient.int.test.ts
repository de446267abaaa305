/**
 * A container that could not start for a fault that passes (EAGAIN: the kernel could make no
 * process now, the limit of processes reached) is marked `transient` on its exit, where the
 * error's code is known (src/engine/transient-fault.ts), so `retry.on: transient` runs it
 * again at both levels (the local runtime's task and a pod's container share this driver);
 * one that cannot start for good (ENOENT, a command not found) is not. Through a stand-in
 * launcher speaking the real protocol (test/fixtures/programs/refusing-launcher.mjs).
 */
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { ContainerExit } from '../../../runtime/process/container-driver.ts';
import { Launcher } from '../../../runtime/process/launcher-client.ts';
import { ProcessDriver } from '../../../runtime/process/process-driver.ts';

const refusing = (code: string) => new Launcher([process.execPath, fileURLToPath(new URL('../../fixtures/programs/refusing-launcher.mjs', import.meta.url)), code]);
const launchers: Launcher[] = [];
afterAll(() => launchers.forEach((l) => l.close()));

function startWith(code: string): Promise<ContainerExit> {
  const launcher = refusing(code);
  launchers.push(launcher);
  const driver = new ProcessDriver({ launcher });
  return new Promise((resolve) => driver.start({ step: 's', attempt: 1, env: { PATH: process.env.PATH ?? '' }, task: { image: 'x', command: ['true'] } }, resolve));
}

describe('a container that could not start: transient or not, by its code', () => {
  it.each([
    ['EAGAIN (no process could be made now)', 'EAGAIN', true],
    ['ENOMEM', 'ENOMEM', false],
    ['EPERM', 'EPERM', false],
  ])('%s', async (_what, code, transient) => {
    const exit = await startWith(code);
    expect(exit.exitCode).toBeNull();
    expect(exit.error).toContain(code);
    expect(exit.transient === true).toBe(transient);
  });

  it('a command not found has an exit code of its own (127) and is not transient', async () => {
    const exit = await startWith('ENOENT');
    expect(exit).toMatchObject({ exitCode: 127 });
    expect(exit.transient).toBeUndefined();
  });
});
