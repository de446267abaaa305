/**
 * A process killed at the worst moment for onEnd: it stores a run that asks for a
 * notification, commits the run's end (the one commit that ends it, as sync.ts does), and
 * is SIGKILLed before anything else, so it never queues the notification itself.
 * Plain JavaScript on dist/'s copy of strata (test/support/built.mjs), so it starts without tsx.
 * Usage: node test/support/end-run-and-die.mjs REDIS_URL PREFIX RUN_ID WEBHOOK
 */
import { Redis } from 'ioredis';
import { load } from './built.mjs';

const { RunStore } = await load('src/store/run-store.ts');

const [url, prefix, id, webhook] = process.argv.slice(2);
const store = new RunStore(new Redis(url), `${prefix}:`);
await store.create(id, 'died@1', { root: { kind: 'sequence', seg: '', children: [] }, params: {} }, [], {}, { onEnd: { webhook } });
const { ended } = await store.commitEnding(id, [{ i: 0, steps: [], run: { status: 'succeeded' } }]);
if (ended !== 'succeeded') throw new Error(`the commit did not end the run: ${ended}`);
process.kill(process.pid, 'SIGKILL');
