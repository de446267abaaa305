/**
 * Issue 4 figures, measured side by side in one process on one Redis:
 * (a) a chain of 200 no-op macro steps against 200 bare BullMQ jobs each added after the
 *     previous one completed; (b) a fan-out of 2,000 no-op steps at concurrency 10 against
 *     2,000 bare jobs on a Worker at concurrency 10, and against BullMQ's own job tree
 *     (a FlowProducer parent with 2,000 children, children run at concurrency 10: the
 *     parent runs once they are all done); (b') the same fan-out without a concurrency of its
 *     own, the worker's 10 the only limit as for bare BullMQ: the fan-out enqueues all its
 *     items at once instead of one each time one ends (docs/performance.md, the floor);
 *     (c) Redis commands per step against per bare
 *     job (INFO commandstats). A no-op step takes a real step's path (coordinator, BullMQ,
 *     a worker, its inputs and outputs directories, keeping its outputs) but its runtime
 *     starts no program. Beside wall time, the CPU time of this process and of Redis.
 */
import { FlowProducer, Queue, Worker } from 'bullmq';
import { loadConfig } from '../src/app/config.ts';
import { startRunParts } from '../src/app/run-parts.ts';
import { DefinitionsStore } from '../src/store/definitions-store.ts';
import { benchRedis } from './bench-redis.ts';
import { NoopRuntime } from '../runtime/noop-runtime.ts';
import { commandCount, flowRunner, measured, printFigures, type Figure } from './measure.ts';

export type { Figure };

const noop = (id: string) => ({ id, task: { image: 'strata/noop' } });

