/** What the API asks of the run side (the coordinator and the run store). */
import type { PreparedRun } from '../run/prepared-run.ts';
import type { PlanGraph } from '../plan/plan-document.ts';
import type { RunView, StepEvent, StepView } from '../run/run-view.ts';
import type { RunFilter } from '../store/run-list.ts';
import type { LogChunk, RunMeta } from '../store/run-store.ts';
import type { RunSummary } from '../run/run-view.ts';

/** One output file of a step. */
export interface ArtifactInfo {
  name: string;
  size: number;
  modifiedAt: string;
}

export interface RunsPort {
  /**
   * Store and start a run under `id` (a run already stored under it is left as it is: an
   * earlier try of the same start made it); resolves to the id. `run.ref` is the flow it
   * runs (the used flow for a `{ use }` request); the run is named after it.
   */
  start(run: PreparedRun, origin: Record<string, string>, id: string, meta?: RunMeta): Promise<string>;
  list(filter: RunFilter): Promise<{ runs: RunSummary[]; next: string | null }>;
  /** the run with every step, or with `cut` its first VIEW_STEPS (then `stepsSummary` tells the rest) */
  get(id: string, o?: { cut?: boolean }): Promise<RunView | undefined>;
  /** the run with every step, as JSON text in pieces, each made in a turn of its own (GET /v1/runs/:id); undefined when there is no run */
  fullView(id: string): Promise<AsyncIterable<string> | undefined>;
  /** a page of the run's steps in step order (after `after`, at most `limit`, of the statuses `status`); undefined when there is no run */
  steps(id: string, o: { after?: string; limit: number; status?: readonly string[] }): Promise<RunStepsPage | undefined>;
  /** the run's cut view once cancelled (its answer is read again whole: fullView) */
  cancel(id: string): Promise<RunView>;
  /**
   * Follow a run's events from `from` on (0 = from the start): `deliver` gets them in seq
   * order as they happen, pushed (no polling). Resolves to a function that stops following.
   */
  follow(id: string, from: number, deliver: (events: StepEvent[]) => void): Promise<() => void>;
  /** the run's status and how many events it has recorded, read at one instant; undefined when there is no such run */
  eventsState(id: string): Promise<{ status: string; events: number } | undefined>;
  /** the run's cut view once retried */
  retry(id: string): Promise<RunView>;
  /** a new run with the same inputs under `newId` (reserved by an Idempotency-Key; a new id when unset); its id. 410 when `newId`'s run was deleted */
  resubmit(id: string, newId?: string): Promise<string>;
  delete(id: string): Promise<void>;
  logs(id: string, step: string): Promise<string | undefined>;
  /**
   * Follow a run's step logs (one step's, or every step's): `deliver` gets what is kept,
   * then each chunk as it is written, pushed (no polling), each byte once; `ended` is
   * called once the run has ended and its logs are all delivered. Resolves to a function
   * that stops following.
   */
  followLogs(id: string, step: string | undefined, deliver: (chunk: LogChunk) => void, ended: () => void): Promise<() => void>;
  /** a step's output files; undefined when the run or step does not exist */
  artifacts(id: string, step: string): Promise<ArtifactInfo[] | undefined>;
  /** one output file to stream; undefined when there is none of that name */
  artifact(id: string, step: string, name: string): Promise<{ path: string; size: number } | undefined>;
  /** the run's plan as a graph, and the graph of each unit a generate step expanded into */
  plan(id: string): Promise<RunPlan | undefined>;
  /** steps by status (reads every step's record: one run at a time, for lists of runs) */
  progress(id: string): Promise<RunProgress | undefined>;
}

/** A run's plan for pictures: the graphology export of its root, and of each generated unit (node ids are step ids). */
export interface RunPlan {
  graph: PlanGraph;
  expansions: Record<string, PlanGraph>;
  /** events recorded before anything else was read: a view read after this and the events from here on make the whole story */
  events: number;
}

/** A page of a run's steps (GET /v1/runs/:id/steps). */
export interface RunStepsPage {
  run: string;
  steps: Record<string, StepView>;
  /** the last step id of the page when more come after it (the next page's `after`), else null */
  next: string | null;
  /** the run's steps, all of them */
  total: number;
  /** the run's steps by status, all of them */
  counts: Record<string, number>;
}

/** How far a run is: its steps, those ended, and counts by status. */
export interface RunProgress {
  total: number;
  done: number;
  counts: Record<string, number>;
}
