/** Counts by status over a set of steps, live (a fan-out summary's line, a run's header). */
import type { RunState } from '../run-state.ts';

const ORDER = ['running', 'pending', 'succeeded', 'failed', 'skipped', 'cancelled', 'superseded'];

/** Over `steps` (re-counted on every batch of events), or over the whole run. */
export function StatusCounts({ state, steps }: { state: RunState; steps?: string[] }) {
  let counts: Record<string, number>;
  if (steps) {
    state.tick.value; // subscribe: re-count on every batch
    counts = state.counts(steps);
  } else counts = state.totals.value;
  const keys = Object.keys(counts).sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b));
  return (
    <div class="counts">
      {keys.map((k) => (
        <span key={k} class="count" data-count-status={k}>
          <i class={`dot s-${k}`} />
          {counts[k]} {k}
        </span>
      ))}
    </div>
  );
}
