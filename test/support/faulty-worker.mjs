/**
 * A real `strata worker` process whose sync after a step's append never carries the run
 * on: every enqueue of a step job and every commit of the run's state is refused
 * (`fail`) or never answered (`hang`), so after it appends a step's `finished` event (and
 * answers the step's BullMQ job) nothing more of the run happens here. Each refusal is
 * written to stderr (`fault: ...`) so a test can see the fault was met.
 * Mode `ask-once`: only the first append holding a pod's `ask` (log version 8) is refused, as
 * Redis refuses a write now and then (a connection lost, MISCONF, OOM); the rest is served.
 * Plain JavaScript on dist/'s copy of strata (test/support/built.mjs), so it starts without tsx.
 * Usage: node test/support/faulty-worker.mjs fail|hang|ask-once worker [strata options]
 * (REDIS_URL, STRATA_PREFIX, STRATA_HOME as for `strata worker`).
 */
import { Queue } from 'bullmq';
import { load } from './built.mjs';

const { RunStore } = await load('src/store/run-store.ts');

const mode = process.argv[2];
if (!['fail', 'hang', 'ask-once'].includes(mode)) throw new Error(`faulty-worker: the first argument is fail, hang or ask-once, not ${mode}`);
process.argv.splice(2, 1);

function fault(what) {
  process.stderr.write(`fault: ${what} ${mode === 'hang' ? 'held' : 'refused'}\n`);
  return mode === 'hang' ? new Promise(() => undefined) : Promise.reject(new Error(`${what} refused (test fault)`));
}

if (mode === 'ask-once') {
  const append = RunStore.prototype.append;
  let refused = false;
  RunStore.prototype.append = function (runId, entries, ...rest) {
    if (refused || !entries.some((e) => e.event.type === 'ask')) return append.call(this, runId, entries, ...rest);
    refused = true;
    return fault('ask');
  };
} else {
  Queue.prototype.add = () => fault('enqueue');
  Queue.prototype.addBulk = () => fault('enqueue');
  RunStore.prototype.commitEnding = () => fault('commit');
}

await load('src/cli/main.ts');
