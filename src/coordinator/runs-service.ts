/** The RunsPort of the API over the coordinator and the run store. */
import type { RunsPort } from '../api/runs-port.ts';
import type { RunStatus } from '../engine/types.ts';
import type { Coordinator } from './coordinator.ts';
import type { RunSystem } from './run-system.ts';

const DONE = new Set<RunStatus>(['succeeded', 'failed', 'cancelled']);

export function runsService(sys: RunSystem, coordinator: Coordinator): RunsPort {
  return {
    start: (flow, compiled, params, origin) => coordinator.startRun(flow, compiled, params, origin),
    list: () => sys.store.list(),
    get: (id) => sys.store.view(id),
    cancel: (id) => coordinator.cancel(id),
    async events(id, from, waitMs) {
      const deadline = Date.now() + waitMs;
      for (;;) {
        const events = await sys.store.events(id, from);
        const status = await sys.store.status(id);
        const done = status !== undefined && DONE.has(status);
        // Done once the run has ended and every event has been handed out.
        if (events.length > 0 || done || Date.now() >= deadline) return { events, next: from + events.length, done: done && events.length === 0 };
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    logs: (id, step) => sys.store.logs(id, step),
  };
}
