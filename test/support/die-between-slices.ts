/**
 * A real `strata` process that is SIGKILLed between two slices of a fold (sync.ts): right
 * after its Nth commit of a slice of a log entry (a part that says more of the entry
 * follow) is recorded, before the next slice is folded. It writes `died after slice N` to
 * stderr first, so a test can see where it died.
 * Usage: node --import tsx test/support/die-between-slices.ts N serve [strata options]
 * (REDIS_URL, STRATA_PREFIX, STRATA_HOME, STRATA_FOLD_SLICE_STEPS as for `strata serve`).
 */
import { RunStore } from '../../src/store/run-store.ts';

const n = Number(process.argv[2]);
if (!Number.isInteger(n) || n < 1) throw new Error(`die-between-slices: the first argument is a slice number from 1, not ${process.argv[2]}`);
process.argv.splice(2, 1);

const commit = RunStore.prototype.commitEnding;
let slices = 0;
RunStore.prototype.commitEnding = async function (this: RunStore, ...args: Parameters<RunStore['commitEnding']>) {
  const result = await commit.apply(this, args);
  if (args[1].some((e) => e.more) && ++slices === n) {
    process.stderr.write(`died after slice ${n}\n`);
    process.kill(process.pid, 'SIGKILL');
  }
  return result;
};

await import('../../src/cli/main.ts');
