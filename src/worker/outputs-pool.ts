/**
 * Empty outputs directories of one worker process, handed to one execution after another.
 *
 * An execution's outputs directory must be on the artifact store's file system (keeping
 * it is one rename). There, making a directory and removing one are the costly file
 * operations (on a journalling disk, a fraction of a millisecond and a millisecond or
 * more); renaming one costs little. An execution whose outputs are kept takes its
 * directory along into the artifacts; one that wrote nothing leaves it empty, and the
 * next execution gets it as it is: no directory is made or removed for it.
 *
 * Directories are named `out.<pid>.<seq>`, registered with the worker's watchdog while
 * they are this process's, and those of dead workers are removed when a worker starts
 * (step-files.ts, reapAttemptDirs).
 */
import { rmdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { mkdirIn } from '../../runtime/dir-in.ts';
import type { Guard } from '../../runtime/watchdog/guard.ts';

/** Names are unique in the process: several workers of one process may share a root. */
let seq = 0;

export class OutputsPool {
  private readonly free: string[] = [];

  /**
   * @param root the directory they are made in (STRATA_HOME/work)
   * @param guard the worker's watchdog
   * @param keep how many idle ones are kept at most
   */
  constructor(
    readonly root: string,
    private readonly guard?: Guard,
    private readonly keep = 64,
  ) {}

  /** An empty directory for an execution's outputs, made only when none is free. */
  take(): string {
    const free = this.free.pop();
    if (free) return free;
    const dir = join(this.root, `out.${process.pid}.${(++seq).toString(36)}`);
    // Told before it exists: the watchdog removes it should this process die at any point after.
    this.guard?.dir(dir);
    mkdirIn(this.root, dir);
    return dir;
  }

  /** Give a directory back once its execution is over: kept for the next one when `empty`, removed otherwise. */
  give(dir: string, empty: boolean): void {
    if (empty && this.free.length < this.keep) {
      this.free.push(dir);
      return;
    }
    rmSync(dir, { recursive: true, force: true });
    this.guard?.undir(dir);
  }

  /** A directory that left for good: renamed into the artifact store. */
  gone(dir: string): void {
    this.guard?.undir(dir);
  }

  /** Remove the free directories (the worker stops). */
  close(): void {
    for (const dir of this.free.splice(0)) {
      try {
        rmdirSync(dir);
      } catch {
        rmSync(dir, { recursive: true, force: true });
      }
      this.guard?.undir(dir);
    }
  }
}
