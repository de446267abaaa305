/** The report annotation: numbered events, trimmed to their budget, read back after any seq. */
import { describe, expect, it } from 'vitest';
import { appendEvent, decodeReport, emptyReport, encodeReport, EVENTS_BUDGET, eventsAfter, fitParameters, PARAMETERS_BUDGET, RESULT_BUDGET } from '../../../runtime/kubernetes/report-protocol.ts';

const step = (n: number, extra = {}) => ({ type: 'step' as const, step: `p/s${n}`, status: 'succeeded' as const, at: n, ...extra });

describe('report protocol', () => {
  it('numbers events from 1 and reads back those after a seq', () => {
    let doc = emptyReport();
    for (let i = 1; i <= 3; i++) doc = appendEvent(doc, step(i));
    const back = decodeReport(encodeReport(doc))!;
    expect(back.seq).toBe(3);
    expect(eventsAfter(back, 1)).toEqual({ events: [{ ...step(2), seq: 2 }, { ...step(3), seq: 3 }], missed: 0 });
    expect(eventsAfter(back, 3)).toEqual({ events: [], missed: 0 });
  });

  it('keeps the newest events within its budget, and says how many a late reader missed', () => {
    let doc = emptyReport();
    const filler = 'x'.repeat(1000);
    for (let i = 1; i <= 400; i++) doc = appendEvent(doc, step(i, { error: filler }));
    expect(Buffer.byteLength(encodeReport(doc))).toBeLessThan(EVENTS_BUDGET + 2048);
    expect(doc.events[doc.events.length - 1].seq).toBe(400);
    const first = doc.events[0].seq;
    expect(first).toBeGreaterThan(1);
    expect(eventsAfter(doc, 0).missed).toBe(first - 1);
    expect(eventsAfter(doc, first - 1).missed).toBe(0);
  });

  it('leaves out a result too large to carry, saying how large it was', () => {
    const big = { data: 'y'.repeat(RESULT_BUDGET) };
    const doc = appendEvent(emptyReport(), step(1, { result: big }));
    expect(doc.events[0].result).toBeUndefined();
    expect(doc.events[0].resultOmitted).toBe(Buffer.byteLength(JSON.stringify(big)));
  });

  it('leaves out output parameters too large to carry, an event\'s and the outcome\'s, naming them and their size; small ones travel', () => {
    const params = { a: 'a'.repeat(PARAMETERS_BUDGET / 2), b: 'b'.repeat(PARAMETERS_BUDGET / 2) };
    const doc = appendEvent(emptyReport(), step(1, { parameters: params }));
    expect(doc.events[0].parameters).toBeUndefined();
    expect(doc.events[0].parametersOmitted).toEqual({ names: ['a', 'b'], bytes: Buffer.byteLength(JSON.stringify(params)) });
    expect(fitParameters({ ok: true, status: 'succeeded' as const, parameters: params })).toEqual({ ok: true, status: 'succeeded', parametersOmitted: { names: ['a', 'b'], bytes: Buffer.byteLength(JSON.stringify(params)) } });
    expect(appendEvent(emptyReport(), step(1, { parameters: { a: 'small' } })).events[0].parameters).toEqual({ a: 'small' });
  });

  it.each([undefined, '', 'not json', '{"v":2,"seq":0,"events":[]}'])('reads %j as no report', (text) => {
    expect(decodeReport(text)).toBeUndefined();
  });
});
