/** LookLoop: one look at a time, one more if asked meanwhile; timers that only move earlier (wakeBy) or replace (setTimer). */
import { expect, it } from 'vitest';
import { LookLoop } from '../../src/coordinator/look-loop.ts';

it('runs one look at a time and one more for every burst of asks meanwhile', async () => {
  let looks = 0;
  let release!: () => void;
  const loop = new LookLoop(async () => {
    looks++;
    if (looks === 1) await new Promise<void>((r) => (release = r));
  }, () => undefined);
  const first = loop.look();
  void loop.look();
  void loop.look();
  expect(loop.busy).toBe(true);
  release();
  await first;
  await new Promise((r) => setTimeout(r, 10));
  expect(looks).toBe(2);
  expect(loop.busy).toBe(false);
});

it('wakeBy only moves the timer earlier; setTimer replaces it; stop clears it', () => {
  const loop = new LookLoop(async () => undefined, () => undefined);
  const now = Date.now();
  loop.wakeBy(now + 60_000);
  loop.wakeBy(now + 120_000);
  expect(loop.nextAt).toBe(now + 60_000);
  loop.setTimer(now + 120_000);
  expect(loop.nextAt).toBe(now + 120_000);
  loop.setTimer(Infinity);
  expect(loop.nextAt).toBe(Infinity);
  loop.wakeBy(now + 30_000);
  loop.stop();
  expect(loop.nextAt).toBe(Infinity);
  loop.wakeBy(now + 10_000);
  expect(loop.nextAt).toBe(Infinity);
});

it('hands a failed look to onError and stays usable', async () => {
  const errors: unknown[] = [];
  let n = 0;
  const loop = new LookLoop(async () => {
    if (n++ === 0) throw new Error('Redis away');
  }, (e) => errors.push(e));
  await loop.look();
  await loop.look();
  expect(errors).toHaveLength(1);
  expect(n).toBe(2);
});
