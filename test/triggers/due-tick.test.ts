/** The tick a schedule fires: the latest one due since the last, within its deadline, in its time zone. */
import { describe, expect, it } from 'vitest';
import { dueTick } from '../../src/triggers/due-tick.ts';

const t = (iso: string) => Date.parse(iso);

describe('dueTick', () => {
  it('fires the earliest tick due since the last one, passing over those past the deadline, and says when the next is', () => {
    expect(dueTick('*/5 * * * *', 'UTC', t('2026-01-01T00:00:00Z'), t('2026-01-01T00:11:30Z'), 300_000)).toEqual({ missed: t('2026-01-01T00:05:00Z'), due: t('2026-01-01T00:10:00Z'), next: t('2026-01-01T00:15:00Z') });
  });

  it('a scheduler that fell behind fires every tick in order, each once', () => {
    const now = t('2026-01-01T00:00:05.5Z');
    const fired: number[] = [];
    let last = t('2026-01-01T00:00:00Z');
    for (let d = dueTick('* * * * * *', 'UTC', last, now, 60_000).due; d !== undefined; d = dueTick('* * * * * *', 'UTC', last, now, 60_000).due) fired.push((last = d));
    expect(fired.map((x) => (x - t('2026-01-01T00:00:00Z')) / 1000)).toEqual([1, 2, 3, 4, 5]);
  });

  it('fires nothing between ticks, or again for a tick already fired', () => {
    expect(dueTick('*/5 * * * *', 'UTC', t('2026-01-01T00:10:00Z'), t('2026-01-01T00:11:30Z'), 300_000)).toEqual({ next: t('2026-01-01T00:15:00Z') });
  });

  it('skips a tick missed for longer than the deadline', () => {
    expect(dueTick('0 * * * *', 'UTC', t('2026-01-01T00:00:00Z'), t('2026-01-01T01:30:00Z'), 60_000)).toEqual({ missed: t('2026-01-01T01:00:00Z'), next: t('2026-01-01T02:00:00Z') });
  });

  it('reads the expression in its time zone', () => {
    // 02:00 in Paris is 01:00 UTC in winter.
    expect(dueTick('0 2 * * *', 'Europe/Paris', t('2026-01-01T00:00:00Z'), t('2026-01-01T01:00:30Z'), 60_000).due).toBe(t('2026-01-01T01:00:00Z'));
  });

  it('takes seconds as a sixth field', () => {
    expect(dueTick('* * * * * *', 'UTC', t('2026-01-01T00:00:00Z'), t('2026-01-01T00:00:03.5Z'), 60_000)).toEqual({ due: t('2026-01-01T00:00:01Z'), next: t('2026-01-01T00:00:04Z') });
  });

  describe('daylight saving time (Europe/Berlin: 2026-10-25 03:00 CEST is 02:00 CET again; 2026-03-29 02:00 CET is 03:00 CEST)', () => {
    /** Every tick fired from `from` to `to` by a scheduler that calls dueTick at each tick it is told of (`next`), in UTC ISO text. */
    const fired = (pattern: string, from: string, to: string): string[] => {
      const out: string[] = [];
      let last = t(from);
      for (let next = dueTick(pattern, 'Europe/Berlin', last, last, 0).next; next !== null && next <= t(to); next = dueTick(pattern, 'Europe/Berlin', last, last, 0).next) {
        const d = dueTick(pattern, 'Europe/Berlin', last, next, 0).due;
        expect(d).toBe(next);
        out.push(new Date((last = next)).toISOString());
      }
      return out;
    };

    it('a wall-clock time that occurs twice (the autumn hour) fires once, at its first occurrence, as `30 2` does', () => {
      expect(fired('30 2 * * *', '2026-10-24T12:00:00Z', '2026-10-26T12:00:00Z')).toEqual(['2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z']);
      // Before: 00:00, 00:30, 01:00 and 01:30 UTC, each of 02:00 and 02:30 twice.
      expect(fired('*/30 2 * * *', '2026-10-24T12:00:00Z', '2026-10-26T12:00:00Z')).toEqual(['2026-10-25T00:00:00.000Z', '2026-10-25T00:30:00.000Z', '2026-10-26T01:00:00.000Z', '2026-10-26T01:30:00.000Z']);
      expect(fired('0 0,30 2 * * *', '2026-10-24T12:00:00Z', '2026-10-26T12:00:00Z')).toEqual(['2026-10-25T00:00:00.000Z', '2026-10-25T00:30:00.000Z', '2026-10-26T01:00:00.000Z', '2026-10-26T01:30:00.000Z']);
    });

    it('a schedule of every hour (hour field *) goes by the clock that elapses: the repeated hour fires again', () => {
      const hourly = fired('0 * * * *', '2026-10-24T22:00:00Z', '2026-10-25T03:00:00Z');
      expect(hourly).toEqual(['2026-10-24T23:00:00.000Z', '2026-10-25T00:00:00.000Z', '2026-10-25T01:00:00.000Z', '2026-10-25T02:00:00.000Z', '2026-10-25T03:00:00.000Z']);
      expect(fired('*/30 * * * *', '2026-10-25T00:00:00Z', '2026-10-25T02:00:00Z')).toHaveLength(4);
    });

    it('wall-clock times the spring hour skips fire once, when it ends (03:00 CEST), whatever their minutes, as `30 2` does', () => {
      expect(fired('30 2 * * *', '2026-03-28T12:00:00Z', '2026-03-30T12:00:00Z')).toEqual(['2026-03-29T01:00:00.000Z', '2026-03-30T00:30:00.000Z']);
      // Before: nothing on March 29.
      expect(fired('*/30 2 * * *', '2026-03-28T12:00:00Z', '2026-03-30T12:00:00Z')).toEqual(['2026-03-29T01:00:00.000Z', '2026-03-30T00:00:00.000Z', '2026-03-30T00:30:00.000Z']);
      // A time the skipped hour does not hold is not moved.
      expect(fired('30 1 * * *', '2026-03-28T12:00:00Z', '2026-03-30T12:00:00Z')).toEqual(['2026-03-29T00:30:00.000Z', '2026-03-29T23:30:00.000Z']);
    });

    it('in a zone without daylight saving, and in UTC, nothing changes', () => {
      expect(dueTick('*/30 2 * * *', 'UTC', t('2026-10-25T02:00:00Z'), t('2026-10-25T02:30:00Z'), 0)).toEqual({ due: t('2026-10-25T02:30:00Z'), next: t('2026-10-26T02:00:00Z') });
      expect(dueTick('*/30 2 * * *', 'Asia/Tokyo', t('2026-10-24T17:00:00Z'), t('2026-10-24T17:30:00Z'), 0)).toEqual({ due: t('2026-10-24T17:30:00Z'), next: t('2026-10-25T17:00:00Z') });
    });
  });
});

