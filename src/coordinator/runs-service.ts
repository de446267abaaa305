/** The RunsPort of the API over the coordinator, the run store, the events hub and the artifact store. */
import { lstat, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ArtifactInfo, RunPlan, RunsPort } from './runs-port.ts';
import type { StepView } from '../run/run-view.ts';
import { inPlanOrder } from '../run/plan-order.ts';
import { toStepView } from '../store/step-records.ts';
import { planGraph, type PlanGraph } from '../plan/plan-document.ts';
import type { RunEventsHub } from '../store/run-events-hub.ts';
import { logDeduper, type RunLogsHub } from '../store/run-logs-hub.ts';
import type { LogChunk } from '../store/run-store.ts';
import { listRuns } from '../store/run-list.ts';
import { readableArtifactPath } from '../../runtime/step-files.ts';
import { KEPT_FILE } from '../worker/step-files.ts';
import type { Coordinator } from './coordinator.ts';
import type { RunSystem } from './run-system.ts';

/** An output file's name as a step may write it (any but the worker's mark, `.`, `..`, and names with a slash or control characters). */
function artifactName(name: string): boolean {
  return name !== KEPT_FILE && name !== '.' && name !== '..' && name.length <= 255 && !/[/\x00-\x1f\x7f]/.test(name);
}

const ENDED = new Set(['succeeded', 'failed', 'cancelled']);

export function runsService(sys: RunSystem, coordinator: Coordinator, hub: RunEventsHub, artifactsDir: string, logsHub?: RunLogsHub): RunsPort {
  /** The run's plan and the units it expanded, as graphs: what plan order reads. */
  const planGraphs = async (id: string): Promise<Omit<RunPlan, 'events'> | undefined> => {
    const stored = await sys.store.plan(id);
    if (!stored) return undefined;
    const expansions: Record<string, PlanGraph> = {};
    for (const [step, e] of await sys.store.expansions(id)) expansions[step] = planGraph(e.body, step);
    return { graph: planGraph(stored.root, ''), expansions };
  };
  /**
   * What a follower of the run's logs starts from: each step's log as kept, every step's in
   * plan order (as `strata logs RUN` prints them: a run that has ended followed reads as it
   * does); the store's order is the order the steps first wrote.
   */
  const backlog = async (id: string, step: string | undefined): Promise<LogChunk[]> => {
    if (step !== undefined) return sys.store.logBacklog(id, [step]);
    const chunks = await sys.store.logBacklog(id);
    if (chunks.length < 2) return chunks;
    const plan = await planGraphs(id);
    if (!plan) return chunks;
    const at = new Map(inPlanOrder(chunks.map((c) => c.step), plan.graph, plan.expansions).map((s, i) => [s, i]));
    return chunks.sort((a, b) => at.get(a.step)! - at.get(b.step)!);
  };
  const stepDir = async (id: string, step: string): Promise<string | undefined> => {
    if (!(await sys.store.step(id, step))) return undefined;
    try {
      return readableArtifactPath(artifactsDir, id, step);
    } catch {
      return undefined;
    }
  };
  return {
    start: (run, origin, id, meta) => coordinator.startPrepared(run, origin, id, meta),
    list: (filter) => listRuns(sys.store, filter),
    get: (id, o) => sys.store.view(id, o),
    fullView: (id) => sys.store.fullViewText(id),
    async steps(id, o) {
      if (!(await sys.store.status(id))) return undefined;
      const page = await sys.store.stepsPage(id, o);
      const steps: Record<string, StepView> = {};
      for (const [step, raw] of page.entries) steps[step] = toStepView(raw);
      return { run: id, steps, next: page.more ? page.entries.at(-1)?.[0] ?? null : null, total: page.total, counts: page.counts };
    },
    cancel: (id) => coordinator.cancel(id),
    follow: (id, from, deliver) => hub.follow(id, from, deliver),
    eventsState: (id) => sys.store.eventsState(id),
    retry: (id) => coordinator.retry(id),
    resubmit: (id, newId) => coordinator.resubmit(id, newId),
    delete: (id) => coordinator.delete(id),
    logs: (id, step) => sys.store.logs(id, step),
    async followLogs(id, step, deliver, ended) {
      if (!logsHub) throw new Error('this service follows no logs');
      const give = logDeduper(deliver);
      const early: LogChunk[] = [];
      let ready = false;
      // Subscribed before the backlog is read: a chunk written in between comes both ways, and is given once.
      const stopLogs = await logsHub.listen(id, (c) => (step === undefined || c.step === step) && (ready ? give(c) : early.push(c)));
      let done = false;
      let stopEvents = () => {};
      const finish = async () => {
        if (done) return;
        done = true;
        // Every step's output is written before the step ends, and the run ends after its steps: read once more, then end.
        for (const c of await backlog(id, step)) give(c);
        ended();
      };
      try {
        for (const c of await backlog(id, step)) give(c);
        ready = true;
        for (const c of early.splice(0)) give(c);
        // The run's end, from its events from now on (a retried run that ends again ends the follow too).
        const state = await sys.store.eventsState(id);
        stopEvents = await hub.follow(id, state?.events ?? 0, (events) => void (events.some((e) => e.run && ENDED.has(e.status)) && finish()));
        if (!state || ENDED.has(state.status)) await finish();
      } catch (e) {
        stopLogs();
        stopEvents();
        throw e;
      }
      return () => {
        stopLogs();
        stopEvents();
      };
    },
    async artifacts(id, step) {
      const dir = await stepDir(id, step);
      if (!dir) return undefined;
      const out: ArtifactInfo[] = [];
      const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
      for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
        // A pod's directory also holds its micro steps' directories; the worker's
        // `.strata-kept` mark is not an artifact. Every other file is, whatever its name
        // (a dot first, spaces): the step wrote it.
        if (!e.isFile() || !artifactName(e.name)) continue;
        const s = await stat(join(dir, e.name));
        out.push({ name: e.name, size: s.size, modifiedAt: s.mtime.toISOString() });
      }
      return out;
    },
    async artifact(id, step, name) {
      if (!artifactName(name)) return undefined;
      const dir = await stepDir(id, step);
      if (!dir) return undefined;
      const path = join(dir, name);
      // lstat: a link is never an artifact to serve (outputs are checked before they are kept; this holds whatever is there).
      const s = await lstat(path).catch(() => undefined);
      return s?.isFile() ? { path, size: s.size } : undefined;
    },
    async progress(id) {
      if (!(await sys.store.status(id))) return undefined;
      // Only the statuses are wanted: read a batch at a time, found without parsing the records (stepsPage).
      const { total, counts } = await sys.store.stepsPage(id, { limit: 0 });
      return { total, done: total - (counts.pending ?? 0) - (counts.running ?? 0), counts };
    },
    async plan(id) {
      // Counted before the plan is read: a viewer resumes the events from here and misses none.
      const events = await sys.store.redis.llen(sys.store.key(id, 'events'));
      const graphs = await planGraphs(id);
      return graphs && { ...graphs, events };
    },
  };
}