export async function runsBench(chain = 200, fan = 2000): Promise<Figure[]> {
  const { url, admin, home, handle, close } = await benchRedis('runs');
  const figures: Figure[] = [];
  try {
    // --- bare BullMQ ---
    const bareConn = handle.connect();
    const bareQueue = new Queue('bare', { connection: bareConn });
    let onDone: (() => void) | undefined;
    let completed = 0;
    const bareWorker = new Worker('bare', async () => null, { connection: handle.connect(), concurrency: 10 });
    bareWorker.on('completed', () => {
      completed++;
      onDone?.();
    });
    await bareWorker.waitUntilReady();
    // warm-up
    for (let i = 0; i < 20; i++) await new Promise<void>((res) => { onDone = res; void bareQueue.add('j', {}, { removeOnComplete: true }); });

    await admin.config('RESETSTAT');
    const t = performance.now();
    for (let i = 0; i < chain; i++) {
      await new Promise<void>((res) => {
        onDone = res;
        void bareQueue.add('j', { i }, { removeOnComplete: { count: 100_000 } });
      });
    }
    const bareChainMs = performance.now() - t;
    const bareChainCmds = (await commandCount(admin)) / chain;

    completed = 0;
    const { ms: bareFanMs, cpu: bareFanCpu, redisCpu: bareFanRedisCpu } = await measured(admin, async () => {
      const all = new Promise<void>((res) => { onDone = () => { if (completed >= fan) res(); }; });
      await bareQueue.addBulk(Array.from({ length: fan }, (_, i) => ({ name: 'j', data: { i }, opts: { removeOnComplete: { count: 100_000 } } })));
      await all;
    });
    await bareWorker.close();
    await bareQueue.close();

    // --- BullMQ's FlowProducer: one parent, `fan` children ---
    const children = new Worker('fp-child', async () => null, { connection: handle.connect(), concurrency: 10 });
    let parentDone: (() => void) | undefined;
    const parent = new Worker('fp-parent', async () => null, { connection: handle.connect(), concurrency: 1 });
    parent.on('completed', () => parentDone?.());
    await Promise.all([children.waitUntilReady(), parent.waitUntilReady()]);
    const producer = new FlowProducer({ connection: handle.connect() });
    const tree = (n: number) => ({ name: 'p', queueName: 'fp-parent', children: Array.from({ length: n }, (_, i) => ({ name: 'c', queueName: 'fp-child', data: { i } })) });
    await new Promise<void>((res) => { parentDone = res; void producer.add(tree(20)); }); // warm-up
    const { ms: flowMs, cpu: flowCpu, redisCpu: flowRedisCpu } = await measured(admin, () =>
      new Promise<void>((res) => { parentDone = res; void producer.add(tree(fan)); }),
    );
    await Promise.all([children.close(), parent.close(), producer.close()]);

    // --- strata ---
    const config = loadConfig({ PORT: '0', REDIS_URL: url, STRATA_PREFIX: 'bench', STRATA_HOME: home, STRATA_WORKER_CONCURRENCY: '10' });
    const defs = new DefinitionsStore(handle.connect(), 'bench:');
    const parts = await startRunParts(config, handle, defs, { coordinator: true, worker: true, runtime: new NoopRuntime() });
    await parts.worker!.worker.waitUntilReady();
    const runFlow = flowRunner(parts);
    await runFlow({ sequence: Array.from({ length: 20 }, (_, i) => noop(`w${i}`)) }); // warm-up

    await admin.config('RESETSTAT');
    const strataChainMs = await runFlow({ sequence: Array.from({ length: chain }, (_, i) => noop(`s${i}`)) });
    const strataChainCmds = (await commandCount(admin)) / chain;
    const { result: strataFanMs, cpu: strataFanCpu, redisCpu: strataFanRedisCpu } = await measured(admin, () =>
      runFlow({ fanOut: { over: Array.from({ length: fan }, (_, i) => i), concurrency: 10, do: noop('x') } }),
    );
    const { result: openFanMs, cpu: openFanCpu } = await measured(admin, () =>
      runFlow({ fanOut: { over: Array.from({ length: fan }, (_, i) => i), do: noop('y') } }),
    );
    await parts.close();

    figures.push(
      { name: `(a) chain of ${chain}: strata per step`, value: strataChainMs / chain, unit: 'ms' },
      { name: `(a) chain of ${chain}: bare BullMQ per job`, value: bareChainMs / chain, unit: 'ms' },
      { name: '(a) ratio strata/bare (target <= 1.5)', value: strataChainMs / bareChainMs, unit: 'x' },
      { name: `(b) fan-out of ${fan} at 10: strata`, value: strataFanMs, unit: 'ms' },
      { name: `(b) fan-out of ${fan} at 10: bare BullMQ`, value: bareFanMs, unit: 'ms' },
      { name: '(b) ratio strata/bare (target <= 1.2)', value: strataFanMs / bareFanMs, unit: 'x' },
      { name: `(b) BullMQ FlowProducer: a parent with ${fan} children at 10`, value: flowMs, unit: 'ms' },
      { name: '(b) ratio strata/FlowProducer', value: strataFanMs / flowMs, unit: 'x' },
      { name: '(b) CPU per step: this process, strata / bare / FlowProducer', value: strataFanCpu / fan, unit: `ms / ${(bareFanCpu / fan).toFixed(3)} / ${(flowCpu / fan).toFixed(3)}` },
      { name: `(b') fan-out of ${fan}, no concurrency of its own (worker at 10): strata`, value: openFanMs, unit: `ms, ratio to bare ${(openFanMs / bareFanMs).toFixed(2)}, CPU ${(openFanCpu / fan).toFixed(3)} ms/step` },
      { name: '(b) Redis CPU per step: strata / bare / FlowProducer', value: strataFanRedisCpu / fan, unit: `ms / ${(bareFanRedisCpu / fan).toFixed(3)} / ${(flowRedisCpu / fan).toFixed(3)}` },
      { name: '(c) Redis commands per strata step', value: strataChainCmds, unit: 'cmds' },
      { name: '(c) Redis commands per bare job', value: bareChainCmds, unit: 'cmds' },
      { name: '(c) ratio strata/bare (target <= 3)', value: strataChainCmds / bareChainCmds, unit: 'x' },
    );
  } finally {
    await close();
  }
  return figures;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  printFigures(await runsBench());
}
