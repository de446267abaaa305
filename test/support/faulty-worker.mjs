/**
 * A real `strata worker` process whose sync after a step's append never carries the run
 * on: every enqueue of a step job and every commit of the run's state is refused
 * (`fail`) or never answered (`hang`), so after it appends a step's `finished` event (and
 * answers the step's BullMQ job) nothing more of the run happens here. Each refusal is
 * written to stderr (`fault: ...`) so a test can see the fault was met.
 * Plain JavaScript on dist/'s copy of strata (test/support/built.mjs), so it starts without tsx.
 * Usage: node test/support/faulty-worker.mjs fail|hang worker [strata options]
 * (REDIS_URL, STRATA_PREFIX, STRATA_HOME as for `strata worker`).
 */
import { Queue } from 'bullmq';
import { load } from './built.mjs';

const { RunStore } = await load('src/store/run-store.ts');

const mode = process.argv[2];
if (mode !== 'fail' && mode !== 'hang') throw new Error(`faulty-worker: the first argument is fail or hang, not ${mode}`);
process.argv.splice(2, 1);

function fault(what) {
  process.stderr.write(`fault: ${what} ${mode === 'fail' ? 'refused' : 'held'}\n`);
  return mode === 'fail' ? Promise.reject(new Error(`${what} refused (test fault)`)) : new Promise(() => undefined);
}

Queue.prototype.add = () => fault('enqueue');
Queue.prototype.addBulk = () => fault('enqueue');
RunStore.prototype.commitEnding = () => fault('commit');

await load('src/cli/main.ts');
