/**
 * /proc files read in fewer system calls (runtime/local/proc-read.ts) read the same bytes
 * as readFileSync: /proc/loadavg and /proc/stat whole, and a process's environment whole
 * past one read's buffer (a sleeping child with 200 KiB in its environment).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readProc, readProcText } from '../../../runtime/local/proc-read.ts';

describe('reading /proc files', () => {
  it('/proc/stat and /proc/loadavg are read whole, in their lines and fields', () => {
    const stat = readProcText('/proc/stat');
    expect(stat).toMatch(/\nprocesses \d+\n/);
    // The same lines as readFileSync reads (their counters move between the two reads).
    const names = (text: string) => text.trim().split('\n').map((l) => l.split(' ')[0]);
    expect(names(stat)).toEqual(names(readFileSync('/proc/stat', 'latin1')));
    expect(readProcText('/proc/loadavg').trim().split(/\s+/)).toHaveLength(5);
  });

  it('a process\'s environment past one read is read whole, as readFileSync reads it', async () => {
    // Four variables of 50 KiB (one string may not pass 128 KiB), the mark after them.
    const big = Object.fromEntries([1, 2, 3, 4].map((i) => [`BIG${i}`, 'x'.repeat(50 * 1024)]));
    const child = spawn('sleep', ['30'], { env: { ...big, MARK: 'here' }, stdio: 'ignore' });
    try {
      await new Promise((r) => child.once('spawn', r));
      const path = `/proc/${child.pid}/environ`;
      // Once the child has exec'd sleep, its environment is what it was given.
      let env = await readProc(path);
      for (let i = 0; i < 100 && !env.includes('MARK=here'); i++) env = await readProc(path);
      expect(env.length).toBeGreaterThan(200 * 1024);
      expect(env.equals(readFileSync(path))).toBe(true);
      expect(env.includes(Buffer.from('\0MARK=here\0')) || env.subarray(0, 10).equals(Buffer.from('MARK=here\0'))).toBe(true);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('a file that is not there fails as readFileSync does', async () => {
    await expect(readProc('/proc/0/environ')).rejects.toMatchObject({ code: 'ENOENT' });
    expect(() => readProcText('/proc/0/stat')).toThrow(expect.objectContaining({ code: 'ENOENT' }));
  });
});
