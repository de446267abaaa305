/** The run store against a real Redis: step logs keep their last bytes. */
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { COMMIT_PART_STEPS, LOG_READ_ENTRIES, RunStore } from '../../src/store/run-store.ts';
import { LOG_VERSION } from '../../src/engine/timeout-error.ts';

const redis = new Redis(inject('redisUrl'));
afterAll(async () => void (await redis.quit()));

describe('RunStore logs', () => {
  it('keeps the last bytes of a log past its cap, marked as cut', async () => {
    const store = new RunStore(redis, `logs-${Date.now()}:`);
    for (let i = 0; i < 30; i++) await store.appendLog('r', 's', `line ${String(i).padStart(2, '0')}\n`);
    const cap = 100;
    await store.appendLog('r', 'big', 'x'.repeat(500), cap);
    await store.appendLog('r', 'big', 'END', cap);
    await store.appendLog('r', 'big', 'y'.repeat(90), cap);
    const big = (await store.logs('r', 'big'))!;
    expect(big.length).toBeLessThanOrEqual(cap);
    // The line says how many bytes were cut: with those kept, every byte written (500 + 3 + 90).
    const [, cut, kept] = /^\[earlier output cut: (\d+) bytes\]\n(.*)$/s.exec(big)!;
    expect(Number(cut) + kept.length).toBe(593);
    expect(kept.endsWith('y'.repeat(kept.length >= 90 ? 90 : kept.length))).toBe(true);
    expect((await store.logs('r', 's'))!.split('\n')[29]).toBe('line 29');
  });

  it('puts a line of its own on a line of its own, with no empty line before it', async () => {
    const store = new RunStore(redis, `log-lines-${Date.now()}:`);
    const cases = [
      { what: 'an empty log', before: [], log: 'mark\n' },
      { what: 'output that ended its line', before: ['one\n'], log: 'one\nmark\n' },
      { what: 'output that did not', before: ['one'], log: 'one\nmark\n' },
      { what: 'another line of its own', before: ['one', 'note\n'], log: 'one\nnote\nmark\n' },
    ];
    for (const [i, c] of cases.entries()) {
      const step = `s${i}`;
      for (const [n, chunk] of c.before.entries()) await (n === 1 ? store.appendLogLine('r', step, chunk) : store.appendLog('r', step, chunk));
      await store.appendLogLine('r', step, 'mark\n');
      expect(await store.logs('r', step), c.what).toBe(c.log);
      // Followers' offsets count every byte the log got, the newline put before a line too.
      expect((await store.logBacklog('r', [step]))[0], c.what).toEqual({ step, text: c.log, offset: c.log.length });
    }
  });
});

describe('RunStore commits', () => {
  it('records each log entry once and in order, and refuses a range that would leave a gap', async () => {
    const store = new RunStore(redis, `commit-${Date.now()}:`);
    await store.create('r', 'f@1', { root: { kind: 'sequence', seg: '', children: [] }, params: {} }, ['a', 'b'], {});
    const running = (step: string) => ({ type: 'status' as const, step, status: 'running' as const, attempt: 1 });
    expect(await store.commit('r', [{ i: 0, steps: [running('a')], run: { status: 'running' } }], false, 0, 0)).toBe(0);
    // entries 2..3 would skip entry 1: refused, nothing written
    expect(await store.commit('r', [{ i: 3, steps: [running('b')] }], false, 2, 3)).toBe(0);
    expect((await store.step('r', 'b'))!.status).toBe('pending');
    // entry 1 had no decisions; 1..3 is accepted, and entry 0 again is skipped
    expect(await store.commit('r', [{ i: 0, steps: [running('a')] }, { i: 3, steps: [running('b')] }], false, 0, 3)).toBe(3);
    expect((await store.step('r', 'b'))!.status).toBe('running');
    const events = await store.events('r', 0);
    expect(events.filter((e) => e.step === 'a')).toHaveLength(1);
  });
});

describe('RunStore appends', () => {
  it('appends a completion delivered twice once, and nothing once the run has ended', async () => {
    const store = new RunStore(redis, `append-${Date.now()}:`);
    await store.create('r', 'f@1', { root: { kind: 'sequence', seg: '', children: [] }, params: {} }, [], {});
    const done = { type: 'finished' as const, step: 'a', attempt: 1, ok: true };
    const first = await store.append('r', [{ event: done, dedupe: 'f|a|1' }], 0);
    const again = await store.append('r', [{ event: done, dedupe: 'f|a|1' }, { event: { ...done, step: 'b' }, dedupe: 'f|b|1' }], 0);
    expect(first.appended).toEqual([true]);
    expect(again.appended).toEqual([false, true]);
    expect(again.entries.map((e) => (e.type === 'finished' ? e.step : e.type))).toEqual(['begin', 'a', 'b']);
    // Its own entries are not sent back by Redis but given as the log holds them.
    expect(again.entries).toEqual(await store.readLog('r', 0));
    expect((await store.append('r', [{ event: { ...done, step: 'd' }, dedupe: 'f|d|1' }], 2)).entries).toEqual(await store.readLog('r', 2));
    // The log names its version: a fold knows how its events are shaped (timeout-error.ts).
    expect(again.entries[0]).toMatchObject({ type: 'begin', v: LOG_VERSION });
    await redis.hset(store.key('r'), 'status', 'succeeded');
    expect((await store.append('r', [{ event: { ...done, step: 'c' }, dedupe: 'f|c|1' }], 0)).appended).toEqual([false]);
  });
});

