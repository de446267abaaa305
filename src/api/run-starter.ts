/**
 * Starting a run from a trigger (a Schedule's tick, a Hook's call) the way the API starts
 * one: a registered flow by `use` with parameters, planned as `POST /v1/runs` with
 * `{ use, with }` plans it; or a Dataset through the rules, planned as
 * `POST /v1/datasets?run=true` plans it (its generated flow, the Dataset and its plan
 * stored). The planning is CPU work and runs on the CPU pool (cpu/cpu-pool.ts: worker
 * threads in a service), never on the thread of the caller (the coordinator's, the API's).
 */
import type { RunsPort } from '../coordinator/runs-port.ts';
import { isRefusal, refusalAt } from '../errors/strata-error.ts';
import type { JsonValue } from '../flow/types.ts';
import type { OnEnd } from '../run/run-view.ts';
import type { DefinitionsStore } from '../store/definitions-store.ts';
import type { CpuPool } from './cpu/cpu-pool.ts';
import type { RawBody } from './cpu/parse-body.ts';
import type { TaskResult } from './cpu/tasks.ts';

export interface StarterDeps {
  /** where the planning runs */
  cpu: CpuPool;
  runs: RunsPort;
  defs: DefinitionsStore;
}

export interface StartMeta {
  /** the run's id (a schedule's tick names it, a hook's Idempotency-Key reserves it) */
  id: string;
  /** where the run came from: `schedule` and `tick`, or `hook` */
  origin: Record<string, string>;
  /** labels on top of those of the flow (and the Dataset) */
  labels?: Record<string, string>;
  onEnd?: OnEnd;
}

/** A JSON value as a request body, for the CPU pool's tasks. */
export function jsonBody(value: unknown): RawBody {
  return { type: 'json', bytes: new TextEncoder().encode(JSON.stringify(value)) };
}

/**
 * Plan the run a Schedule's tick would start (`{ use, with }`, or its Dataset through the
 * rules in force), on the CPU pool, storing and starting nothing: throws as the tick's start
 * would, its refusal placed at `spec.with` or `spec.dataset` (refusalAt).
 */
export async function planTick(d: Pick<StarterDeps, 'cpu'>, spec: { use?: string; with?: Record<string, unknown>; dataset?: Record<string, unknown> }): Promise<void> {
  try {
    if (spec.use) await d.cpu.run('run', { body: jsonBody({ use: spec.use, with: spec.with ?? {} }), query: {} });
    else await d.cpu.run('dataset', { body: jsonBody(spec.dataset), query: {} });
  } catch (e) {
    // A Dataset's problems are places in it; a flow's are places in the flow, but those in the request's `with` (its keys) are in `spec.with`.
    throw isRefusal(e) ? refusalAt(e, spec.use ? 'spec.with' : 'spec.dataset', !spec.use, spec.use ? 'with' : undefined) : e;
  }
}

/** A run planned and not yet started: `start(meta)` starts it (and keeps what an ingest made), answering its id. */
export type PlannedStart = (meta: StartMeta) => Promise<string>;

/**
 * Plan registered flow `ref` with `params` on the CPU pool; the start it answers gives the
 * run the flow's labels, then `meta.labels`. Refused as `POST /v1/runs` refuses (not_found,
 * limit_exceeded, ...), before anything is started or stored.
 */
export async function planUse(d: StarterDeps, ref: string, params: Record<string, JsonValue>): Promise<PlannedStart> {
  const made = await d.cpu.run('run', { body: jsonBody({ use: ref, with: params }), query: {} });
  return (meta) => d.runs.start(made.run, { flow: ref, ...meta.origin }, meta.id, { labels: { ...(made.meta.labels ?? {}), ...(meta.labels ?? {}) }, ...(meta.onEnd ? { onEnd: meta.onEnd } : {}) });
}

/** Start registered flow `ref` with `params` (planUse, then its start). */
export async function startUse(d: StarterDeps, ref: string, params: Record<string, JsonValue>, meta: StartMeta): Promise<string> {
  return (await planUse(d, ref, params))(meta);
}

/**
 * Plan the flow the rules generate for Dataset document `body`; the start it answers starts
 * the run (the flow's labels, the Dataset's, then `meta.labels`), then stores the ingest,
 * so a refused start stores nothing.
 */
export async function planIngest(d: StarterDeps, body: RawBody): Promise<PlannedStart & { flow: string }> {
  const made = await d.cpu.run('dataset', { body, query: { run: 'true' } });
  const flow = `${made.flow.name}@${made.flow.version}`;
  const start = async (meta: StartMeta) => {
    const runId = await d.runs.start(made.run!, { dataset: made.name, flow, ...meta.origin }, meta.id, { labels: { ...made.labels, ...(meta.labels ?? {}) }, ...(meta.onEnd ? { onEnd: meta.onEnd } : {}) });
    await keepIngest(d.defs, made);
    return runId;
  };
  return Object.assign(start, { flow });
}

/** Ingest Dataset document `body` and start the flow the rules generate for it (planIngest, then its start). */
export async function ingestAndRun(d: StarterDeps, body: RawBody, meta: StartMeta): Promise<{ runId: string; flow: string }> {
  const planned = await planIngest(d, body);
  return { runId: await planned(meta), flow: planned.flow };
}

/** Store what an ingest made: its generated flow, the Dataset (naming that flow) and the plan. */
export async function keepIngest(defs: DefinitionsStore, made: TaskResult<'dataset'>): Promise<void> {
  const ref = `${made.flow.name}@${made.flow.version}`;
  await defs.registerFlowJson(made.flow.name, made.flow.version, made.flow.json);
  await defs.putDatasetJson(made.name, made.datasetJson, ref);
  await defs.putPlan(ref, made.plan);
}
