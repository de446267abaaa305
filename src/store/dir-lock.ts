/**
 * A lock between processes of one machine on a directory: `mkdir` of `<path>` is atomic,
 * so whoever makes it holds the lock; it holds the holder's pid, so a lock left by a
 * process that died is broken by the next one that finds it. Used for the few moments a
 * process reads and writes the shared state of its STRATA_HOME's local Redis.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { StrataError } from '../errors/strata-error.ts';

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Run `fn` holding the lock `path`; waits for it at most `limitMs`, then throws a StrataError naming it. */
export async function withDirLock<T>(path: string, fn: () => Promise<T>, limitMs = 15_000): Promise<T> {
  const until = Date.now() + limitMs;
  for (;;) {
    try {
      await mkdir(path);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const holder = Number(await readFile(join(path, 'pid'), 'utf8').catch(() => ''));
    // A holder that died never lets go: break its lock. (One that has not written its pid yet is waited for.)
    if (Number.isInteger(holder) && holder > 0 && !running(holder)) {
      await rm(path, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > until) throw new StrataError('unavailable', `${path} stays locked by process ${holder || '(unknown)'}; remove it if no strata process of this STRATA_HOME runs`);
    await new Promise((r) => setTimeout(r, 20));
  }
  try {
    await writeFile(join(path, 'pid'), String(process.pid));
    return await fn();
  } finally {
    await rm(path, { recursive: true, force: true });
  }
}
