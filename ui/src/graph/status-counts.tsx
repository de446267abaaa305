/** Counts by status over a set of steps, live (a fan-out summary's line, a run's header). */
import type { RunState } from '../run-state.ts';

const ORDER = ['running', 'pending', 'succeeded', 'failed', 'skipped', 'cancelled'];

export function StatusCounts({ state, steps }: { state: RunState; steps?: string[] }) {
  state.tick.value; // re-count on every batch of events
  const counts = state.counts(steps);
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
