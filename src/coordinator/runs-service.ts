/** The RunsPort of the API over the coordinator and the run store. */
import type { RunsPort } from '../api/runs-port.ts';
import type { RunEventsHub } from '../store/run-events-hub.ts';
import type { Coordinator } from './coordinator.ts';
import type { RunSystem } from './run-system.ts';

export function runsService(sys: RunSystem, coordinator: Coordinator, hub: RunEventsHub): RunsPort {
  return {
    start: (flow, compiled, params, origin) => coordinator.startRun(flow, compiled, params, origin),
    list: () => sys.store.list(),
    get: (id) => sys.store.view(id),
    cancel: (id) => coordinator.cancel(id),
    follow: (id, from, deliver) => hub.follow(id, from, deliver),
    logs: (id, step) => sys.store.logs(id, step),
  };
}