describe('RunStore commits of big entries', () => {
  it('records an entry of more step states than one call takes in parts, each state once, however many processes commit it at once', async () => {
    const prefix = `parts-${Date.now()}:`;
    const ids = Array.from({ length: 2 * COMMIT_PART_STEPS + 500 }, (_, i) => `fan/${i}`);
    const store = new RunStore(redis, prefix);
    await store.create('r', 'f@1', { root: { kind: 'sequence', seg: '', children: [] }, params: {} }, ids, {});
    // The known steps of a big run are written beside the create, in batches: all there, pending.
    expect(await redis.hlen(`${prefix}run:r:steps`)).toBe(ids.length);
    const entries = [
      { i: 0, steps: ids.map((step) => ({ type: 'status' as const, step, status: 'running' as const, attempt: 1 })), run: { status: 'running' as const } },
      { i: 1, steps: ids.map((step) => ({ type: 'status' as const, step, status: 'cancelled' as const })), run: { status: 'cancelled' as const } },
    ];
    // Three processes record the same fold at once (a coordinator taking the run up while the first still writes).
    const others = [new Redis(inject('redisUrl')), new Redis(inject('redisUrl'))];
    const results = await Promise.all([store, ...others.map((r) => new RunStore(r, prefix))].map((s) => s.commitEnding('r', entries, false, 0, 1)));
    await Promise.all(others.map((r) => r.quit()));
    // Exactly one of them ended the run; all see every entry recorded.
    expect(results.filter((r) => r.ended === 'cancelled')).toHaveLength(1);
    expect(results.map((r) => r.applied)).toEqual([1, 1, 1]);
    const view = (await store.view('r'))!;
    expect(view.status).toBe('cancelled');
    expect(Object.values(view.steps).every((s) => s.status === 'cancelled' && s.attempts === 1)).toBe(true);
    const events = await store.events('r', 0);
    // Each step: one running and one cancelled event; the run: running and cancelled.
    expect(events.filter((e) => e.step !== '')).toHaveLength(2 * ids.length);
    expect(events.filter((e) => e.step === '').map((e) => e.status)).toEqual(['running', 'cancelled']);
    expect(await redis.hget(`${prefix}run:r`, 'part')).toBeNull();
  });
});

describe('RunStore append', () => {
  it('returns at most LOG_READ_ENTRIES of the log, however far back the caller asks from (a big run\'s log is never one reply)', async () => {
    const store = new RunStore(redis, `append-${Date.now()}:`);
    await store.create('r', 'f@1', { root: { kind: 'sequence', seg: '', children: [] }, params: {} }, [], {});
    const total = LOG_READ_ENTRIES + 500;
    for (let i = 1; i < total; i += 1000) {
      const events = Array.from({ length: Math.min(1000, total - i) }, (_, k) => ({ event: { type: 'cancel' as const, reason: `${i + k}` }, dedupe: `c|${i + k}` }));
      await store.append('r', events, 0);
    }
    const { entries } = await store.append('r', [{ event: { type: 'cancel', reason: 'last' }, dedupe: 'c|last' }], 0);
    expect(entries).toHaveLength(LOG_READ_ENTRIES);
    expect(entries[0].type).toBe('begin');
    // The rest is read in chunks of the same bound.
    expect(await store.readLog('r', LOG_READ_ENTRIES)).toHaveLength(total + 1 - LOG_READ_ENTRIES);
    expect((await store.readLog('r', 0)).length).toBe(LOG_READ_ENTRIES);
  });
});

describe('RunStore openStepsUnder', () => {
  it('lists the running and pending steps beneath a step, with their attempts: not ended ones, nor a sibling whose id starts alike, nor another step; a glob character in the id is taken as itself', async () => {
    const store = new RunStore(redis, `open-${Date.now()}:`);
    await store.create('r', 'f@1', { root: { kind: 'sequence', seg: '', children: [] }, params: {} }, ['p', 'px', 'p*'], {});
    await store.report('r', [
      { step: 'p/a', status: 'succeeded', attempt: 1 }, { step: 'p/b', status: 'running', attempt: 2 }, { step: 'p/b/0', status: 'running', attempt: 1 },
      { step: 'px/c', status: 'running', attempt: 1 }, { step: 'p*/d', status: 'running', attempt: 1 }, { step: 'p', status: 'running', attempt: 1 },
    ]);
    const sorted = (l: Array<{ step: string; attempt: number }>) => [...l].sort((a, b) => a.step.localeCompare(b.step));
    expect(sorted(await store.openStepsUnder('r', 'p'))).toEqual([{ step: 'p/b', attempt: 2 }, { step: 'p/b/0', attempt: 1 }]);
    expect(await store.openStepsUnder('r', 'p*')).toEqual([{ step: 'p*/d', attempt: 1 }]);
  });
});
