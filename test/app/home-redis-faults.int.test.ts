/**
 * The local Redis of a STRATA_HOME under faults (tester 17), real strata processes and real
 * redis-servers:
 * - a home's redis-server that is frozen (SIGSTOP) is never doubled: a second server on one
 *   AOF directory corrupts it. The check for "this home's server" read the server's command
 *   line, which redis-server rewrites (`redis-server 127.0.0.1:PORT`), so a process started
 *   beside a frozen one started a second server on the same directory;
 * - one SIGKILLed under a running `strata up` is started again by it, on its port, and the
 *   run goes on (up had answered 503 for ever);
 * - one that died while every process of the home was frozen is started on its port by the
 *   next process of the home, so that those processes find it again where they left it (it
 *   was started on another port, the others stranded on the old one).
 */
import { describe, expect, it } from 'vitest';
import { processRunning } from '../../runtime/process/process-group.ts';
import { flowDoc, shTask } from '../support/documents.ts';
import { until } from '../support/processes.ts';
import { apiUrl, exited, ready, serverOf, serversOf, tryServerOf, useHomeStrata } from './support/home-strata.ts';

const { home, strata } = useHomeStrata('strata-home-faults-');

describe('the local Redis of a STRATA_HOME under faults', () => {
  it('a frozen redis-server of the home is not doubled: the next process says so and stops', async () => {
    const h = home();
    const serve = strata('serve', h);
    await apiUrl(serve);
    const redis = serverOf(h);
    process.kill(redis.pid, 'SIGSTOP');
    try {
      const worker = strata('worker', h);
      await until('the worker to exit', () => exited(worker), 30_000);
      expect(worker.exitCode).not.toBe(0);
      expect(worker.output()).toContain(`the redis-server of this STRATA_HOME (pid ${redis.pid}) does not answer on port ${redis.port}; stop it, or set REDIS_URL`);
      expect(serversOf(h)).toEqual([redis.pid]);
    } finally {
      process.kill(redis.pid, 'SIGCONT');
    }
    serve.kill('SIGTERM');
    await until('serve to exit', () => exited(serve), 20_000);
    await until('its redis-server to stop', () => !processRunning(redis.pid));
  });

  it('a redis-server of the home SIGKILLed under strata up is started again on its port, and the run goes on', async () => {
    const h = home();
    const up = strata('up', h);
    const url = await apiUrl(up);
    const redis = serverOf(h);
    const flow = flowDoc({ sequence: [{ id: 'a', task: shTask('sleep 2; echo a > $STRATA_OUTPUTS/a.txt') }, { id: 'b', task: shTask('cat $STRATA_INPUTS/a/a.txt 2>/dev/null; echo b') }] }, 'home-redis-killed');
    const res = await fetch(`${url}/v1/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ flow }) });
    expect(res.status).toBe(202);
    const { runId } = (await res.json()) as { runId: string };
    await until('step a to start', async () => ((await (await fetch(`${url}/v1/runs/${runId}`)).json()) as { steps: Record<string, { status: string }> }).steps.a?.status === 'running');
    process.kill(redis.pid, 'SIGKILL');
    await until('Redis to be gone', () => !processRunning(redis.pid));

    const again = await until('the home\'s redis-server to be started again', () => {
      // Read without the home's lock, as strata writes it: a file being written is looked at again.
      const s = tryServerOf(h);
      return s !== undefined && s.pid !== redis.pid && processRunning(s.pid) && s;
    }, 30_000);
    expect(again.port).toBe(redis.port);
    const said = `the redis-server of ${h} (pid ${redis.pid}, port ${redis.port}) had stopped: started it again on its port`;
    await until('strata up to say so', () => up.output().includes(said));
    await until('the API to be ready again', () => ready(url), 30_000);
    const status = await until('the run to end', async () => {
      const s = ((await (await fetch(`${url}/v1/runs/${runId}`)).json()) as { status: string }).status;
      return ['succeeded', 'failed', 'cancelled'].includes(s) && s;
    }, 90_000);
    expect(status).toBe('succeeded');
    expect(serversOf(h)).toEqual([again.pid]);

    up.kill('SIGTERM');
    await until('strata up to exit', () => exited(up), 20_000);
    await until('the redis-server it started again to stop with it', () => !processRunning(again.pid));
  });

  it('a redis-server that died while the home\'s processes were frozen is started on its port by the next one, where they find it', async () => {
    const h = home();
    const serve = strata('serve', h);
    const url = await apiUrl(serve);
    const redis = serverOf(h);
    serve.kill('SIGSTOP');
    try {
      process.kill(redis.pid, 'SIGKILL');
      await until('Redis to be gone', () => !processRunning(redis.pid));
      const worker = strata('worker', h);
      await until('the worker to start', () => /worker running/.test(worker.output()), 30_000);
      expect(serverOf(h).port).toBe(redis.port);
    } finally {
      serve.kill('SIGCONT');
    }
    await until('serve to be ready again', () => ready(url), 30_000);
    expect(serversOf(h)).toEqual([serverOf(h).pid]);
  });
});
