/**
 * The pid lock of a STRATA_HOME (src/store/pid-lock.ts), with real processes killed for
 * real: one holder at a time; a lock whose holder died, or that names no holder and is
 * old (what a crash of earlier versions left: the home locked for good), is taken over
 * with a sentence, by one taker of the three that start at once; a live holder's lock never is.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { processStartTime } from '../../runtime/process/process-group.ts';
import { withPidLock } from '../../src/store/pid-lock.ts';
import { until } from '../support/processes.ts';
import { useTempDirs } from '../support/temp-dirs.ts';

const newTempDir = useTempDirs('strata-lock-');

type User = ChildProcess & { output: () => string };
const users: User[] = [];
afterAll(() => {
  for (const u of users) if (u.exitCode === null && u.signalCode === null) u.kill('SIGKILL');
});

function lockUser(...args: string[]): User {
  const child = spawn(process.execPath, ['test/fixtures/programs/lock-user.mjs', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const u = Object.assign(child, { output: () => out });
  users.push(u);
  return u;
}

const ended = (u: User) => new Promise<number | null>((r) => (u.exitCode !== null || u.signalCode !== null ? r(u.exitCode) : u.once('exit', (code) => r(code))));
const dir = () => newTempDir();

/** Take the lock and note what was said; resolves with the sentences heard. */
async function take(lock: string, limitMs = 15_000): Promise<string[]> {
  const said: string[] = [];
  await withPidLock(lock, async () => undefined, { limitMs, say: (s) => said.push(s) });
  return said;
}

