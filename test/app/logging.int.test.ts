/**
 * `strata up` as a real process: one JSON log line per request, run start and end, step
 * start and end; a bad environment variable stops it at start with a sentence.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { flowDoc, shTask } from '../support/documents.ts';
import { runStrata, spawnStrata, stop, until } from '../support/processes.ts';
import { usePrefixes, testHome } from '../support/test-service.ts';

const newPrefix = usePrefixes();

const started: Array<ReturnType<typeof spawnStrata>> = [];
afterAll(async () => {
  for (const p of started) await stop(p);
});

type Line = Record<string, unknown> & { level: number; msg: string; event?: string };

function lines(text: string): Line[] {
  return text.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Line);
}

describe('structured logs', () => {
  it('logs requests, run start and end, and step start and end as JSON lines', async () => {
    const prefix = newPrefix('log');
    const up = spawnStrata(['up'], { REDIS_URL: inject('redisUrl'), STRATA_PREFIX: prefix, STRATA_HOME: testHome(prefix), PORT: '0' });
    started.push(up);
    const url = await until('the API to listen', () => /API on (http:\/\/[\d.:]+)/.exec(up.output())?.[1]);
    const res = await fetch(`${url}/v1/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ flow: flowDoc({ sequence: [{ id: 'ok', task: shTask('true') }, { id: 'bad', task: shTask('exit 3') }] }, 'logged') }) });
    const { runId } = (await res.json()) as { runId: string };
    await until('the run end line', () => lines(up.output()).some((l) => l.event === 'run.end' && l.run === runId));
    await fetch(`${url}/v1/runs/${runId}`);
    const all = lines(up.output());
    const ev = (name: string) => all.filter((l) => l.event === name && (l.run === runId || name === 'http.request'));
    expect(ev('run.start')).toEqual([expect.objectContaining({ level: 30, flow: 'logged@1' })]);
    expect(ev('step.start').map((l) => [l.step, l.attempt])).toEqual([['ok', 1], ['bad', 1]]);
    expect(ev('step.end').map((l) => [l.step, l.outcome, typeof l.durationMs])).toEqual([['ok', 'succeeded', 'number'], ['bad', 'failed', 'number']]);
    expect(ev('run.end')).toEqual([expect.objectContaining({ status: 'failed', durationMs: expect.any(Number) })]);
    expect(ev('http.request')).toContainEqual(expect.objectContaining({ method: 'POST', route: '/v1/runs', status: '202', ms: expect.any(Number) }));
    expect(ev('http.request')).toContainEqual(expect.objectContaining({ method: 'GET', route: '/v1/runs/:id', status: '200' }));
    // /metrics counts what the log says
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/strata_runs_finished_total\{status="failed"\} 1/);
    expect(metrics).toMatch(/strata_http_request_duration_seconds_count\{method="POST",route="\/v1\/runs",status="202"\} 1/);
    expect(metrics).toMatch(/bullmq_job_count\{queue="steps", state="(waiting|active)"\} \d+/);
  }, 60_000);

  it('a worker serves its metrics on STRATA_METRICS_PORT, with the step queue\'s', async () => {
    const prefix = newPrefix('wm');
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const worker = spawnStrata(['worker'], { REDIS_URL: inject('redisUrl'), STRATA_PREFIX: prefix, STRATA_HOME: testHome(prefix), STRATA_METRICS_PORT: String(port) });
    started.push(worker);
    await until('the metrics line', () => lines(worker.output()).some((l) => /worker metrics on/.test(l.msg)));
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(text).toMatch(/^strata_steps_running 0$/m);
    expect(text).toMatch(/bullmq_job_count\{queue="steps", state="waiting"\} 0/);
  }, 60_000);

  it('on a terminal the same lines are formatted for people (pino-pretty)', async () => {
    const prefix = newPrefix('tty');
    // `script` runs the command on a pseudo-terminal, as a shell in a terminal window would.
    const env = { ...process.env, REDIS_URL: inject('redisUrl'), STRATA_PREFIX: prefix, STRATA_HOME: testHome(prefix), PORT: '0' };
    const tty = spawn('script', ['-qec', `${process.execPath} bin/strata.js up`, '/dev/null'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    tty.stdout!.on('data', (d) => (out += d));
    started.push(Object.assign(tty, { output: () => out }));
    await until('the API line', () => /strata API on http/.test(out));
    const line = out.split('\n').find((l) => l.includes('strata API on'))!;
    expect(line).toMatch(/INFO/);
    expect(line.replace(/\x1b\[[0-9;]*m/g, '').trimStart().startsWith('{')).toBe(false);
  }, 60_000);

  it('a bad variable stops the process at start with a sentence naming it, exit code 2', async () => {
    const r = await runStrata(['worker'], { REDIS_URL: inject('redisUrl'), STRATA_LOCK_MS: 'abc' });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('strata: STRATA_LOCK_MS must be a whole number of milliseconds from 1000 to 86400000, not "abc"\n');
  });
});
