/**
 * A real `strata` process that is SIGKILLed between two slices of a fold (sync.ts): right
 * after its Nth commit of a slice of a log entry (a part that says more of the entry
 * follow) is recorded, before the next slice is folded. It writes `died after slice N` to
 * stderr first, so a test can see where it died. Plain JavaScript on dist/'s copy of strata
 * (test/support/built.mjs), so it starts without tsx.
 * Usage: node test/support/die-between-slices.mjs N serve [strata options]
 * (REDIS_URL, STRATA_PREFIX, STRATA_HOME, STRATA_FOLD_SLICE_STEPS as for `strata serve`).
 * STRATA_TEST_SLICE_STATUS: count only slices that record a step in that status (`cancelled`:
 * a cancel's slices, not a fan-out's start). STRATA_TEST_SLICE_HOLD: a Redis list; instead of
 * dying, the process says `held after slice N` and waits (BLPOP, a connection of its own, the
 * event loop free) until the test pushes to the list, then goes on with the next slice.
 */
import { Redis } from 'ioredis';
import { load } from './built.mjs';

const { RunStore } = await load('src/store/run-store.ts');

const n = Number(process.argv[2]);
if (!Number.isInteger(n) || n < 1) throw new Error(`die-between-slices: the first argument is a slice number from 1, not ${process.argv[2]}`);
process.argv.splice(2, 1);
const status = process.env.STRATA_TEST_SLICE_STATUS;
const hold = process.env.STRATA_TEST_SLICE_HOLD;

const counted = (entries) => entries.some((e) => e.more && (status === undefined || e.steps.some((s) => s.status === status)));

const commit = RunStore.prototype.commitEnding;
let slices = 0;
RunStore.prototype.commitEnding = async function (...args) {
  const result = await commit.apply(this, args);
  if (counted(args[1]) && ++slices === n) {
    if (hold === undefined) {
      process.stderr.write(`died after slice ${n}\n`);
      process.kill(process.pid, 'SIGKILL');
    }
    const gate = new Redis(process.env.REDIS_URL);
    process.stderr.write(`held after slice ${n}\n`);
    await gate.blpop(hold, 0);
    gate.disconnect();
  }
  return result;
};

await load('src/cli/main.ts');
