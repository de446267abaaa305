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
});
