/**
 * A strata that stops answering without closing its connections (a frozen process, a
 * partition): the command line does not wait forever. A request that gets no byte for
 * STRATA_CLIENT_IDLE_MS fails as unavailable (exit 7), naming the address; a followed event
 * stream that goes silent (the service sends a comment line every 15 s) is taken as lost and
 * asked for again, as a closed one is.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { runStrata, spawnStrata, stop, until } from '../support/processes.ts';
import { useTempDirs } from '../support/temp-dirs.ts';

const tempDir = useTempDirs('strata-idle-');

const held: ServerResponse[] = [];
const servers: Server[] = [];
afterAll(async () => {
  for (const r of held) r.destroy();
  for (const s of servers) await new Promise((r) => s.close(r));
});

/** A server that answers nothing on any route, and counts the requests it gets by path. */
async function silentServer(onRequest: (path: string, res: ServerResponse) => void): Promise<string> {
  const s = createServer((req, res) => onRequest(req.url ?? '', res));
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  return `http://127.0.0.1:${(s.address() as { port: number }).port}`;
}

describe('a strata that stops answering', () => {
  it('a request with no answer fails as unavailable, naming the address, once the idle time has passed', async () => {
    const url = await silentServer((_path, res) => held.push(res));
    const r = await runStrata(['runs', 'list'], { STRATA_URL: url, STRATA_CLIENT_IDLE_MS: '500' });
    expect(r.code).toBe(7);
    expect(r.stderr).toContain(`cannot reach strata at ${url}`);
    expect(r.stderr).toMatch(/no answer for 0\.5 s/);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it.each(['10s', '0', '-1', '1e400', 'soon'])('STRATA_CLIENT_IDLE_MS=%s is refused naming it (exit 2), not taken silently as the defaults', async (value) => {
    // This one answers: a value taken as the defaults would list no run and exit 0.
    const url = await silentServer((_path, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"runs":[]}'));
    const r = await runStrata(['runs', 'list'], { STRATA_URL: url, STRATA_CLIENT_IDLE_MS: value });
    expect(r.code, r.stdout).toBe(2);
    expect(r.stderr.trim()).toBe(`strata: STRATA_CLIENT_IDLE_MS must be a whole number of milliseconds from 1 to 86400000, not ${JSON.stringify(value)}`);
  });

  it.each([['abc', 'abc'], ['spaces only', '   '], ['+5', '+5'], ['5.0', '5.0'], ['400 nines', '9'.repeat(400)]])('STRATA_CLIENT_IDLE_MS of %s is refused in the words the service\'s configuration gives its own milliseconds (STRATA_LOCK_MS)', async (_what, value) => {
    const url = await silentServer((_path, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"runs":[]}'));
    const client = await runStrata(['runs', 'list'], { STRATA_URL: url, STRATA_CLIENT_IDLE_MS: value });
    const service = await runStrata(['up'], { REDIS_URL: '', STRATA_HOME: tempDir(), PORT: '0', STRATA_LOCK_MS: value });
    expect([client.code, service.code]).toEqual([2, 2]);
    // The same sentence but for the name and the least value each takes (1 ms; 1000 ms).
    const said = (stderr: string, name: string, min: number) => stderr.trim().replace(name, 'NAME').replace(` from ${min} to `, ' from MIN to ');
    expect(said(client.stderr, 'STRATA_CLIENT_IDLE_MS', 1)).toBe(said(service.stderr, 'STRATA_LOCK_MS', 1000));
    expect(client.stderr).toContain('STRATA_CLIENT_IDLE_MS must be a whole number of milliseconds from 1 to 86400000, not "');
  });

  it('a followed event stream that goes silent is asked for again', async () => {
    const asked: string[] = [];
    const url = await silentServer((path, res) => {
      asked.push(path);
      if (!path.endsWith('/events')) return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: 'r-silent', status: 'running', steps: { a: { status: 'pending' } } }));
      held.push(res);
      // Headers and one event, then nothing: the connection stays open.
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`id: 1\nevent: step\ndata: ${JSON.stringify({ step: 'a', status: 'running', at: '2026-12-01T00:00:00.000Z' })}\n\n`);
    });
    const watch = spawnStrata(['runs', 'watch', 'r-silent'], { STRATA_URL: url, STRATA_CLIENT_IDLE_MS: '500' });
    try {
      await until('the watch to ask for the events a second time', () => asked.filter((p) => p.endsWith('/events')).length >= 2);
      expect(watch.output()).toMatch(/▶ a running/);
      expect(watch.output()).toMatch(/lost the connection/);
      expect(asked.filter((p) => p.endsWith('/events'))).toEqual(['/v1/runs/r-silent/events', '/v1/runs/r-silent/events']);
    } finally {
      await stop(watch);
    }
  });
});
