/**
 * Exit handlers (docs/flow-language.md, Failure handling): a node with `onExit` that has
 * ended keeps running while its handler runs; the handler reads the node's outcome as
 * `exit` (status, duration, failures), and the node then ends with its own outcome; when it
 * succeeded and its handler failed, its parent (or the run) takes that as its failure.
 */
import type { JsonValue } from '../flow/types.ts';
import { outcomeForParent, type Act, type Driver, type Ops } from './act.ts';
import { wrapDriver } from './wrap.ts';

/** A failed leaf as `exit.failures` lists it. */
export interface Failure {
  step: string;
  error: string;
  exitCode?: number | null;
}

/** What `exit` holds for a node that ended with `status`, from `startedAt` to `now` (ms). */
export function exitData(act: Act, status: 'succeeded' | 'failed', now: number, failures: Failure[]): JsonValue {
  const inside = failures.filter((f) => act.id === '' || f.step === act.id || f.step.startsWith(`${act.id}/`));
  return {
    status,
    duration: act.startedAt && now ? Math.max(0, now - act.startedAt) / 1000 : 0,
    failures: inside.map((f) => ({ step: f.step, error: f.error, ...(f.exitCode !== undefined && f.exitCode !== null ? { exitCode: f.exitCode } : {}) })),
  };
}

/** The driver of a node whose handler runs: it starts the handler, then ends the node. */
export function exitDriver(act: Act, ops: Ops, exit: JsonValue): Driver {
  const end = (done: Act) => {
    const own = act.exiting!;
    // The node keeps its own status and result (Argo: the node Succeeded, its handler's node
    // Failed); its parent, or the run, takes the handler's failure as the node's (Argo tester 3, N3).
    const handler = outcomeForParent(done);
    if (handler.error && own.status === 'succeeded') act.handlerError = `exit handler failed: ${handler.error}`;
    ops.finish(act, own.status, own.result, own.error);
  };
  // Declared after everything the node holds, so it sorts last among starts of a tick.
  return wrapDriver(act, ops, act.node.onExit!, { ...act.scope, exit }, false, end, Number.MAX_SAFE_INTEGER);
}
