/**
 * The CPU pool's threads are stopped only once each has said it loaded its module (a
 * thread terminated while Node still loads its ES module can abort the whole process with
 * a V8 fatal error): the thread's own message, not piscina's workerCreate, which it emits
 * for the first thread before that thread has loaded anything.
 *
 * Seen from outside the pool: every worker thread of this process is watched at the
 * `node:worker_threads` level, for the word its module posts once loaded and for the moment
 * it is terminated, so the check reads none of the pool's own bookkeeping.
 */
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { cpuWorkerFile, threadPool, type ThreadPoolOptions } from '../../../src/api/cpu/cpu-pool.ts';
import { isThreadLoaded } from '../../../src/api/cpu/thread-loaded.ts';

/** Per worker thread: whether its loaded word had come when it was terminated, in the order of the terminations. */
const said = new WeakSet<Worker>();
const terminations: boolean[] = [];
const emit = Worker.prototype.emit;
const terminate = Worker.prototype.terminate;
Worker.prototype.emit = function (this: Worker, event: string | symbol, ...args: unknown[]) {
  if (event === 'message' && isThreadLoaded(args[0])) said.add(this);
  return emit.call(this, event, ...args);
};
Worker.prototype.terminate = function (this: Worker) {
  terminations.push(said.has(this));
  return terminate.call(this);
};
afterAll(() => {
  Worker.prototype.emit = emit;
  Worker.prototype.terminate = terminate;
});

const options = (onStop: ThreadPoolOptions['onStop']): ThreadPoolOptions => ({
  workerData: { redisUrl: inject('redisUrl'), prefix: 'cpu-pool-test', redisTimeoutMs: 2000, maxBytes: 1 << 20, maxYamlBytes: 1 << 20 },
  threads: 2,
  taskTimeoutMs: 30_000,
  taskMemoryMb: 256,
  onStop,
  // The bound on a stop is not what is tested: however slow the machine, close waits for the word.
  loadWaitMs: 120_000,
});

describe('threadPool close', { timeout: 180_000 }, () => {
  it('right after start, stops the thread only once it has loaded its module', async () => {
    terminations.length = 0;
    const stops: Array<{ threads: number; loaded: number }> = [];
    const pool = threadPool(options((s) => stops.push(s)));
    await pool.close();
    expect(terminations).toEqual([true]);
    expect(stops).toEqual([{ threads: 1, loaded: 1 }]);
  });

  it('after tasks, every thread it started has loaded: none is left waiting for', async () => {
    terminations.length = 0;
    const stops: Array<{ threads: number; loaded: number }> = [];
    const pool = threadPool(options((s) => stops.push(s)));
    const rule = { apiVersion: 'strata/v1', kind: 'Rule', metadata: { name: 'r' }, spec: { when: true, emit: { task: { image: 'alpine' } } } };
    const body = { bytes: new TextEncoder().encode(JSON.stringify(rule)), type: 'json' as const };
    await Promise.all([1, 2, 3].map(() => pool.run('rule', { body: { ...body, bytes: body.bytes.slice() }, query: {} })));
    await pool.close();
    expect(terminations.length).toBeGreaterThan(0);
    expect(terminations.every(Boolean)).toBe(true);
    expect(stops).toEqual([{ threads: terminations.length, loaded: terminations.length }]);
  });
});

describe('the module its threads run', () => {
  it('is the build\'s bundle, dist/bundle/cpu-worker.js (one file to load at each thread\'s start, not its modules apart)', () => {
    // The suite's set-up has built dist/: the sources running here choose its copy, then the bundle.
    expect(cpuWorkerFile().href).toMatch(/\/dist\/bundle\/cpu-worker\.js$/);
  });
});
