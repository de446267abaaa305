/**
 * A real `strata serve` whose first commit recording a step `cancelled` waits until the test
 * pushes to the Redis list STRATA_TEST_HOLD (BLPOP on a connection of its own, the event
 * loop free): the cancel's stop message is published by then (sync.ts sends it before the
 * commit), the steps are not yet recorded cancelled. It writes `held before the cancel's
 * commit` to stderr.
 * Plain JavaScript on dist/'s copy of strata (test/support/built.mjs), so it starts without tsx.
 * Usage: node test/support/hold-before-cancel-commit.mjs serve [strata options]
 */
import { Redis } from 'ioredis';
import { load } from './built.mjs';

const { RunStore } = await load('src/store/run-store.ts');

const gate = process.env.STRATA_TEST_HOLD;
if (!gate) throw new Error('hold-before-cancel-commit: STRATA_TEST_HOLD names the list to wait on');
const commit = RunStore.prototype.commitEnding;
let held = false;
RunStore.prototype.commitEnding = async function (...args) {
  if (!held && args[1].some((e) => e.steps.some((s) => s.status === 'cancelled'))) {
    held = true;
    const r = new Redis(process.env.REDIS_URL);
    process.stderr.write('held before the cancel\'s commit\n');
    await r.blpop(gate, 0);
    r.disconnect();
  }
  return commit.apply(this, args);
};

await load('src/cli/main.ts');
