/**
 * One reader of /proc/PID/stat (runtime/local/proc-stat.ts): the fields after the command
 * name are found after its LAST `)`, so a name holding spaces and parentheses (`a) (b`) does
 * not shift them. On real processes: this one, and a child whose name is `a) (b` (a link to
 * sleep by that name: the kernel names a process after the file it ran).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseProcStat, readProcStat } from '../../../runtime/local/proc-stat.ts';

const dir = mkdtempSync(join(tmpdir(), 'proc-stat-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A stat line of proc(5)'s 52 fields with `comm`, numbered so each field is its own number. */
const line = (comm: string) => `4242 (${comm}) S ${Array.from({ length: 49 }, (_, i) => i + 4).join(' ')}\n`;

describe('parseProcStat', () => {
  it.each([
    ['a plain name', 'sleep'],
    ['a name with spaces', 'my prog'],
    ['a name holding ") ("', 'a) (b'],
    ['a name ending in ")"', 'x)'],
    ['a name of parentheses only', ')) (('],
  ])('%s: every field in its place', (_what, comm) => {
    expect(parseProcStat(line(comm))).toEqual({ pid: 4242, comm, state: 'S', ppid: 4, pgrp: 5, session: 6, utime: 14, stime: 15, cutime: 16, cstime: 17, start: '22' });
  });
});

describe('readProcStat on real processes', () => {
  it('this process: its pid, its parent, running or sleeping', () => {
    const s = readProcStat('self')!;
    expect(s.pid).toBe(process.pid);
    expect(s.ppid).toBe(process.ppid);
    expect(['R', 'S']).toContain(s.state);
    expect(Number(s.start)).toBeGreaterThan(0);
  });

  it('a child named "a) (b": its name whole, its parent this process, its group its own', async () => {
    const exe = join(dir, 'a) (b');
    symlinkSync('/bin/sleep', exe);
    const child = spawn(exe, ['30'], { detached: true, stdio: 'ignore' });
    await new Promise((r) => child.once('spawn', r));
    try {
      const s = readProcStat(child.pid!)!;
      expect(s).toMatchObject({ pid: child.pid, comm: 'a) (b', ppid: process.pid, pgrp: child.pid, session: child.pid });
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('a process that is gone: undefined', () => {
    expect(readProcStat(2 ** 22 + 1)).toBeUndefined();
  });
});
