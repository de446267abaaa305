/**
 * A lock between the processes of one machine: a file `<path>` naming its holder (pid, the
 * pid's start time, a random token). Used for the few moments a process reads and writes
 * the shared state of its STRATA_HOME's local Redis (home-redis.ts).
 *
 * Crash-safe at every point:
 * - The lock appears with its content or not at all: the content is written to a file of
 *   the taker's own first, which is then hard-linked to `<path>` (`link(2)` is atomic and
 *   fails with EEXIST while someone holds it). A taker that dies leaves at most its own
 *   temporary file, removed by the next taker.
 * - A lock whose holder is gone (no such pid, or a pid now naming another process: its
 *   start time differs, as after a reboot) is taken over at once; one that cannot be read
 *   or names no holder (a directory, as earlier versions of strata made
 *   it, possibly empty; a file cut short) is taken over once older than UNREADABLE_MS. Each take-over is logged.
 * - Taking over moves the lock aside with `rename(2)` (atomic: of several takers one moves
 *   it) and then checks that it moved the very lock it judged (same inode); a taker that
 *   moved a lock made since by another puts it back. Left open: three takers at once on a
 *   dead holder's lock, the third linking between the second's move and its putting back,
 *   which would let two hold it; the lock guards moments of work after a crash, so this
 *   needs two crashes and three starts within microseconds.
 */
import { randomBytes } from 'node:crypto';
import { link, lstat, readFile, readdir, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { processRunning, processStartTime } from '../../runtime/process/process-group.ts';
import { StrataError } from '../errors/strata-error.ts';

/** How old a lock that names no holder must be before it is taken over: a holder writes its name before the lock exists, so only a crashed earlier version leaves such a lock. */
export const UNREADABLE_MS = 5_000;

export interface PidLockOptions {
  /** how long to wait for a live holder before giving up with a StrataError (15 s) */
  limitMs?: number;
  /** hears one sentence per lock taken over (who held it, why it was taken) */
  say?: (sentence: string) => void;
}

interface Holder {
  pid?: number;
  start?: string;
  token?: string;
  ino: number;
  ageMs: number;
}

/** Run `fn` holding the lock `path`; waits for a live holder at most `limitMs`, then throws a StrataError naming it. */
export async function withPidLock<T>(path: string, fn: () => Promise<T>, opts: PidLockOptions = {}): Promise<T> {
  const token = await acquire(path, opts);
  try {
    return await fn();
  } finally {
    await release(path, token);
  }
}

async function acquire(path: string, opts: PidLockOptions): Promise<string> {
  const token = randomBytes(8).toString('hex');
  const mine = `${path}.${process.pid}.${token}.tmp`;
  await removeLeftovers(path);
  await writeFile(mine, `${process.pid} ${processStartTime(process.pid) ?? '-'} ${token}\n`);
  const until = Date.now() + (opts.limitMs ?? 15_000);
  try {
    for (;;) {
      try {
        await link(mine, path);
        return token;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const held = await holderOf(path);
      if (held === undefined) continue; // let go meanwhile
      const why = staleness(held);
      if (why !== undefined) {
        if (await takeOver(path, held)) opts.say?.(`took over the lock ${path}: ${why}`);
        continue;
      }
      if (Date.now() > until) throw new StrataError('unavailable', `${path} stays locked by process ${held.pid}; remove it if no strata process of this STRATA_HOME runs`);
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    await unlink(mine).catch(() => undefined);
  }
}

/** Let go of the lock, if it is still this holder's (a lock taken over meanwhile is not removed). */
async function release(path: string, token: string): Promise<void> {
  const held = await holderOf(path);
  if (held?.token === token) await unlink(path).catch(() => undefined);
}

/** Why the lock may be taken over, or undefined while its holder may still hold it. */
function staleness(h: Holder): string | undefined {
  if (h.pid === undefined) return h.ageMs > UNREADABLE_MS ? `it named no holder for ${Math.round(h.ageMs / 1000)} s` : undefined;
  if (!processRunning(h.pid)) return `its holder, process ${h.pid}, is gone`;
  const start = processStartTime(h.pid);
  if (h.start !== undefined && start !== undefined && start !== h.start) return `its holder, process ${h.pid}, is gone (that pid names another process now)`;
  return undefined;
}

/** Move the lock aside if it is still the one judged; true when it was. */
async function takeOver(path: string, judged: Holder): Promise<boolean> {
  const aside = `${path}.${process.pid}.${randomBytes(8).toString('hex')}.stale`;
  try {
    await rename(path, aside);
  } catch {
    return false; // moved by another taker, or let go
  }
  const moved = await lstat(aside).catch(() => undefined);
  if (moved && moved.ino !== judged.ino && moved.isFile()) {
    // A lock made after it was judged: its holder is alive. Put it back.
    await link(aside, path).catch(() => undefined);
    await unlink(aside).catch(() => undefined);
    return false;
  }
  await rm(aside, { recursive: true, force: true });
  return true;
}

/** Who holds the lock, or undefined when there is none. A directory is the lock as earlier versions made it (its pid in `pid`). */
async function holderOf(path: string): Promise<Holder | undefined> {
  const st = await lstat(path).catch(() => undefined);
  if (!st) return undefined;
  const text = await readFile(st.isDirectory() ? join(path, 'pid') : path, 'utf8').catch(() => '');
  const [pid, start, token] = text.trim().split(/\s+/);
  const n = Number(pid);
  return {
    ino: st.ino,
    ageMs: Date.now() - st.mtimeMs,
    ...(Number.isInteger(n) && n > 0 ? { pid: n } : {}),
    ...(start && start !== '-' ? { start } : {}),
    ...(token ? { token } : {}),
  };
}

/** Temporary and moved-aside files of takers that died (their pid gone). */
async function removeLeftovers(path: string): Promise<void> {
  const prefix = `${basename(path)}.`;
  for (const f of await readdir(dirname(path)).catch(() => [] as string[])) {
    const m = f.startsWith(prefix) ? /^(\d+)\.[0-9a-f]+\.(tmp|stale)$/.exec(f.slice(prefix.length)) : null;
    if (m && !processRunning(Number(m[1]))) await rm(join(dirname(path), f), { recursive: true, force: true });
  }
}
