/**
 * What the real-step benchmarks compare with: a program spawned bare by Node, and the same
 * program started by bubblewrap the way every container on the local runtime is (a mount
 * namespace with the host's root and a /tmp of its own bound over it;
 * runtime/local/private-view.ts), so that a figure can say which part of a container's
 * start is bubblewrap's own cost and which is strata's.
 */
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { bwrapCommand } from '../runtime/local/private-view.ts';

const LANES = fileURLToPath(new URL('./spawn-lanes.mjs', import.meta.url));

/**
 * `n` spawns of `argv` (default `true`), `c` at a time, each after the one before it in its lane
 * exited, made by a small Node process of their own (spawn-lanes.mjs), as strata's launcher and
 * quarterback are small processes: `ms` the lanes' wall time, `cpu` the CPU (user + system) of
 * that process and the spawned programs meanwhile, both in ms; the small process's own start is
 * in neither.
 */
export async function bareSpawnsMeasured(n: number, c = 1, argv: string[] = ['true']): Promise<{ ms: number; cpu: number }> {
  const { stdout } = await promisify(execFile)(process.execPath, [LANES, JSON.stringify({ n, c, argv })]);
  const { ms, cpuMs } = JSON.parse(stdout) as { ms: number; cpuMs: number };
  return { ms, cpu: cpuMs };
}

/** The wall time in ms of bareSpawnsMeasured(n, c, argv). */
export async function bareSpawns(n: number, c = 1, argv: string[] = ['true']): Promise<number> {
  return (await bareSpawnsMeasured(n, c, argv)).ms;
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