describe('the pid lock', () => {
  it('lets one process in at a time', async () => {
    const d = dir();
    const counter = join(d, 'count');
    writeFileSync(counter, '0');
    const all = [1, 2, 3, 4].map(() => lockUser(join(d, 'lock'), 'count', counter, '40'));
    const codes = await Promise.all(all.map(ended));
    expect(all.map((u) => u.output()).join('')).not.toContain('OVERLAP');
    expect(codes).toEqual([0, 0, 0, 0]);
    expect(readFileSync(counter, 'utf8')).toBe('160');
    expect(readdirSync(d).sort()).toEqual(['count']);
  });

  it('goes on when processes using it are SIGKILLed at any point, the lock held or not', async () => {
    const d = dir();
    const counter = join(d, 'count');
    writeFileSync(counter, '0');
    const lock = join(d, 'lock');
    const survivors = [1, 2].map(() => lockUser(lock, 'count', counter, '60'));
    // Victims killed one after another while everyone works, wherever each happens to be.
    for (let i = 0; i < 4; i++) {
      const victim = lockUser(lock, 'count', counter, '1000');
      await until('some counting to be done', () => Number(readFileSync(counter, 'utf8')) > i * 5 || victim.exitCode !== null);
      victim.kill('SIGKILL');
      await ended(victim);
    }
    const codes = await Promise.all(survivors.map(ended));
    const out = users.map((u) => u.output()).join('');
    expect(out).not.toContain('OVERLAP');
    expect(codes).toEqual([0, 0]);
    expect(Number(readFileSync(counter, 'utf8'))).toBeGreaterThanOrEqual(120);
    expect(existsSync(lock)).toBe(false);
  });

  it('is taken over at once when its holder was SIGKILLed holding it, with a sentence naming the holder', async () => {
    const d = dir();
    const lock = join(d, 'lock');
    const holder = lockUser(lock, 'hold');
    await until('the holder to hold it', () => holder.output().includes('held'));
    holder.kill('SIGKILL');
    await ended(holder);
    expect(readFileSync(lock, 'utf8')).toContain(String(holder.pid));
    expect(await take(lock)).toEqual([`took over the lock ${lock}: its holder, process ${holder.pid}, is gone`]);
    expect(existsSync(lock)).toBe(false);
  });

  it('is never taken from a live holder: a taker gives up with a sentence naming it', async () => {
    const d = dir();
    const lock = join(d, 'lock');
    const holder = lockUser(lock, 'hold');
    await until('the holder to hold it', () => holder.output().includes('held'));
    await expect(take(lock, 300)).rejects.toMatchObject({ code: 'unavailable', message: `${lock} stays locked by process ${holder.pid}; remove it if no strata process of this STRATA_HOME runs` });
    expect(readFileSync(lock, 'utf8')).toContain(String(holder.pid));
  });

  it('is taken over by one of three processes starting at once on a dead holder\'s lock; never two hold it', async () => {
    const d = dir();
    const counter = join(d, 'count');
    writeFileSync(counter, '0');
    const lock = join(d, 'lock');
    writeFileSync(lock, `${process.pid} ${Number(processStartTime(process.pid)) + 1} 0123456789abcdef\n`);
    const takers = [1, 2, 3].map(() => lockUser(lock, 'count', counter, '1'));
    expect(await Promise.all(takers.map(ended))).toEqual([0, 0, 0]);
    const outputs = takers.map((u) => u.output());
    expect(outputs.join('')).not.toContain('OVERLAP');
    expect(outputs.filter((o) => o.includes(`took over the lock ${lock}`))).toHaveLength(1);
    expect(readFileSync(counter, 'utf8')).toBe('3');
    expect(readdirSync(d).sort()).toEqual(['count']);
  });

  it('is taken over by exactly one of three takers at once, round after round, and never held by two', async () => {
    // Three takers in one process: their file operations run on libuv's threads, interleaved
    // every which way. Each round starts them together on a lock whose holder is gone.
    const d = dir();
    const stale = `${process.pid} ${Number(processStartTime(process.pid)) + 1} 0123456789abcdef\n`;
    let holding = 0;
    let most = 0;
    const takeOvers: number[] = [];
    for (let round = 0; round < 200; round++) {
      const lock = join(d, `lock${round}`);
      writeFileSync(lock, stale);
      const said: string[] = [];
      const hold = async () => {
        holding++;
        most = Math.max(most, holding);
        await new Promise((r) => setImmediate(r));
        holding--;
      };
      await Promise.all([1, 2, 3].map(() => withPidLock(lock, hold, { limitMs: 5_000, say: (s) => said.push(s) })));
      takeOvers.push(said.length);
    }
    expect(most).toBe(1);
    expect(takeOvers.filter((n) => n !== 1)).toEqual([]);
    expect(readdirSync(d)).toEqual([]);
  });

  it('is taken over when it names a pid that is another process now (a reboot, a reused pid)', async () => {
    const d = dir();
    const lock = join(d, 'lock');
    const start = Number(processStartTime(process.pid));
    writeFileSync(lock, `${process.pid} ${start + 1} 0123456789abcdef\n`);
    expect(await take(lock)).toEqual([`took over the lock ${lock}: its holder, process ${process.pid}, is gone (that pid names another process now)`]);
  });

  it('is taken over when it names no holder and is old: the empty directory a crash of earlier versions left', async () => {
    const d = dir();
    const lock = join(d, 'lock');
    mkdirSync(lock);
    const old = new Date(Date.now() - 60_000);
    utimesSync(lock, old, old);
    const said = await take(lock);
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(new RegExp(`^took over the lock ${lock}: it named no holder for \\d+ s$`));
    expect(existsSync(lock)).toBe(false);
  });

  it('waits for a lock that names no holder while it is new (a holder of an earlier version writing its pid)', async () => {
    const d = dir();
    const lock = join(d, 'lock');
    mkdirSync(lock);
    // Its time in the future: new whatever the time this test takes.
    const future = new Date(Date.now() + 3_600_000);
    utimesSync(lock, future, future);
    await expect(take(lock, 300)).rejects.toMatchObject({ code: 'unavailable' });
    expect(existsSync(lock)).toBe(true);
  });
});
