/**
 * The check a worker makes before it runs a step's job: the run's status and the step's
 * view (a step of a run cancelled or ended, or one already finished, must not start its
 * program). Checks of one run asked in the same turn of the event loop go out as one script
 * call (step-checks-2.lua): a fan-out's completions are answered together (sync.ts), BullMQ
 * then hands the worker their successors' jobs together, and each check cost a write and a
 * round trip of its own (docs/performance.md, "The cost of a step"). Each step is still
 * checked after its job was taken and before its program starts, as one read each was.
 */
import type { Redis } from 'ioredis';
import type { RunStatus } from '../engine/types.ts';
import { callScript } from './lua-scripts.ts';
import { stepProgress } from './step-records.ts';

/** The run's status and the step's progress (undefined: no such run, or the step has no view yet). */
export type StepCheck = [RunStatus | undefined, { status: string; attempt: number } | undefined];

/** Steps checked per script call at most (the script unpacks them into one HMGET). */
export const STEP_CHECK_BATCH = 500;

interface Asked {
  step: string;
  done(c: StepCheck): void;
  fail(e: unknown): void;
}

/** Batches the checks of one connection by run (see above). */
export class StepChecks {
  private waiting = new Map<string, Asked[]>();
  private scheduled = false;

  /** `keys(runId)`: the run's hash and its steps hash. */
  constructor(private readonly redis: Redis, private readonly keys: (runId: string) => [string, string]) {}

  /** Check a step before its program starts; one script call for all asked in this turn of the event loop. */
  check(runId: string, step: string): Promise<StepCheck> {
    return new Promise<StepCheck>((done, fail) => {
      const asked = this.waiting.get(runId);
      if (asked) asked.push({ step, done, fail });
      else this.waiting.set(runId, [{ step, done, fail }]);
      if (!this.scheduled) {
        this.scheduled = true;
        // Once the promise jobs of this turn have run: the jobs whose replies came in one read
        // have all asked by then, and nothing waits for the event loop's next turn (a chain's
        // one check a step goes out at once).
        process.nextTick(() => this.send());
      }
    });
  }

  private send(): void {
    this.scheduled = false;
    const all = this.waiting;
    this.waiting = new Map();
    for (const [runId, asked] of all) {
      for (let i = 0; i < asked.length; i += STEP_CHECK_BATCH) {
        const part = asked.slice(i, i + STEP_CHECK_BATCH);
        callScript<[string | null, Array<string | null>]>(this.redis, 'stepChecks', this.keys(runId), part.map((a) => a.step)).then(
          ([status, views]) => part.forEach((a, j) => a.done([(status as RunStatus | null) ?? undefined, views[j] ? stepProgress(views[j]!) : undefined])),
          (e: unknown) => part.forEach((a) => a.fail(e)),
        );
      }
    }
  }
}
