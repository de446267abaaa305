/**
 * Try an action until it is done or no longer wanted: a failure (Redis or the API server
 * refusing a write, or away a moment) is tried again after a back-off, doubling from
 * `firstMs` to `maxMs`. Used where a lost answer leaves something waiting for ever: a pod's
 * ask for micro steps and the run's answer to it (log version 8, docs/runs.md; tester 16,
 * test/worker/ask-lost.int.test.ts, test/runtime/kubernetes/kube-run-steps.int.test.ts).
 */
import { setTimeout as sleep } from 'node:timers/promises';

/** `fn`'s answer once it gives one; undefined once `until` is aborted (tried no more). */
export async function tryUntil<T>(fn: () => Promise<T>, until: AbortSignal, firstMs = 200, maxMs = 5000): Promise<T | undefined> {
  for (let wait = firstMs; !until.aborted; wait = Math.min(wait * 2, maxMs)) {
    try {
      return await fn();
    } catch {
      await sleep(wait, undefined, { signal: until }).catch(() => undefined);
    }
  }
  return undefined;
}
