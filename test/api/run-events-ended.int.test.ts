/**
 * The event stream of a run that has ended ends once everything after Last-Event-ID was
 * sent, also when the client has everything already (the web UI reopening a finished run's
 * page). Real HTTP, Redis, BullMQ and processes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flowDoc, shTask } from '../support/documents.ts';
import { startRunService, type RunTestService } from '../support/run-service.ts';

let svc: RunTestService;
beforeAll(async () => {
  svc = await startRunService();
});
afterAll(async () => svc?.close());

/** The SSE messages' event names and ids, read to the end of the stream (a stream that never ends times the test out). */
async function read(path: string, headers: Record<string, string> = {}): Promise<string[]> {
  const text = await (await fetch(svc.url + path, { headers })).text();
  return text.split('\n\n').filter((b) => b.trim() && !b.startsWith(':')).map((b) => {
    const f = Object.fromEntries(b.split('\n').map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)]));
    return `${f.id ?? '-'} ${f.event}`;
  });
}

describe('events of an ended run', () => {
  it('end at once when Last-Event-ID is the last event id or past it, and after the rest otherwise', async () => {
    const r = await svc.call('POST', '/v1/runs', { flow: flowDoc({ sequence: [{ id: 'a', task: shTask('true') }] }, 'sse-ended') });
    const id = r.body.runId as string;
    await svc.waitRun(id);
    const all = await read(`/v1/runs/${id}/events`);
    expect(all.at(-1)).toBe('- end');
    const last = Number(all.at(-2)!.split(' ')[0]);
    expect(all.at(-2)).toBe(`${last} run`);
    expect(await read(`/v1/runs/${id}/events`, { 'last-event-id': String(last) })).toEqual(['- end']);
    expect(await read(`/v1/runs/${id}/events`, { 'last-event-id': String(last + 5) })).toEqual(['- end']);
    expect(await read(`/v1/runs/${id}/events?from=${last}`)).toEqual(['- end']);
    expect(await read(`/v1/runs/${id}/events`, { 'last-event-id': String(last - 1) })).toEqual([`${last} run`, '- end']);
  });

  it('every event stream asks a proxy not to buffer it (X-Accel-Buffering: no, Cache-Control: no-cache): a buffering proxy holds the 15 s comment lines too, and the CLI gives the stream up after 45 s of silence', async () => {
    const r = await svc.call('POST', '/v1/runs', { flow: flowDoc({ sequence: [{ id: 'a', task: shTask('echo hi') }] }, 'sse-headers') });
    const id = r.body.runId as string;
    await svc.waitRun(id);
    for (const path of [`/v1/runs/${id}/events`, `/v1/runs/${id}/logs`, `/v1/runs/${id}/logs?step=a`]) {
      const res = await fetch(svc.url + path);
      await res.text();
      expect([path, res.headers.get('content-type'), res.headers.get('x-accel-buffering'), res.headers.get('cache-control')]).toEqual([path, 'text/event-stream', 'no', 'no-cache']);
    }
  });
});

describe('a resumption point that is no event id', () => {
  it('Last-Event-ID or ?from= that is no whole number of events (a fraction, past 2^53, 1e400, negative, words) is refused 400 naming it, before any stream; a whole number still resumes', async () => {
    const r = await svc.call('POST', '/v1/runs', { flow: flowDoc({ sequence: [{ id: 'a', task: shTask('true') }] }, 'sse-bad-from') });
    const id = r.body.runId as string;
    await svc.waitRun(id);
    const bad = ['2.5', '99999999999999999999999', '1e400', '-3', 'abc', '0x10', '7.0'];
    const answers: string[] = [];
    for (const v of bad) {
      for (const [where, path, headers] of [
        ['Last-Event-ID', `/v1/runs/${id}/events`, { 'last-event-id': v }],
        ['from', `/v1/runs/${id}/events?from=${encodeURIComponent(v)}`, {}],
      ] as Array<[string, string, Record<string, string>]>) {
        const res = await fetch(svc.url + path, { headers });
        const body = (await res.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
        answers.push(`${where} ${v}: ${res.status} ${body.error?.code} ${body.error?.message?.startsWith(`${where} must be`) ? 'named' : body.error?.message}`);
      }
    }
    expect(answers).toEqual(bad.flatMap((v) => [`Last-Event-ID ${v}: 400 invalid_request named`, `from ${v}: 400 invalid_request named`]));
    expect((await read(`/v1/runs/${id}/events`, { 'last-event-id': '' })).at(-1)).toBe('- end');
    expect(await read(`/v1/runs/${id}/events`, { 'last-event-id': String(Number.MAX_SAFE_INTEGER) })).toEqual(['- end']);
  });
});
