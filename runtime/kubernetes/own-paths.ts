/**
 * A task pod's paths of its own (docs/kubernetes.md, Private paths and standard output).
 * The directories a task declares as its container's own are those of the local
 * runtime's private view (runtime/local/private-view.ts, privateDirs: its `volumes` and
 * the directories of its inputs, artifacts and output parameters at a path, nested ones
 * folded into the outer). In a pod every container has its own file system already; what
 * a directory needs beyond that depends on what it holds:
 *
 * - one holding **declared files** (an input put there, an artifact or a parameter read
 *   from there) is *carried*: a directory of this execution's own on the shared volume
 *   (`privateDir`, made by the runtime), mounted by subPath at the declared path, so the
 *   worker puts inputs there before the pod starts and reads artifacts and parameters
 *   from there once it ended, as it reads `$STRATA_OUTPUTS`;
 * - any other is an `emptyDir` at its path: the container's own, empty at start, gone
 *   with the pod (what the program merely uses, such as `/tmp`).
 *
 * Pure.
 */
import { join } from 'node:path';
import type { RunTask } from '../../src/engine/types.ts';
import { privateDirs } from '../local/private-view.ts';

/** The absolute paths of files a task declares at paths of its own. */
export function declaredFilePaths(task: RunTask): string[] {
  return [
    ...(task.artifactPaths ?? []).map((a) => a.path),
    ...(task.inputPaths ?? []).map((i) => i.path),
    ...Object.values(task.parameters ?? {}).map((p) => p.path).filter((p) => p.startsWith('/')),
  ];
}

/** Whether a task moves files in or out of paths of its container's own (volumes alone do not). */
export function carriesFilesAtPaths(task: RunTask): boolean {
  return declaredFilePaths(task).length > 0;
}

const inside = (dir: string, path: string) => path === dir || path.startsWith(`${dir}/`);

/** The task's own directories: `carried` on the shared volume, `plain` as emptyDirs. */
export function ownDirs(task: RunTask): { carried: string[]; plain: string[] } {
  const files = declaredFilePaths(task);
  const carried: string[] = [];
  const plain: string[] = [];
  for (const d of privateDirs(task)) (files.some((f) => inside(d, f)) ? carried : plain).push(d);
  return { carried, plain };
}

/** Where a carried directory `dir` of the container is kept inside the execution's `privateDir`. */
export function carriedDir(privateDir: string, dir: string): string {
  return join(privateDir, 'paths', dir);
}

/** Where a path of the container is on the shared volume; undefined outside its carried directories. */
export function hostPathIn(privateDir: string, carried: string[]): (path: string) => string | undefined {
  return (path) => {
    const dir = carried.find((d) => inside(d, path));
    return dir === undefined ? undefined : join(carriedDir(privateDir, dir), path.slice(dir.length));
  };
}
