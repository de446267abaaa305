/**
 * What the real-step benchmarks compare with: a program spawned bare by Node, and the same
 * program started by bubblewrap the way every container on the local runtime is (a mount
 * namespace with the host's root and a /tmp of its own bound over it;
 * runtime/local/private-view.ts), so that a figure can say which part of a container's
 * start is bubblewrap's own cost and which is strata's.
 */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { bwrapCommand } from '../runtime/local/private-view.ts';

/** `n` spawns of `argv` (default `true`), `c` at a time, each after the one before it in its lane exited; resolves with the wall time in ms. */
export async function bareSpawns(n: number, c = 1, argv: string[] = ['true']): Promise<number> {
  const t0 = performance.now();
  let next = 0;
  const lane = async () => {
    while (next < n) {
      next++;
      await new Promise<void>((resolve, reject) => {
        const child = spawn(argv[0], argv.slice(1), { stdio: 'ignore' });
        child.once('error', reject);
        child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${argv.join(' ')} exited with code ${code}`))));
      });
    }
  };
  await Promise.all(Array.from({ length: c }, lane));
  return performance.now() - t0;
}

/**
 * bubblewrap's arguments for `true` as a container without declared paths gets them: the
 * host's root, a /tmp of its own (one directory under `dir`, shared by every spawn: bare
 * bubblewrap, without strata's directory per container), dying with its parent.
 */
export function bareBwrapArgv(dir: string): string[] {
  const tmp = join(dir, 'bare-bwrap-tmp');
  mkdirSync(tmp, { recursive: true });
  return [bwrapCommand(), '--die-with-parent', '--dev-bind', '/', '/', '--bind', tmp, '/tmp', '--', 'true'];
}
