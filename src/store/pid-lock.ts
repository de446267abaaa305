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
 * - Taking over is one taker's alone, and removes only the very lock it judged. A taker
 *   first makes a claim on that lock, `<path>.<lock's token>.<n>.take` (by the same hard
 *   link, so it appears with the claimer's pid in it); the claim of generation n is made
 *   only when every earlier one's claimer is gone, so of the live processes at most one
 *   holds a claim on a given lock. That one reads the lock again and removes it only
 *   while it is still the one judged (same token and inode): no one else removes a stale
 *   lock, and its dead holder cannot let it go, so it cannot change between that read and
 *   the removal. Claims on a lock that is gone are left-overs anyone may remove (a claim
 *   made again later finds the lock gone and does nothing). Tested with three takers at
 *   once (test/store/pid-lock.int.test.ts).
 */
import { randomBytes } from 'node:crypto';
import { link, lstat, readFile, readdir, rm, unlink, writeFile } from 'node:fs/promises';
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
  mtimeMs: number;
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
        const taken = await takeOver(path, held, mine);
        if (taken === 'taken') opts.say?.(`took over the lock ${path}: ${why}`);
        if (taken !== 'busy') continue;
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

/**
 * Remove the stale lock `judged` as the one taker allowed to (see the top of this file):
 * 'taken' when this call removed it, 'gone' when it is gone or changed meanwhile,
 * 'busy' while a live taker is at it. `mine`: this taker's file, linked as its claim.
 */
async function takeOver(path: string, judged: Holder, mine: string): Promise<'taken' | 'gone' | 'busy'> {
  const id = identity(judged);
  for (let n = 1; ; n++) {
    try {
      await link(mine, claimPath(path, id, n));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const claimer = await holderOf(claimPath(path, id, n));
    if (claimer === undefined) return 'gone'; // claims are removed once the lock is gone
    if (staleness(claimer) === undefined) return 'busy';
    // That claimer died: the claim passes to the next generation.
  }
  const now = await holderOf(path);
  const same = now !== undefined && now.ino === judged.ino && identity(now) === id;
  if (same) await rm(path, { recursive: true, force: true });
  await removeClaims(path, (claimId) => claimId === id);
  return same ? 'taken' : 'gone';
}

/** What names one lock among all ever made at a path: its token, or (a lock naming no holder) its inode and time. */
function identity(h: Holder): string {
  return h.token !== undefined && /^[0-9a-f]{1,64}$/.test(h.token) ? h.token : `i${h.ino}m${Math.round(h.mtimeMs)}`;
}

function claimPath(path: string, id: string, n: number): string {
  return `${path}.${id}.${n}.take`;
}

/** Remove the claims (among `files`, else all beside the lock) whose lock's identity `which` picks. */
async function removeClaims(path: string, which: (id: string) => boolean, files?: string[]): Promise<void> {
  const prefix = `${basename(path)}.`;
  for (const f of files ?? (await readdir(dirname(path)).catch(() => [] as string[]))) {
    const m = f.startsWith(prefix) ? /^(\w+)\.\d+\.take$/.exec(f.slice(prefix.length)) : null;
    if (m && which(m[1])) await unlink(join(dirname(path), f)).catch(() => undefined);
  }
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
    mtimeMs: st.mtimeMs,
    ageMs: Date.now() - st.mtimeMs,
    ...(Number.isInteger(n) && n > 0 ? { pid: n } : {}),
    ...(start && start !== '-' ? { start } : {}),
    ...(token ? { token } : {}),
  };
}

/**
 * Temporary files of takers that died (their pid gone; `.stale`: moved-aside locks of
 * earlier versions), and claims on locks that are gone. The lock is read after the listing,
 * so a claim listed on a lock not there then is on a lock that can never come back.
 */
async function removeLeftovers(path: string): Promise<void> {
  const prefix = `${basename(path)}.`;
  const files = await readdir(dirname(path)).catch(() => [] as string[]);
  for (const f of files) {
    const m = f.startsWith(prefix) ? /^(\d+)\.[0-9a-f]+\.(tmp|stale)$/.exec(f.slice(prefix.length)) : null;
    if (m && !processRunning(Number(m[1]))) await rm(join(dirname(path), f), { recursive: true, force: true });
  }
  if (!files.some((f) => f.startsWith(prefix) && f.endsWith('.take'))) return;
  const current = await holderOf(path);
  await removeClaims(path, (id) => current === undefined || id !== identity(current), files);
}
